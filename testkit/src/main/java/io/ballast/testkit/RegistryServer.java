package io.ballast.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.jar.JarFile;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry speaking the Confluent REST API: Apicurio Registry 2.6 (in-memory H2
 * storage) in a {@link ChildJvm} on 127.0.0.1, from the archive Maven unpacks
 * ({@code io.apicurio:apicurio-registry-app:tar.gz:all}; system property {@value #DIR_PROPERTY}, or
 * {@link Builder#home}). Global compatibility is set to BACKWARD by {@link #start()} (Apicurio's
 * default is NONE, Confluent's BACKWARD). The tests (through {@link SchemaRegistryExtension}), the
 * sandbox and the harness all run this one.
 *
 * <pre>{@code
 * try (RegistryServer registry = RegistryServer.builder().build()) {
 *     registry.start();
 *     String url = registry.url(); // http://127.0.0.1:PORT/apis/ccompat/v7
 * }
 * }</pre>
 */
public class RegistryServer implements AutoCloseable {

    /** The directory the Apicurio archive is unpacked into. */
    public static final String DIR_PROPERTY = "ballast.apicurio.dir";
    /** The path of the Confluent-compatible API. */
    public static final String CONFLUENT_API = "/apis/ccompat/v7";
    /** The media type of the Confluent API. */
    public static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
    private static final String HOST = Ports.HOST;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int START_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final Path requestedHome;
    private final int requestedPort;
    private final Path requestedLog;
    private final Path requestedScratch;
    private final List<String> extraJvmOptions;

    private ChildJvm jvm;
    private Path home;
    private Path scratch;
    private URI baseUri;
    private Path logFile;
    private long launchedAt;
    private Duration startupDuration;
    private boolean closed;

    protected RegistryServer(Builder builder) {
        this.requestedHome = builder.home;
        this.requestedPort = builder.port;
        this.requestedLog = builder.log;
        this.requestedScratch = builder.scratch;
        this.extraJvmOptions = List.copyOf(builder.jvmOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a registry. */
    public static final class Builder {
        private Path home;
        private int port;
        private Path log;
        private Path scratch;
        private final List<String> jvmOptions = new ArrayList<>();

        private Builder() {
        }

        /** The unpacked Apicurio distribution; default the directory named by {@value #DIR_PROPERTY}. */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** The port on 127.0.0.1; 0 (the default) for a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Where the registry's output goes; default {@code apicurio-logs/} beside the distribution. */
        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        /** A directory for the child's temporary files; default a temporary directory deleted by {@link #close()}. */
        public Builder scratch(Path scratch) {
            this.scratch = scratch;
            return this;
        }

        /** One more option for the registry's JVM. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public RegistryServer build() {
            return new RegistryServer(this);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Launches the registry, waits until it is ready and sets it to BACKWARD, unless it runs already. */
    public synchronized void start() {
        if (jvm != null) {
            return;
        }
        launch();
        awaitReady(STARTUP_TIMEOUT);
        try {
            setCompatibility("BACKWARD");
        } catch (RuntimeException e) {
            stopProcess();
            throw failure("Could not set global compatibility to BACKWARD: " + e.getMessage(), e);
        }
        LOG.info("Schema registry (Apicurio) at {} started in {} ms; log {}", url(), startupDuration.toMillis(), logFile);
    }

    /** Launches the registry's JVM and returns at once: it warms up while other things start ({@link #awaitReady}). */
    public synchronized void launch() {
        if (jvm != null) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("The schema registry was closed");
        }
        home = requestedHome != null ? requestedHome : apicurioDirectory(System.getProperty(DIR_PROPERTY));
        try {
            scratch = requestedScratch != null ? Files.createDirectories(requestedScratch)
                    : Files.createTempDirectory("ballast-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the registry's scratch directory: " + e.getMessage(), e);
        }
        launchedAt = System.nanoTime();
        launchOnce();
    }

    private void launchOnce() {
        Path runner = runnerJar(home);
        int port = requestedPort == 0 ? Ports.free() : requestedPort;
        Path log = requestedLog != null ? requestedLog
                : home.toAbsolutePath().getParent().resolve("apicurio-logs").resolve("registry-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + "-" + port + ".log");
        List<String> options = new ArrayList<>(List.of(
                // A short-lived server: C1 only and the serial collector start it ~30% faster.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m",
                "-Djava.io.tmpdir=" + createDirectories(scratch.resolve("apicurio-tmp")),
                "-Dquarkus.http.host=" + HOST,
                "-Dquarkus.http.port=" + port,
                // In-memory storage, whatever the environment says (REGISTRY_DATASOURCE_URL).
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:mem:registry_db",
                "-Dquarkus.datasource.jdbc.initial-size=2",
                "-Dquarkus.datasource.jdbc.min-size=2",
                "-Dquarkus.management.enabled=false",
                "-Dquarkus.banner.enabled=false"));
        options.addAll(extraJvmOptions);
        createDirectories(log.toAbsolutePath().getParent());
        logFile = log;
        baseUri = URI.create("http://" + HOST + ":" + port);
        jvm = ChildJvm.start("schema registry", options, List.of(runner), mainClass(runner), List.of(), scratch, log);
    }

    /**
     * Waits for {@code GET /health/ready} to answer 200. A free port taken by someone else before the
     * registry bound it is replaced by another one, twice at most.
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                awaitHealth(deadline, timeout);
                break;
            } catch (RegistryExitedException e) {
                synchronized (this) {
                    stopProcess();
                    if (attempt < START_ATTEMPTS && requestedPort == 0 && portWasTaken(logFile)) {
                        LOG.warn("Port {} was taken before the registry bound it; trying another one", baseUri.getPort());
                        launchOnce();
                        continue;
                    }
                }
                throw failure(e.getMessage(), null);
            } catch (RuntimeException e) {
                stopProcess();
                throw failure(e.getMessage(), e);
            }
        }
        startupDuration = Duration.ofNanos(System.nanoTime() - launchedAt);
    }

    private void awaitHealth(long deadline, Duration timeout) {
        URI health = baseUri().resolve("/health/ready");
        ChildJvm child = jvm;
        while (true) {
            if (!child.isAlive()) {
                throw new RegistryExitedException("The schema registry exited before it was ready");
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
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
                throw new IllegalStateException("The schema registry was not ready at " + health + " within " + timeout);
            }
            child.awaitExit(POLL); // paces the poll, and returns at once should the child exit meanwhile
        }
    }

    /** The main class of the registry's runner jar (its manifest's). */
    private static String mainClass(Path runner) {
        try (JarFile jar = new JarFile(runner.toFile())) {
            String main = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null) {
                throw new IllegalStateException(runner + " names no Main-Class");
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + runner, e);
        }
    }

    /** The unpacked distribution named by {@value #DIR_PROPERTY}: what it says when it is not there. */
    public static Path apicurioDirectory(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + DIR_PROPERTY + " is not set. Run the integration tests "
                    + "through Maven (./mvnw verify): failsafe sets it to target/apicurio, which the "
                    + "maven-dependency-plugin fills in the pre-integration-test phase. From an IDE, run "
                    + "'./mvnw -pl testkit -am pre-integration-test' once and pass -D" + DIR_PROPERTY
                    + "=<absolute path to testkit/target/apicurio>.");
        }
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("The Apicurio directory " + dir.toAbsolutePath() + " (" + DIR_PROPERTY
                    + ") does not exist: the archive io.apicurio:apicurio-registry-app:tar.gz:all was not unpacked. "
                    + "Run './mvnw -pl testkit -am pre-integration-test' (or verify).");
        }
        return dir;
    }

    /**
     * The unpacked distribution for a program run from a jar: {@value #DIR_PROPERTY} when set, else
     * {@code apicurio/} in {@code jarDirectory} or its parent (where the sandbox's build unpacks it).
     */
    public static Path locate(Path jarDirectory) {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return apicurioDirectory(configured);
        }
        List<Path> candidates = new ArrayList<>();
        if (jarDirectory != null) {
            candidates.add(jarDirectory.resolve("apicurio"));
            if (jarDirectory.getParent() != null) {
                candidates.add(jarDirectory.getParent().resolve("apicurio"));
            }
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                try {
                    runnerJar(c);
                    return c;
                } catch (IllegalStateException incomplete) {
                    // The next candidate.
                }
            }
        }
        throw new IllegalStateException("The Apicurio registry is not unpacked at " + (candidates.isEmpty() ? "(unknown)"
                : candidates.get(0).toAbsolutePath()) + ": build the sandbox with "
                + "`./mvnw -B -q -pl sandbox -am package -DskipTests`, or point -D" + DIR_PROPERTY
                + " at an unpacked apicurio-registry-app distribution");
    }

    /** The legacy-jar layout of the 2.x archive ({@code *-runner.jar} next to {@code lib/}), or Quarkus' fast-jar one. */
    public static Path runnerJar(Path dir) {
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
                    + "Delete the directory and build again.");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + dir, e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
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

    /** Stops the registry and its process tree. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        stopProcess();
        if (requestedScratch == null && scratch != null) {
            Dirs.deleteTree(scratch);
            scratch = null;
        }
    }

    private synchronized void stopProcess() {
        ChildJvm child = jvm;
        jvm = null;
        if (child != null) {
            child.close();
        }
    }

    private synchronized void requireStarted() {
        if (jvm == null) {
            throw new IllegalStateException(closed ? "The schema registry was closed" : notStartedMessage());
        }
    }

    /** What {@link IllegalStateException} says when the registry is used before {@link #start()}. */
    protected String notStartedMessage() {
        return "The schema registry is not started: call start()";
    }

    // ---------------------------------------------------------------- access

    /** The Confluent-compatible base URL, {@code http://127.0.0.1:PORT/apis/ccompat/v7}: give it to serializers. */
    public String url() {
        return baseUri() + CONFLUENT_API;
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

    /** The registry JVM's process id. */
    public synchronized long pid() {
        requireStarted();
        return jvm.pid();
    }

    /** From launching the JVM to ready. */
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
            return getClass().getSimpleName() + "[" + Optional.ofNullable(baseUri).map(u -> u + CONFLUENT_API).orElse("not started") + "]";
        }
    }
}
