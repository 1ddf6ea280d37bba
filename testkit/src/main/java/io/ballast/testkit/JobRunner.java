package io.ballast.sandbox.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.config.BallastConfig;
import io.ballast.config.ConfigException;
import io.ballast.config.JobOptions;
import io.ballast.job.BallastJob;
import io.ballast.kafka.KafkaIo;
import io.ballast.sandbox.SandboxException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Ballast job, built by its own entry points ({@link BallastJob#environment} with {@code --local}:
 * an embedded MiniCluster with the web UI; {@link BallastJob#build}), submitted without blocking.
 */
public final class JobRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobClient client;
    private final int webPort;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private JobRunner(JobClient client, int webPort) {
        this.client = client;
        this.webPort = webPort;
    }

    /**
     * The job's options for the sandbox: the defaults below, overridden by {@code overrides} (given to
     * the sandbox after {@code --}).
     */
    public static List<String> arguments(String bootstrap, String registryUrl, int webPort, String checkpointUri,
                                         Map<String, String> overrides) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("bootstrap", bootstrap);
        options.put("registry", registryUrl);
        options.put("local", "true");
        options.put("web-port", Integer.toString(webPort));
        // Two cores are the machine most people have spare; a laptop's twelve would start twelve
        // RocksDB instances per operator.
        options.put("parallelism", "2");
        // The router reacts to signals at once and ignores duplicates by signalId: the low-latency
        // choice of the README. Exactly-once would make every signal wait for a checkpoint.
        options.put("delivery.guarantee", "at-least-once");
        options.put("checkpoint.interval", "10 s");
        options.put("checkpoint.dir", checkpointUri);
        options.put("source.starting-offsets", "earliest");
        options.put("source.max-out-of-orderness", "500 ms");
        // Providers' fills are keyed by provider: with few providers one partition may stay silent.
        options.put("source.idleness", "2 s");
        options.putAll(overrides);
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    /** Checks the cluster as the job's {@code main} does, then submits the job and waits until it runs. */
    public static JobRunner start(List<String> args, Duration timeout) {
        BallastConfig config;
        try {
            config = BallastConfig.fromArgs(args, JobOptions.all(), JobOptions.FLAGS);
            KafkaIo.checkCluster(config, BallastJob.topics(config));
        } catch (ConfigException e) {
            throw new SandboxException("The job's configuration: " + e.getMessage(), e);
        }
        StreamExecutionEnvironment env = BallastJob.environment(config); // --local: all on the loopback
        BallastJob.build(env, config);
        JobClient client;
        try {
            client = env.executeAsync(BallastJob.JOB_NAME);
        } catch (Exception e) {
            throw new SandboxException("Cannot submit the Ballast job: " + e.getMessage(), e);
        }
        JobRunner runner = new JobRunner(client, config.get(JobOptions.WEB_PORT));
        runner.awaitRunning(timeout);
        return runner;
    }

    /** Waits until the job and every one of its tasks run (sources are reading). */
    private void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus status = status();
            if (status != null && status.isGloballyTerminalState()) {
                throw new SandboxException("The Ballast job ended during startup: " + status
                        + "; see the sandbox log");
            }
            if (status == JobStatus.RUNNING && allTasksRunning()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("The Ballast job was not running after " + timeout.toSeconds()
                        + " s (status " + status + "); see the sandbox log");
            }
            sleep(200);
        }
    }

    /** The job's status, or null when it cannot be asked. */
    public JobStatus status() {
        try {
            return client.getJobStatus().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private boolean allTasksRunning() {
        JsonNode job = get("/jobs/" + jobId());
        if (job == null || !job.path("vertices").isArray() || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** A JSON answer of the web UI's REST API, or null. */
    public JsonNode get(String path) {
        return getJson(webUrl() + path, Duration.ofSeconds(5));
    }

    /** A JSON answer of a Flink REST API on the loopback, or null when it does not answer 200. */
    public static JsonNode getJson(String url, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        try {
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public JobID jobId() {
        return client.getJobID();
    }

    public String webUrl() {
        return "http://" + Ports.HOST + ":" + webPort;
    }

    /** Cancels the job and waits until its MiniCluster, web UI included, is gone. */
    @Override
    public void close() {
        try {
            JobStatus status = status();
            if (status != null && !status.isGloballyTerminalState()) {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Already gone, or going: the wait below tells.
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Ports.isListening(webPort) && System.nanoTime() < deadline) {
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
