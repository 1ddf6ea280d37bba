package io.ballast.sandbox.infra;

import io.ballast.sandbox.SandboxException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Apicurio Registry (in-memory storage) in a child JVM on 127.0.0.1, serving the Confluent Schema
 * Registry API at {@code /apis/ccompat/v7}. The server comes unpacked from its archive on Maven Central
 * by the sandbox module's build, into {@code target/apicurio} beside the sandbox jar.
 */
public final class RegistryServer implements AutoCloseable {

    /** Overrides where the unpacked Apicurio distribution is looked for. */
    public static final String DIR_PROPERTY = "ballast.apicurio.dir";

    public static final String CONFLUENT_API = "/apis/ccompat/v7";

    private static final String MAIN_CLASS = "io.quarkus.runner.GeneratedMain";

    private final ChildJvm jvm;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RegistryServer(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Starts the registry; returns at once (see {@link #awaitReady}).
     *
     * @param home the unpacked Apicurio distribution (see {@link #locate})
     * @param scratch a private directory for the child's temporary files
     * @param log the child's output
     * @param extraJvmOptions more options for the child JVM
     */
    public static RegistryServer start(Path home, int port, Path scratch, Path log, List<String> extraJvmOptions) {
        Path runner = runnerJar(home);
        Path tmp = scratch.resolve("apicurio-tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new SandboxException("Cannot create " + tmp + ": " + e.getMessage(), e);
        }
        List<String> jvmOptions = new ArrayList<>(extraJvmOptions);
        jvmOptions.addAll(List.of(
                "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmp,
                "-Dquarkus.http.host=" + Ports.HOST,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.enabled=false",
                "-Dquarkus.banner.enabled=false"));
        ChildJvm jvm = ChildJvm.start("schema registry", jvmOptions, List.of(runner), MAIN_CLASS, List.of(),
                scratch, log);
        return new RegistryServer(jvm, port);
    }

    /**
     * The unpacked distribution: {@code -Dballast.apicurio.dir}, else {@code apicurio/} in the directory of
     * the sandbox jar (or of {@code target/classes}, when run from an IDE).
     */
    public static Path locate(Path jarDirectory) {
        String configured = System.getProperty(DIR_PROPERTY);
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else if (jarDirectory != null) {
            candidates.add(jarDirectory.resolve("apicurio"));
            if (jarDirectory.getParent() != null) {
                candidates.add(jarDirectory.getParent().resolve("apicurio"));
            }
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c) && findRunnerJar(c) != null) {
                return c;
            }
        }
        throw new SandboxException("The Apicurio registry is not unpacked at " + (candidates.isEmpty() ? "(unknown)"
                : candidates.get(0).toAbsolutePath()) + ": build the sandbox with "
                + "`./mvnw -B -q -pl sandbox -am package -DskipTests`, or point -D" + DIR_PROPERTY
                + " at an unpacked apicurio-registry-app distribution");
    }

    private static Path runnerJar(Path home) {
        Path jar = findRunnerJar(home);
        if (jar == null) {
            throw new SandboxException("No apicurio-registry-app-*-runner.jar in " + home);
        }
        return jar;
    }

    private static Path findRunnerJar(Path home) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(home, "apicurio-registry-app-*-runner.jar")) {
            for (Path p : s) {
                return p;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Waits for {@code GET /health/ready} to answer 200. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!jvm.isAlive()) {
                throw new SandboxException("The schema registry exited during startup; see its log");
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("Interrupted while waiting for the schema registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("The schema registry was not ready after " + timeout.toSeconds()
                        + " s; see its log");
            }
            sleep(200);
        }
    }

    /**
     * Sets the global compatibility level through the Confluent API ({@code PUT /config}); Apicurio's
     * default is NONE, Confluent's is BACKWARD.
     */
    public void setCompatibility(String level) {
        HttpRequest put = HttpRequest.newBuilder(URI.create(confluentUrl() + "/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        try {
            HttpResponse<String> answer = http.send(put, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new SandboxException("The schema registry refused compatibility " + level + ": HTTP "
                        + answer.statusCode() + " " + answer.body());
            }
        } catch (IOException e) {
            throw new SandboxException("Cannot set the registry's compatibility: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("Interrupted while configuring the schema registry", e);
        }
    }

    public String baseUrl() {
        return "http://" + Ports.HOST + ":" + port;
    }

    /** The URL Confluent clients (and Ballast's {@code --registry}) use. */
    public String confluentUrl() {
        return baseUrl() + CONFLUENT_API;
    }

    public long pid() {
        return jvm.pid();
    }

    @Override
    public void close() {
        jvm.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
