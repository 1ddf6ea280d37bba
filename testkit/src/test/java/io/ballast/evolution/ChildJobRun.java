package io.ballast.evolution;

import io.ballast.testkit.Await;
import io.ballast.testkit.ChildJvm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A {@link ChildJob} in a {@link ChildJvm} of its own, with {@code classesFirst} ahead of the test
 * classpath: what it reports, line by line.
 */
final class ChildJobRun implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private ChildJvm jvm;

    private ChildJobRun() {
    }

    /** The test JVM's classpath, as one string. */
    static String testClasspath() {
        return ChildJvm.currentClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** Starts the child; its output goes to {@code target/child-jobs/<name>.log} (with Flink's and Kafka's log). */
    static ChildJobRun start(String name, Path classesFirst, String savepoint, int parallelism, List<String> ballastArgs)
            throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "child-jobs")).toAbsolutePath();
        List<Path> classpath = new ArrayList<>();
        classpath.add(classesFirst);
        classpath.addAll(ChildJvm.currentClasspath());
        List<String> args = new ArrayList<>(List.of(savepoint, Integer.toString(parallelism)));
        args.addAll(ballastArgs);
        ChildJobRun run = new ChildJobRun();
        // A short-lived test JVM on a small machine: start fast, stay lean.
        run.jvm = ChildJvm.start(name, List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), classpath,
                ChildJob.class.getName(), args, logs, logs.resolve(name + ".log"), run::accept);
        return run;
    }

    private void accept(String line) {
        if (line.startsWith(ChildJob.PREFIX)) {
            String said = line.substring(ChildJob.PREFIX.length());
            lines.add(said);
            firstSeen.putIfAbsent(said, System.nanoTime());
            if (!said.startsWith("failure")) {
                System.out.println("[child] " + said);
            }
        }
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until a line satisfies {@code condition}, or the child ends. */
    String await(Duration timeout, String what, Predicate<String> condition) {
        Await.until(timeout, what + " from the child job", () -> lines.stream().anyMatch(condition) || !jvm.isAlive());
        return lines.stream().filter(condition).findFirst()
                .orElseThrow(() -> new AssertionError("The child job ended without " + what + "; it said: " + lines()));
    }

    /** Milliseconds between the first line starting with {@code from} and the first starting with {@code to}. */
    long millisBetween(String from, String to) {
        long a = firstSeen.entrySet().stream().filter(e -> e.getKey().startsWith(from)).mapToLong(Map.Entry::getValue)
                .min().orElseThrow();
        long b = firstSeen.entrySet().stream().filter(e -> e.getKey().startsWith(to)).mapToLong(Map.Entry::getValue)
                .min().orElseThrow();
        return (b - a) / 1_000_000;
    }

    /** The last status line, e.g. {@code status=RUNNING restarts=0}. */
    String lastStatus() {
        String status = null;
        for (String l : lines) {
            if (l.startsWith("status=")) {
                status = l;
            }
        }
        return status;
    }

    /** The failure the child reported, one string. */
    String failure() {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith("failure ")) {
                b.append(l.substring("failure ".length())).append('\n');
            }
        }
        return b.toString();
    }

    /** Stops the child (SIGTERM: it cancels its job and ends), by force if it does not in time. */
    @Override
    public void close() {
        jvm.close();
    }
}
