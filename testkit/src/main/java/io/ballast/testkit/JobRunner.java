package io.ballast.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.config.BallastConfig;
import io.ballast.config.ConfigException;
import io.ballast.job.BallastJob;
import io.ballast.kafka.KafkaIo;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real Ballast job with {@code --local} (an embedded MiniCluster with its web UI on 127.0.0.1),
 * built by its own entry points: in this JVM ({@link #start}: {@link BallastJob#environment},
 * {@link BallastJob#build}, submitted without blocking), or in a {@link ChildJvm} running
 * {@link BallastJob}'s own {@code main} ({@link #startInChildJvm}). Either way it is watched through
 * its web UI's REST API.
 */
public final class JobRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration POLL = Duration.ofMillis(200);

    private final JobClient client;
    private final ChildJvm jvm;
    private final int webPort;
    private String jobId;

    private JobRunner(JobClient client, ChildJvm jvm, int webPort) {
        this.client = client;
        this.jvm = jvm;
        this.webPort = webPort;
        this.jobId = client == null ? null : client.getJobID().toString();
    }

    /**
     * The job's options for a local run: the defaults below, overridden by {@code overrides} (given to
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

    /** The job's configuration, as its {@code main} parses it. */
    public static BallastConfig config(List<String> args) {
        try {
            return BallastConfig.fromArgs(args);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("The job's configuration: " + e.getMessage(), e);
        }
    }

    /**
     * In this JVM: checks the cluster as the job's {@code main} does, then submits the job and waits
     * until it and every one of its tasks run.
     */
    public static JobRunner start(List<String> args, Duration timeout) {
        BallastConfig config = config(args);
        try {
            KafkaIo.checkCluster(config, BallastJob.topics(config));
            BallastJob.checkRegistry(config.registry());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("The job's configuration: " + e.getMessage(), e);
        }
        StreamExecutionEnvironment env = BallastJob.environment(config); // --local: all on the loopback
        BallastJob.build(env, config);
        JobClient client;
        try {
            client = env.executeAsync(BallastJob.JOB_NAME);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot submit the Ballast job: " + e.getMessage(), e);
        }
        JobRunner runner = new JobRunner(client, null, config.webPort());
        runner.awaitRunning(timeout);
        return runner;
    }

    /**
     * In a JVM of its own (this JVM's classpath, {@code jvmOptions}, output in {@code log}): the job's
     * own {@code main}, away from this JVM's garbage collections, as on a TaskManager. Waits until the job
     * and every one of its tasks run.
     */
    public static JobRunner startInChildJvm(List<String> args, List<String> jvmOptions, Path scratch, Path log,
                                            Duration timeout) {
        BallastConfig config = config(args);
        ChildJvm jvm = ChildJvm.start("Ballast job", jvmOptions, ChildJvm.currentClasspath(), BallastJob.class.getName(),
                args, scratch, log);
        JobRunner runner = new JobRunner(null, jvm, config.webPort());
        try {
            runner.awaitRunning(timeout);
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
        return runner;
    }

    /** Waits until the job and every one of its tasks run (sources are reading). */
    private void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (jvm != null && !jvm.isAlive()) {
                throw new IllegalStateException("The Ballast job's JVM ended during startup; see its log");
            }
            if (jobId == null) {
                jobId = runningJobId();
            }
            JobStatus status = status();
            if (status != null && status.isGloballyTerminalState()) {
                throw new IllegalStateException("The Ballast job ended during startup: " + status + "; see the log");
            }
            if (status == JobStatus.RUNNING && allTasksRunning()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The Ballast job was not running after " + timeout.toSeconds()
                        + " s (status " + status + "); see the log");
            }
            if (jvm != null) {
                jvm.awaitExit(POLL); // paces the poll, returns at once should the JVM end
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    /** The id of the cluster's running job, or null. */
    private String runningJobId() {
        JsonNode jobs = get("/jobs/overview");
        if (jobs != null) {
            for (JsonNode j : jobs.path("jobs")) {
                if ("RUNNING".equals(j.path("state").asText())) {
                    return j.path("jid").asText();
                }
            }
        }
        return null;
    }

    /** The job's status, or null when it cannot be asked. */
    public JobStatus status() {
        if (client != null) {
            try {
                return client.getJobStatus().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException | TimeoutException e) {
                return null;
            }
        }
        JsonNode job = jobId == null ? null : get("/jobs/" + jobId);
        return job == null ? null : JobStatus.valueOf(job.path("state").asText());
    }

    private boolean allTasksRunning() {
        JsonNode job = jobId == null ? null : get("/jobs/" + jobId);
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
        return getJson(webUrl() + path, Duration.ofSeconds(10));
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

    /** The job's id (a string, as the REST API has it). */
    public String jobId() {
        return jobId;
    }

    public int webPort() {
        return webPort;
    }

    public String webUrl() {
        return "http://" + Ports.HOST + ":" + webPort;
    }

    /** Cancels the job (or stops its JVM) and waits until its MiniCluster, web UI included, is gone. */
    @Override
    public void close() {
        if (jvm != null) {
            jvm.close();
        } else {
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
        }
        Await.holdsWithin(Duration.ofSeconds(30), Duration.ofMillis(100), () -> !Ports.isListening(webPort));
    }
}
