package io.ballast.evolution;

import io.ballast.testing.BallastRig;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link ChildJob} in another JVM, with {@code classesFirst} ahead of the test classpath. */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();

    private ChildJvm(Process process, Path log) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                    if (line.startsWith(ChildJob.PREFIX)) {
                        lines.add(line.substring(ChildJob.PREFIX.length()));
                        firstSeen.putIfAbsent(line.substring(ChildJob.PREFIX.length()), System.nanoTime());
                        if (!line.startsWith(ChildJob.PREFIX + "failure")) {
                            System.out.println("[child] " + line.substring(ChildJob.PREFIX.length()));
                        }
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The test JVM's classpath (surefire and failsafe put it in a system property of their own). */
    static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /**
     * Starts the child; its output goes to {@code target/child-jobs/<name>.log} (stdout, with Flink's
     * and Kafka's log) and {@code .err}.
     */
    static ChildJvm start(String name, Path classesFirst, String savepoint, int parallelism, List<String> ballastArgs)
            throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "child-jobs"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                // A short-lived test JVM on a small machine: start fast, stay lean.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classesFirst + File.pathSeparator + testClasspath(),
                ChildJob.class.getName(), savepoint, Integer.toString(parallelism)));
        command.addAll(ballastArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(logs.resolve(name + ".err").toFile());
        return new ChildJvm(pb.start(), logs.resolve(name + ".log"));
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until a line satisfies {@code condition}, or the child ends. */
    String await(Duration timeout, String what, Predicate<String> condition) {
        BallastRig.await(timeout, what + " from the child job", () -> lines.stream().anyMatch(condition) || !process.isAlive());
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

    /** Asks the child to cancel its job and end; ends it by force if it does not within 30 s. */
    @Override
    public void close() throws InterruptedException {
        try {
            OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            in.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
