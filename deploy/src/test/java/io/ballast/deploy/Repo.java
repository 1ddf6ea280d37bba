package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Where the repository is, what the build pinned, and YAML reading. */
final class Repo {

    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private Repo() {
    }

    /** The repository root; the build passes it, a run from the IDE falls back to the parent directory. */
    static Path root() {
        String root = System.getProperty("ballast.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The Flink version of the build (root pom {@code flink.version}). */
    static String flinkVersion() {
        return property("ballast.flink.version");
    }

    /** The Kafka version of the build (root pom {@code kafka.version}). */
    static String kafkaVersion() {
        return property("ballast.kafka.version");
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set: run the tests through Maven");
        }
        return v;
    }

    /** The operator's name for the build's Flink version: 2.2.0 becomes v2_2. */
    static String operatorFlinkVersion() {
        String[] parts = flinkVersion().split("\\.");
        return "v" + parts[0] + "_" + parts[1];
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a (multi-document) YAML file, empty documents left out. */
    static List<JsonNode> yamlDocuments(Path file) {
        return yamlDocuments(read(file));
    }

    static List<JsonNode> yamlDocuments(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(text)) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    /**
     * Every Kubernetes YAML file under {@code deploy/}, build output and test sources left out, and
     * {@code deploy/monitoring/} too (Prometheus rules and their tests, not Kubernetes objects).
     */
    static List<Path> deployYamlFiles() {
        Path deploy = path("deploy");
        try (Stream<Path> files = Files.walk(deploy)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !deploy.relativize(p).startsWith("target") && !deploy.relativize(p).startsWith("src")
                            && !deploy.relativize(p).startsWith("monitoring"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nested YAML maps flattened to dotted keys, as Flink reads its config.yaml. */
    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node instanceof ObjectNode) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }
}
