package io.ballast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry speaking the Confluent REST API: Apicurio Registry 2.6 (in-memory H2
 * storage) in a child JVM, from the archive Maven unpacks before the integration tests
 * (system property {@value #DIR_PROPERTY}, set by failsafe).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();
 * ...
 * String url = REGISTRY.url(); // http://127.0.0.1:PORT/apis/ccompat/v7
 * }</pre>
 *
 * <p>One registry per JVM, started by the first test class that needs it, global compatibility set
 * to BACKWARD (Apicurio's default is NONE), stopped with its whole process tree when the JUnit run
 * ends or the JVM exits. Its output goes to a log file under {@code target/apicurio-logs/}. Subjects
 * outlive test classes: name topics uniquely ({@link KafkaBrokerExtension#uniqueName}).
 */
public final class SchemaRegistryExtension implements BeforeAllCallback, BeforeEachCallback, AutoCloseable {

    /** The directory the Apicurio archive is unpacked into. */
    public static final String DIR_PROPERTY = "ballast.apicurio.dir";
    /** The media type of the Confluent API. */
    public static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SchemaRegistryExtension.class);
    private static final String HOST = "127.0.0.1";
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistryExtension SHARED = new SchemaRegistryExtension();

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private Process process;
    private URI baseUri;
    private Path logFile;
    private Duration startupDuration;
    private boolean closed;
    private Thread shutdownHook;

    private SchemaRegistryExtension() {
    }

    /** The registry shared by every test class of this JVM. */
    public static SchemaRegistryExtension shared() {
        return SHARED;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void beforeAll(ExtensionContext context) {
        startWithin(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startWithin(context);
    }

    private void startWithin(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SchemaRegistryExtension.class.getName(), key -> {
            start();
            return this;
        }, SchemaRegistryExtension.class);
    }

    /** Starts the registry unless it runs already; blocks until it is ready and set to BACKWARD. */
    public synchronized void start() {
        if (process != null) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("The schema registry was closed");
        }
        Path dir = apicurioDirectory(System.getProperty(DIR_PROPERTY));
        Path runner = runnerJar(dir);
        Path logDir = dir.toAbsolutePath().getParent().resolve("apicurio-logs");
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path log = logDir.resolve("registry-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + "-" + port + ".log");
            Process child = launch(runner, port, log);
            // From here on the child dies with this JVM, however the start ends.
            process = child;
            logFile = log;
            baseUri = URI.create("http://" + HOST + ":" + port);
            if (shutdownHook == null) {
                shutdownHook = new Thread(this::stopProcess, "schema-registry-shutdown");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
            try {
                awaitReady(child, started);
                break;
            } catch (RegistryExitedException e) {
                stopProcess();
                if (attempt < START_ATTEMPTS && portWasTaken(log)) {
                    LOG.warn("Port {} was taken before the registry bound it; trying another one", port);
                    continue;
                }
                throw failure(e.getMessage(), null);
            } catch (RuntimeException e) {
                stopProcess();
                throw failure(e.getMessage(), e);
            }
        }
        try {
            setCompatibility("BACKWARD");
        } catch (RuntimeException e) {
            stopProcess();
            throw failure("Could not set global compatibility to BACKWARD: " + e.getMessage(), e);
        }
        startupDuration = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("Schema registry (Apicurio) at {} started in {} ms; log {}", url(), startupDuration.toMillis(), logFile);
    }

    static Path apicurioDirectory(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + DIR_PROPERTY + " is not set. Run the integration tests "
                    + "through Maven (./mvnw verify): failsafe sets it to jobs/target/apicurio, which the "
                    + "maven-dependency-plugin fills in the pre-integration-test phase. From an IDE, run "
                    + "'./mvnw -pl jobs -am pre-integration-test' once and pass -D" + DIR_PROPERTY
                    + "=<absolute path to jobs/target/apicurio>.");
        }
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("The Apicurio directory " + dir.toAbsolutePath() + " (" + DIR_PROPERTY
                    + ") does not exist: the archive io.apicurio:apicurio-registry-app:tar.gz:all was not unpacked. "
                    + "Run './mvnw -pl jobs -am pre-integration-test' (or verify).");
        }
        return dir;
    }

    /** The legacy-jar layout of the 2.x archive ({@code *-runner.jar} next to {@code lib/}), or Quarkus' fast-jar one. */
    static Path runnerJar(Path dir) {
        Path fastJar = dir.resolve("quarkus-app").resolve("quarkus-run.jar");
        if (Files.isRegularFile(fastJar)) {
            return fastJar;
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> runners = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).toList();
            if (runners.size() == 1 && Files.isDirectory(dir.resolve("lib"))) {
                return runners.get(0);
            }
            throw new IllegalStateException("The Apicurio directory " + dir.toAbsolutePath() + " holds no single *-runner.jar "
                    + "with a lib/ directory (found " + runners + "): is the archive completely unpacked? "
                    + "Delete the directory and run './mvnw -pl jobs -am pre-integration-test' again.");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + dir, e);
        }
    }

    /**
     * Runs its arguments (the registry JVM) and exits with it, while a watcher waits for the shell's
     * stdin, a pipe from this JVM, to close -- on {@link #close()}, or when this JVM dies, even by
     * SIGKILL -- and then stops the registry JVM: no orphaned registry after a killed build. (The
     * watcher reads a copy of stdin on descriptor 3: an asynchronous command's own stdin is /dev/null.)
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "{ cat <&3 >/dev/null; kill $child 2>/dev/null; } &",
            "exec 3<&-",
            "wait $child");

    private static Process launch(Path runner, int port, Path log) {
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A short-lived test server: C1 only and the serial collector start it ~30% faster.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx512m",
                "-Dquarkus.http.host=" + HOST,
                "-Dquarkus.http.port=" + port,
                // In-memory storage, whatever the environment says (REGISTRY_DATASOURCE_URL).
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:mem:registry_db",
                "-Dquarkus.datasource.jdbc.initial-size=2",
                "-Dquarkus.datasource.jdbc.min-size=2",
                "-jar", runner.toAbsolutePath().toString()));
        List<String> command = new ArrayList<>();
        Path shell = Path.of("/bin/sh");
        if (Files.isExecutable(shell)) {
            command.addAll(List.of(shell.toString(), "-c", WATCHDOG, "apicurio-registry-watchdog"));
        }
        command.addAll(java);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "# " + String.join(" ", java) + System.lineSeparator());
            return new ProcessBuilder(command)
                    .directory(runner.toAbsolutePath().getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the schema registry: " + command, e);
        }
    }

    private void awaitReady(Process child, long started) {
        URI health = baseUri.resolve("/health/ready");
        long deadline = started + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!child.isAlive()) {
                throw new RegistryExitedException("The schema registry exited with code " + child.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Connection refused until Quarkus has bound the port.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The schema registry was not ready at " + health + " within " + STARTUP_TIMEOUT);
            }
            // Paces the poll, and returns at once should the child exit meanwhile.
            try {
                child.onExit().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // Ask again.
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
        }
    }

    private static boolean portWasTaken(Path log) {
        String text = readQuietly(log);
        return text.contains("Address already in use") || text.contains("Port already bound");
    }

    private IllegalStateException failure(String message, Throwable cause) {
        String text = readQuietly(logFile);
        String[] lines = text.split("\\R");
        String tail = String.join(System.lineSeparator(), List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
        return new IllegalStateException(message + System.lineSeparator()
                + "Registry log: " + (logFile == null ? "(none)" : logFile.toAbsolutePath()) + System.lineSeparator()
                + "Last lines:" + System.lineSeparator() + tail, cause);
    }

    private static String readQuietly(Path file) {
        try {
            return file == null || !Files.exists(file) ? "" : Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    /** Stops the registry and its process tree. Idempotent. The shared registry closes itself. */
    @Override
    public synchronized void close() {
        closed = true;
        stopProcess();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmShuttingDown) {
                // Nothing to remove then.
            }
        }
    }

    private synchronized void stopProcess() {
        Process child = process;
        process = null;
        if (child == null) {
            return;
        }
        // Before anything dies: once the watchdog shell exits, its children are no longer its descendants.
        List<ProcessHandle> tree = child.descendants().toList();
        try {
            child.getOutputStream().close(); // the watchdog's cue to stop the registry JVM
        } catch (IOException ignored) {
            // It is gone already.
        }
        if (tree.isEmpty()) {
            child.destroy(); // no watchdog shell: the registry JVM itself
        }
        boolean exited = awaitExit(child.toHandle(), STOP_TIMEOUT);
        for (ProcessHandle handle : tree) {
            if (!awaitExit(handle, exited ? Duration.ofSeconds(5) : Duration.ZERO)) {
                handle.destroyForcibly();
            }
        }
        if (!exited) {
            LOG.warn("The schema registry did not stop within {}; killed it", STOP_TIMEOUT);
            child.destroyForcibly();
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.isAlive();
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private synchronized void requireStarted() {
        if (process == null) {
            throw new IllegalStateException(closed
                    ? "The schema registry was closed"
                    : "The schema registry is not started: register it with "
                            + "@RegisterExtension static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();");
        }
    }

    // ---------------------------------------------------------------- access

    /** The Confluent-compatible base URL, {@code http://127.0.0.1:PORT/apis/ccompat/v7}: give it to serializers. */
    public String url() {
        return baseUri() + CCOMPAT_PATH;
    }

    /** {@code http://127.0.0.1:PORT}: the server itself (health, Apicurio's own API). */
    public synchronized URI baseUri() {
        requireStarted();
        return baseUri;
    }

    /** The file the registry's stdout and stderr go to. */
    public synchronized Path logFile() {
        requireStarted();
        return logFile;
    }

    /** From launching the JVM to ready and set to BACKWARD. */
    public synchronized Duration startupDuration() {
        requireStarted();
        return startupDuration;
    }

    /** {@code POST /subjects/{subject}/versions}: registers (or finds) a schema, returns its global id. */
    public int register(String subject, String schemaJson) {
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", Map.of("schema", schemaJson));
        return answer.get("id").asInt();
    }

    /** {@code GET /schemas/ids/{id}}: the schema text of a global id. */
    public String schemaById(int id) {
        return call("GET", "/schemas/ids/" + id, null).get("schema").asText();
    }

    /** {@code PUT /config}: the global compatibility level, e.g. BACKWARD or NONE. */
    public void setCompatibility(String level) {
        JsonNode answer = call("PUT", "/config", Map.of("compatibility", level));
        if (!level.equals(answer.path("compatibility").asText())) {
            throw new IllegalStateException("The registry answered " + answer + " to compatibility " + level);
        }
    }

    /** {@code GET /config}: the global compatibility level. */
    public String compatibility() {
        return call("GET", "/config", null).path("compatibilityLevel").asText();
    }

    private JsonNode call(String method, String path, Object body) {
        URI uri = URI.create(url() + path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Accept", CONFLUENT_JSON);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", CONFLUENT_JSON)
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed (registry log: " + logFile + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + method + " " + uri, e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The child exited before it was ready. */
    private static final class RegistryExitedException extends RuntimeException {
        RegistryExitedException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "SchemaRegistryExtension[" + Optional.ofNullable(baseUri).map(u -> u + CCOMPAT_PATH).orElse("not started") + "]";
        }
    }
}
