package io.ballast.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of docs/architecture.md, read from the main sources: which package of the job refers to
 * which (imports and fully qualified names alike), that references point down only, and that the pure
 * layers never touch Flink. Prints the package graph.
 */
class LayersTest {

    private static final Path SOURCES = Path.of("src/main/java/io/ballast");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.ballast\\.([a-z]+)\\b");

    /** Each package and the packages of the job it may refer to (besides the generated {@code avro} records). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("quant", Set.of()),
            Map.entry("domain", Set.of("quant")),
            Map.entry("registry", Set.of()),
            Map.entry("state", Set.of()),
            Map.entry("serde", Set.of("domain")),
            Map.entry("config", Set.of("domain", "registry")),
            Map.entry("kafka", Set.of("config", "domain", "registry")),
            Map.entry("stages", Set.of("domain", "quant", "state", "kafka")),
            Map.entry("job", Set.of("config", "domain", "kafka", "registry", "serde", "stages", "state")),
            Map.entry("tools", Set.of("config", "domain", "quant")));

    /** Packages that must not depend on Flink at all: the maths and the rules. */
    private static final Set<String> NO_FLINK = Set.of("quant", "domain");

    @Test
    void everyReferencePointsDownAndThereIsNoCycle() throws IOException {
        Map<String, Set<String>> graph = graph();
        StringBuilder shown = new StringBuilder("package dependencies (avro records left out):\n");
        graph.forEach((from, to) -> shown.append("  ").append(from).append(" -> ").append(to).append('\n'));
        System.out.print(shown);
        assertThat(graph.keySet()).as("every package has its place in the layers").isSubsetOf(ALLOWED.keySet());
        List<String> wrong = new ArrayList<>();
        graph.forEach((from, to) -> to.stream().filter(p -> !ALLOWED.get(from).contains(p))
                .forEach(p -> wrong.add(from + " -> " + p)));
        assertThat(wrong).as("references that point up or sideways").isEmpty();
        assertThat(cycle(graph)).as("a cycle between packages").isEmpty();
    }

    @Test
    void theMathsAndTheRulesHaveNoFlinkImports() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String pkg : NO_FLINK) {
            try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    if (Files.readString(f).contains("org.apache.flink")) {
                        offenders.add(SOURCES.relativize(f).toString());
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String from = SOURCES.relativize(f).getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        String target = m.group(1);
                        if (!target.equals(from) && !target.equals("avro")) {
                            to.add(target);
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** A cycle as a path, or empty. */
    private static List<String> cycle(Map<String, Set<String>> graph) {
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            if (reaches(graph, start, start, path, new TreeSet<>())) {
                path.add(0, start);
                return path;
            }
        }
        return List.of();
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target, List<String> path,
                                   Set<String> seen) {
        for (String next : graph.getOrDefault(from, Set.of())) {
            if (next.equals(target)) {
                path.add(next);
                return true;
            }
            if (seen.add(next) && reaches(graph, next, target, path, seen)) {
                path.add(0, next);
                return true;
            }
        }
        return false;
    }
}
