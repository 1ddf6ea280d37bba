package io.ballast.deploy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The documents under deploy/, and in-memory mutated copies of them for the negative tests. */
final class Docs {

    private Docs() {
    }

    /** A document with the file it came from. */
    record Doc(Path file, JsonNode node) {
        @Override
        public String toString() {
            return Repo.root().relativize(file) + " " + node.path("kind").asText() + "/" + node.at("/metadata/name").asText();
        }
    }

    static List<Doc> all() {
        List<Doc> out = new ArrayList<>();
        for (Path file : Repo.deployYamlFiles()) {
            for (JsonNode node : Repo.yamlDocuments(file)) {
                out.add(new Doc(file, node));
            }
        }
        return out;
    }

    static List<Doc> ofKind(String kind) {
        return all().stream().filter(d -> kind.equals(d.node().path("kind").asText())).toList();
    }

    /** The FlinkDeployment of deploy/k8s, the one the mutations start from. */
    static JsonNode flinkDeployment() {
        List<Doc> docs = ofKind("FlinkDeployment");
        if (docs.isEmpty()) {
            throw new IllegalStateException("No FlinkDeployment under deploy/");
        }
        return docs.get(0).node();
    }

    /** A deep copy of {@code doc} changed by {@code change}. */
    static ObjectNode mutate(JsonNode doc, Consumer<ObjectNode> change) {
        ObjectNode copy = doc.deepCopy();
        change.accept(copy);
        return copy;
    }

    /** Sets the value at a JSON pointer whose parent exists (an object field, or an array index). */
    static void set(ObjectNode root, String pointer, JsonNode value) {
        JsonPointer ptr = JsonPointer.compile(pointer);
        JsonNode parent = root.at(ptr.head());
        String last = ptr.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        } else {
            throw new IllegalArgumentException("No parent at " + pointer);
        }
    }

    static void set(ObjectNode root, String pointer, String value) {
        set(root, pointer, TextNode.valueOf(value));
    }

    /** Replaces the argument that follows {@code option} in spec.job.args. */
    static void setArg(ObjectNode root, String option, String value) {
        ArrayNode args = (ArrayNode) root.at("/spec/job/args");
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).asText().equals(option)) {
                args.set(i + 1, TextNode.valueOf(value));
                return;
            }
        }
        args.add(option).add(value);
    }

    /** The env list of the common pod template's main container. */
    static ArrayNode env(ObjectNode root) {
        return (ArrayNode) root.at("/spec/podTemplate/spec/containers/0/env");
    }
}
