package io.ballast.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.testing.PythonInterop;
import io.ballast.testkit.Await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code examples/router-python/router.py} as a child process of the test: its JSON event lines as they are
 * printed, its stderr in a file.
 */
final class RouterProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final Path stderr;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> otherLines = new CopyOnWriteArrayList<>();

    private RouterProcess(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::read, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static RouterProcess start(String name, Path script, Path logDir, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PythonInterop.PYTHON.toString(), script.toString()));
        command.addAll(args);
        Files.createDirectories(logDir);
        Path err = logDir.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(err.toFile());
        // Debian's interpreter with Debian's packages only.
        builder.environment().remove("PYTHONPATH");
        builder.environment().remove("PYTHONHOME");
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        return new RouterProcess(name, builder.start(), err);
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println(java.time.LocalTime.now() + " " + name + ": " + line);
                try {
                    events.add(JSON.readTree(line));
                } catch (JsonProcessingException e) {
                    otherLines.add(line);
                }
            }
        } catch (IOException e) {
            // The process is gone.
        }
    }

    /** The events printed so far. */
    List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** The events of this kind about this signal so far. */
    List<JsonNode> events(String event, String signalId) {
        return events.stream().filter(e -> e.path("event").asText().equals(event)
                && e.path("signalId").asText().equals(signalId)).toList();
    }

    /** Waits for an event that {@code matches}; fails early, with the router's stderr, when the router ends. */
    JsonNode await(String what, Predicate<JsonNode> matches, Duration timeout) {
        Await.until(timeout, Await.INTERVAL, () -> name + " to print " + what + "; printed " + events
                        + otherLines + "; stderr: " + stderr(),
                () -> events.stream().anyMatch(matches) || !process.isAlive());
        return events.stream().filter(matches).findFirst().orElseThrow(() -> new AssertionError(
                name + " ended (exit status " + process.exitValue() + ") before printing " + what + "; printed "
                        + events + otherLines + "; stderr: " + stderr()));
    }

    JsonNode await(String event, String signalId, Duration timeout) {
        return await(event + " " + signalId, e -> e.path("event").asText().equals(event)
                && e.path("signalId").asText().equals(signalId), timeout);
    }

    /** Waits for the router to end by itself; its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not end within " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** SIGTERM, then the exit status (the router finishes its batch and leaves its group). */
    int stop(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its stdout at once.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM; stderr: " + stderr());
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
