package io.ballast.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Changed versions of Ballast's state types, compiled at test time into a directory of classes that a
 * job in another JVM puts ahead of the real ones: "the next release", whose state schemas differ from
 * those that wrote the savepoint fixture. Each change is made to today's schema (from the generated
 * class), so the tests always evolve the current types, never a stale copy.
 */
final class EvolvedStateTypes {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A change to one state type's schema, in JSON. */
    record Change(Schema schema, String description, UnaryOperator<ObjectNode> edit) {
    }

    private final List<Change> changes = new ArrayList<>();

    /** Adds a field, with a default when {@code defaultValue} is not null. */
    EvolvedStateTypes addField(Schema schema, String name, String type, Object defaultValue) {
        String what = "add " + schema.getName() + "." + name + " (" + type
                + (defaultValue == null ? ", no default)" : ", default " + defaultValue + ")");
        changes.add(new Change(schema, what, record -> {
            ObjectNode field = JSON.createObjectNode().put("name", name).put("type", type);
            if (defaultValue != null) {
                field.set("default", JSON.valueToTree(defaultValue));
            }
            ((ArrayNode) record.get("fields")).add(field);
            return record;
        }));
        return this;
    }

    /** Gives an existing field another type. */
    EvolvedStateTypes retype(Schema schema, String name, String type) {
        String what = "retype " + schema.getName() + "." + name + " from " + schema.getField(name).schema().getType()
                .getName() + " to " + type;
        changes.add(new Change(schema, what, record -> {
            for (JsonNode f : record.get("fields")) {
                if (f.get("name").asText().equals(name)) {
                    ((ObjectNode) f).put("type", type);
                    ((ObjectNode) f).remove("default");
                }
            }
            return record;
        }));
        return this;
    }

    List<String> descriptions() {
        return changes.stream().map(Change::description).toList();
    }

    /** The changed schemas, by full name. */
    Map<String, Schema> schemas() throws IOException {
        Map<String, Schema> out = new LinkedHashMap<>();
        for (Change c : changes) {
            ObjectNode json = (ObjectNode) JSON.readTree(c.schema().toString());
            // The JSON of a schema defines the named types it uses (Instrument, ...) inline: self-contained.
            out.put(c.schema().getFullName(), new Schema.Parser().parse(JSON.writeValueAsString(c.edit().apply(json))));
        }
        return out;
    }

    /**
     * Generates the changed classes as the build does (avro-compiler, String strings, private fields)
     * and compiles them against the test classpath into {@code dir}.
     */
    Path compile(Path dir, String classpath) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (Schema schema : schemas().values()) {
            SpecificCompiler compiler = new SpecificCompiler(schema);
            compiler.setStringType(GenericData.StringType.String);
            compiler.setFieldVisibility(SpecificCompiler.FieldVisibility.PRIVATE);
            compiler.compileToDestination(null, sources.toFile());
            // Only the changed type: the types it refers to stay the real ones.
            files.add(sources.resolve(schema.getFullName().replace('.', '/') + ".java").toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-nowarn", "--release", "17",
                "-classpath", classpath, "-d", classes.toString()));
        args.addAll(files);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(new String[0]));
        if (rc != 0) {
            throw new IllegalStateException("Compiling the changed state types failed: "
                    + errors.toString(StandardCharsets.UTF_8));
        }
        return classes;
    }
}
