package io.ballast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code src/test/python/interop.py}, Confluent's own Python client (Debian's
 * {@code python3-confluent-kafka} with {@code python3-avro}), against the test broker and registry.
 *
 * <pre>{@code
 * PythonInterop.assumeAvailable(); // skips the test, or fails it when CI=true
 * PythonInterop python = new PythonInterop(KAFKA.bootstrapServers(), REGISTRY.url());
 * python.produce(topic, schemaJson, List.of(Map.of("key", "BTC-PERP", "value", quote)));
 * List<JsonNode> read = python.consume(topic, 1);
 * }</pre>
 *
 * <p>Record values are plain JSON (see interop.py): timestamp-millis fields are epoch milliseconds.
 */
public final class PythonInterop {

    /** Debian's interpreter: the one the Debian packages are installed for (not a pyenv one on PATH). */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** What a Debian or Ubuntu machine needs. */
    public static final String INSTALL_COMMAND =
            "apt-get update && apt-get install -y python3-confluent-kafka python3-avro python3-requests";
    /** Where the scripts are, unless the system property {@value #DIR_PROPERTY} says otherwise. */
    public static final String DIR_PROPERTY = "ballast.python.dir";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Boolean available;

    private final String bootstrapServers;
    private final String registryUrl;
    private final Duration timeout;

    public PythonInterop(String bootstrapServers, String registryUrl) {
        this(bootstrapServers, registryUrl, DEFAULT_TIMEOUT);
    }

    public PythonInterop(String bootstrapServers, String registryUrl, Duration timeout) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A copy whose script runs are killed after {@code timeout}. */
    public PythonInterop withTimeout(Duration timeout) {
        return new PythonInterop(bootstrapServers, registryUrl, timeout);
    }

    // ---------------------------------------------------------------- availability

    /** Whether {@code /usr/bin/python3} imports the Confluent client with its Avro serializer. Checked once. */
    public static synchronized boolean isAvailable() {
        if (available == null) {
            available = probe();
        }
        return available;
    }

    private static boolean probe() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            // confluent_kafka.avro also imports requests (the registry client).
            return run(Duration.ofSeconds(30), List.of(PYTHON.toString(), "-c",
                    "import confluent_kafka, confluent_kafka.avro, avro")).exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Skips the calling test when the Python client is missing, unless the environment variable CI is
     * {@code true}: then it fails, naming the command that installs it.
     */
    public static void assumeAvailable() {
        if (isAvailable()) {
            return;
        }
        String message = PYTHON + " cannot import confluent_kafka.avro and avro. Install them with: " + INSTALL_COMMAND;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and the Python interop client is missing. " + message);
        }
        Assumptions.assumeTrue(false, message);
    }

    // ---------------------------------------------------------------- commands

    /** What {@code interop.py produce} reports. */
    public record ProduceResult(int produced, int schemaId) {
    }

    /** {@code interop.py produce}: sends the records of a JSON (array or lines) file, values Avro-encoded with the schema file. */
    public ProduceResult produce(String topic, Path schemaFile, Path recordsFile) {
        return parseProduced(script("produce",
                "--bootstrap", bootstrapServers, "--registry", registryUrl, "--topic", topic,
                "--schema", schemaFile.toAbsolutePath().toString(), "--records", recordsFile.toAbsolutePath().toString()));
    }

    /**
     * Like {@link #produce(String, Path, Path)} from memory: {@code schemaJson} must be self-contained
     * (see {@link ContractSchemas}), each record a map with "key" (a string or null) and "value".
     */
    public ProduceResult produce(String topic, String schemaJson, List<? extends Map<String, ?>> records) {
        return produceFromMemory(topic, schemaJson, records, null);
    }

    /** Like {@link #produce(String, String, List)}, all records in one committed transaction of the Python producer. */
    public ProduceResult produceInTransaction(String topic, String schemaJson, List<? extends Map<String, ?>> records,
                                              String transactionalId) {
        return produceFromMemory(topic, schemaJson, records, Objects.requireNonNull(transactionalId, "transactionalId"));
    }

    private ProduceResult produceFromMemory(String topic, String schemaJson, List<? extends Map<String, ?>> records,
                                            String transactionalId) {
        Path schema = null;
        Path lines = null;
        try {
            schema = Files.createTempFile("interop-schema-", ".avsc");
            lines = Files.createTempFile("interop-records-", ".json");
            Files.writeString(schema, schemaJson, StandardCharsets.UTF_8);
            List<String> json = new ArrayList<>(records.size());
            for (Map<String, ?> record : records) {
                json.add(JSON.writeValueAsString(record));
            }
            Files.write(lines, json, StandardCharsets.UTF_8);
            List<String> arguments = new ArrayList<>(List.of("produce",
                    "--bootstrap", bootstrapServers, "--registry", registryUrl, "--topic", topic,
                    "--schema", schema.toString(), "--records", lines.toString()));
            if (transactionalId != null) {
                arguments.addAll(List.of("--transactional-id", transactionalId));
            }
            return parseProduced(script(arguments.toArray(String[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(schema);
            deleteQuietly(lines);
        }
    }

    /**
     * {@code interop.py consume}: reads {@code count} records from the beginning ({@code read_committed}),
     * decoded by Confluent's deserializer; each is {"topic", "partition", "offset", "key", "schemaId", "value"}.
     */
    public List<JsonNode> consume(String topic, int count) {
        long seconds = Math.max(1, timeout.toSeconds() - 10);
        String out = script("consume",
                "--bootstrap", bootstrapServers, "--registry", registryUrl, "--topic", topic,
                "--count", Integer.toString(count), "--timeout", Long.toString(seconds));
        List<JsonNode> records = new ArrayList<>();
        for (String line : out.split("\\R")) {
            if (!line.isBlank()) {
                records.add(parse(line));
            }
        }
        return records;
    }

    /** Runs {@code interop.py} with these arguments; returns its stdout, or fails with its stderr. */
    public String script(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(PYTHON.toString());
        command.add(scriptPath().toString());
        command.addAll(List.of(arguments));
        Result result = run(timeout, command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("interop.py " + arguments[0] + " failed with exit code " + result.exitCode()
                    + System.lineSeparator() + "command: " + String.join(" ", command)
                    + System.lineSeparator() + "stderr:" + System.lineSeparator() + result.stderr()
                    + System.lineSeparator() + "stdout:" + System.lineSeparator() + result.stdout());
        }
        return result.stdout();
    }

    /** {@code src/test/python/interop.py} of the module the tests run in. */
    public static Path scriptPath() {
        Path dir = Path.of(System.getProperty(DIR_PROPERTY, "src/test/python"));
        Path script = dir.resolve("interop.py").toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("No interop script at " + script + ": run the tests from the jobs module "
                    + "directory (Maven does) or set -D" + DIR_PROPERTY + "=<jobs/src/test/python>");
        }
        return script;
    }

    // ---------------------------------------------------------------- processes

    /** The outcome of one process run. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a command to its end, or kills it (and its children) after {@code timeout}. */
    public static Result run(Duration timeout, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("interop-", ".out");
            err = Files.createTempFile("interop-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // Debian's interpreter with Debian's packages only: nothing from a pyenv or virtualenv.
            builder.environment().remove("PYTHONPATH");
            builder.environment().remove("PYTHONHOME");
            builder.environment().put("PYTHONUNBUFFERED", "1");
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("Timed out after " + timeout + ": " + String.join(" ", command)
                        + System.lineSeparator() + "stderr:" + System.lineSeparator() + Files.readString(err)
                        + System.lineSeparator() + "stdout:" + System.lineSeparator() + Files.readString(out));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static ProduceResult parseProduced(String stdout) {
        JsonNode report = parse(stdout.strip());
        return new ProduceResult(report.get("produced").asInt(), report.get("schemaId").asInt());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("interop.py printed something that is not JSON: " + json, e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A temp file.
            }
        }
    }
}
