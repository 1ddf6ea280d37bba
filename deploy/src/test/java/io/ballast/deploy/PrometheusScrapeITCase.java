package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.SignalType;
import io.ballast.config.BallastConfig;
import io.ballast.job.BallastJob;
import io.ballast.kafka.KafkaIo;
import io.ballast.testkit.Await;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.JobRunner;
import io.ballast.testkit.KafkaBroker;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.Ports;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real job, scraped by a real Prometheus: Ballast runs in a MiniCluster with Flink's Prometheus
 * reporter, on the test kit's Kafka broker and Apicurio registry, and gets quotes, fills (one of them
 * outside its delta band: a {@code DELTA_HEDGE}) and a record that is not Avro (a rejection). A
 * Prometheus server (Debian's {@code prometheus}, a child process with a generated configuration and
 * storage of its own, loading the alert rules) scrapes the reporter every second. Every metric name of
 * {@link JobMetrics} (the names the dashboard and the alert rules may use) must exist in Prometheus,
 * with the labels the rules select on; the rules must evaluate without error.
 *
 * <p>Skipped without the {@code prometheus} binary, failing instead when {@code CI=true}.
 */
class PrometheusScrapeITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    private static final String REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    private static final String SCRAPE_JOB = "ballast-flink";
    private static final Duration SCRAPED = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final String REJECTED = JobMetrics.OPERATOR + "reason_rejected";
    private static final String SIGNALS = JobMetrics.OPERATOR + "type_signals";
    private static final double S = 100_000;

    /** Checkpoints, the Prometheus configuration and its log: under target/, kept for a look after a failure. */
    private final Path dir = Path.of("target", "prometheus-scrape", KafkaBroker.uniqueName("run")).toAbsolutePath();

    @Test
    void everyMetricTheDashboardAndTheRulesNameIsScrapedFromTheRunningJob(@TempDir Path storage) throws Exception {
        assumePrometheus();
        Files.createDirectories(dir);
        int reporterPort = Ports.free();
        int webPort = Ports.free();
        int prometheusPort = Ports.free();

        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir.resolve("checkpoints"), 1);
        Instant t0 = TestRecords.now().minusSeconds(60);
        rig.limits("mm1", limits("mm1"));
        rig.quote(TestRecords.quote(TestRecords.perp("BTC"), S - 0.5, S + 0.5, t0));
        // Not the Confluent wire format: rejected (BAD_MAGIC_BYTE), counted in its reason's group.
        rig.send(List.of(new ProducerRecord<>(rig.quotes, "BTC-PERP".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8))));

        Prometheus prometheus = Prometheus.start(dir, storage, prometheusPort, reporterPort,
                MonitoringTest.RULES.toAbsolutePath());
        JobClient job = null;
        try {
            BallastConfig config = rig.config("--delivery.guarantee", "at-least-once");
            job = startWithReporter(config, reporterPort, webPort);
            long started = System.nanoTime();

            // 10 sold outside a band of 1: a DELTA_HEDGE.
            rig.trade(TestRecords.trade("sell-1", "mm1", TestRecords.perp("BTC"), Side.SELL, 10, S, t0.plusSeconds(1)));
            List<RebalanceSignal> signals = rig.signalsUntil(s -> s.stream().anyMatch(x -> x.getType() == SignalType.DELTA_HEDGE));
            assertThat(rig.rejectedUntil(r -> !r.isEmpty())).extracting(r -> r.getReason()).containsExactly("BAD_MAGIC_BYTE");
            System.out.printf("Job decided %d signal(s), one rejection, %.1f s after its start%n", signals.size(),
                    (System.nanoTime() - started) / 1e9);

            // Prometheus has scraped the reporter, and the counters of what the job did are in.
            Await.until(SCRAPED, POLL, () -> "a successful scrape of 127.0.0.1:" + reporterPort + " (" + prometheus.target() + ")",
                    () -> "up".equals(prometheus.target().path("health").asText()));
            Await.until(SCRAPED, POLL, () -> "every metric of JobMetrics in Prometheus; missing: " + missing(prometheus),
                    () -> missing(prometheus).isEmpty());
            Await.until(SCRAPED, POLL, "the DELTA_HEDGE and the rejection counted in Prometheus",
                    () -> prometheus.value("sum(" + SIGNALS + "{job_name=\"" + JobMetrics.JOB_NAME + "\",operator_name=\"inventory\",type=\"DELTA_HEDGE\"})") >= 1
                            && prometheus.value("sum(" + REJECTED + "{job_name=\"" + JobMetrics.JOB_NAME + "\",operator_name=\"validate_quotes\",reason=\"BAD_MAGIC_BYTE\"})") >= 1);
            System.out.printf("Prometheus has every metric of JobMetrics %.1f s after the job's start%n",
                    (System.nanoTime() - started) / 1e9);

            Set<String> names = prometheus.names();
            System.out.println("The metrics of JobMetrics as Prometheus lists them (/api/v1/label/__name__/values):");
            names.stream().filter(JobMetrics.all()::contains).forEach(n -> System.out.println("  " + n));
            System.out.println("Labelled series:");
            List<String> series = new ArrayList<>();
            series.addAll(prometheus.series(REJECTED, "operator_name", "reason"));
            series.addAll(prometheus.series(SIGNALS, "operator_name", "type"));
            series.forEach(s -> System.out.println("  " + s));
            assertThat(names).containsAll(JobMetrics.all());

            // The labels the rules and the dashboard select on.
            assertThat(prometheus.labelValues("job_name")).contains(JobMetrics.JOB_NAME);
            assertThat(prometheus.labelValues("operator_name")).containsAll(JobMetrics.OPERATOR_NAMES);
            assertThat(prometheus.labelValuesOf(REJECTED, "reason")).as("reject codes")
                    .containsAll(List.of("NULL_VALUE", "OVERSIZED", "TRUNCATED", "BAD_MAGIC_BYTE", "UNKNOWN_SCHEMA",
                            "INCOMPATIBLE_SCHEMA", "UNKNOWN_ENUM_SYMBOL", "CORRUPT_AVRO", "INVALID_FIELD", "DUPLICATE_TRADE"));
            assertThat(prometheus.labelValuesOf(SIGNALS, "type")).as("signal types")
                    .containsAll(List.of("DELTA_HEDGE", "GAMMA_LIMIT", "VEGA_LIMIT", "QUOTE_SKEW"));
            assertThat(prometheus.labelValuesOf(JobMetrics.OPERATOR + "quoteToSignalLatencyMicros", "quantile"))
                    .contains("0.5", "0.95", "0.99");
            // The old names are gone.
            assertThat(names).noneMatch(n -> n.startsWith(JobMetrics.OPERATOR + "rejected_")
                    || n.startsWith(JobMetrics.OPERATOR + "signals_"));

            // The same counters as the web UI's REST API names them (what the sandbox and cluster tests read).
            List<String> restIds = new ArrayList<>();
            Await.until(SCRAPED, POLL, () -> "the grouped metrics in the REST API; ids so far: " + restIds, () -> {
                restIds.clear();
                restIds.addAll(restMetricIds(webPort, runningJobId(webPort)));
                return restIds.contains("validate_quotes.reason.BAD_MAGIC_BYTE.rejected")
                        && restIds.contains("inventory.type.DELTA_HEDGE.signals");
            });
            System.out.println("REST ids (/jobs/<id>/vertices/<id>/subtasks/metrics) of the grouped counters: "
                    + restIds.stream().filter(i -> i.endsWith(".rejected")).count() + " '<operator>.reason.<REASON>.rejected', e.g. "
                    + "validate_quotes.reason.BAD_MAGIC_BYTE.rejected; "
                    + restIds.stream().filter(i -> i.endsWith(".signals")).sorted().toList());

            // The alert rules, loaded by the same server, evaluate against the job's series without error.
            Await.until(SCRAPED, POLL, () -> "every alert rule evaluated: " + prometheus.rules(),
                    () -> {
                        List<JsonNode> rules = prometheus.rules();
                        return !rules.isEmpty() && rules.stream().allMatch(r -> !r.path("lastEvaluation").asText().startsWith("0001"));
                    });
            for (JsonNode rule : prometheus.rules()) {
                assertThat(rule.path("health").asText()).as("health of %s: %s", rule.path("name").asText(),
                        rule.path("lastError").asText()).isEqualTo("ok");
            }
            assertThat(prometheus.rules()).hasSize(MonitoringTest.alertRules().size());
        } finally {
            try {
                if (job != null) {
                    BallastRig.cancel(job);
                }
            } finally {
                prometheus.stop();
            }
        }
    }

    private static RiskLimits limits(String provider) {
        RiskLimits l = TestRecords.limits(provider, null);
        l.setDeltaBand(1.0);
        l.setBandMode(BandMode.FIXED);
        l.setMinHedgeQuantity(0.01);
        l.setHedgeTimeoutMs(600_000);
        l.setGammaLimit(null);
        l.setVegaLimit(null);
        return l;
    }

    /**
     * The real job ({@link BallastJob#build}, named {@link BallastJob#JOB_NAME} as on a cluster) in a
     * MiniCluster with the web UI and the Prometheus reporter, everything on the loopback but the
     * reporter (Flink's reporter binds every interface; only its port is chosen here).
     */
    private static JobClient startWithReporter(BallastConfig config, int reporterPort, int webPort) throws Exception {
        KafkaIo.checkCluster(config, BallastJob.topics(config));
        Configuration flink = BallastJob.flinkConfiguration(config);
        flink.setString("restart-strategy.type", "none");
        flink.setString("metrics.reporter.prom.factory.class", REPORTER_FACTORY);
        flink.setString("metrics.reporter.prom.port", Integer.toString(reporterPort));
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        flink.set(RestOptions.BIND_ADDRESS, Ports.HOST);
        flink.set(RestOptions.ADDRESS, Ports.HOST);
        flink.set(RestOptions.PORT, webPort);
        flink.set(JobManagerOptions.BIND_HOST, Ports.HOST);
        flink.set(JobManagerOptions.ADDRESS, Ports.HOST);
        flink.set(TaskManagerOptions.BIND_HOST, Ports.HOST);
        flink.set(TaskManagerOptions.HOST, Ports.HOST);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(1);
        BallastJob.build(env, config);
        return env.executeAsync(BallastJob.JOB_NAME);
    }

    private static Set<String> missing(Prometheus prometheus) {
        Set<String> missing = new TreeSet<>(JobMetrics.all());
        missing.removeAll(prometheus.names());
        return missing;
    }

    private static String runningJobId(int webPort) {
        JsonNode jobs = JobRunner.getJson("http://" + Ports.HOST + ":" + webPort + "/jobs/overview", Duration.ofSeconds(5));
        return jobs == null || jobs.path("jobs").isEmpty() ? null : jobs.path("jobs").get(0).path("jid").asText();
    }

    /** The metric ids of every vertex of the job, aggregated over subtasks ({@code <operator>.<metric>}). */
    private static List<String> restMetricIds(int webPort, String jobId) {
        List<String> ids = new ArrayList<>();
        if (jobId == null) {
            return ids;
        }
        String base = "http://" + Ports.HOST + ":" + webPort + "/jobs/" + jobId;
        JsonNode job = JobRunner.getJson(base, Duration.ofSeconds(5));
        if (job == null) {
            return ids;
        }
        for (JsonNode v : job.path("vertices")) {
            JsonNode metrics = JobRunner.getJson(base + "/vertices/" + v.path("id").asText() + "/subtasks/metrics",
                    Duration.ofSeconds(5));
            if (metrics != null) {
                metrics.forEach(m -> ids.add(m.path("id").asText()));
            }
        }
        return ids;
    }

    private static void assumePrometheus() {
        boolean present = false;
        try {
            Process p = new ProcessBuilder("prometheus", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException notThere) {
            // Missing.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (present) {
            return;
        }
        String message = "The prometheus server is missing. Install it with: apt-get install -y prometheus";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.assumeTrue(false, message);
    }

    /** A Prometheus server in a child process, asked through its HTTP API. */
    static final class Prometheus {

        private final Process process;
        private final Thread onExit;
        private final String url;

        private Prometheus(Process process, Thread onExit, String url) {
            this.process = process;
            this.onExit = onExit;
            this.url = url;
        }

        /**
         * Starts {@code prometheus} on 127.0.0.1:{@code port}, scraping 127.0.0.1:{@code target} every
         * second with the rules of {@code rules} loaded, data in {@code storage}, configuration and log in
         * {@code dir}; returns once it is ready.
         */
        static Prometheus start(Path dir, Path storage, int port, int target, Path rules) throws IOException {
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 1s",
                    "  evaluation_interval: 1s",
                    "rule_files:",
                    "  - '" + rules + "'",
                    "scrape_configs:",
                    "  - job_name: " + SCRAPE_JOB,
                    "    static_configs:",
                    "      - targets: ['" + Ports.HOST + ":" + target + "']",
                    ""));
            Path log = dir.resolve("prometheus.log");
            Process process = new ProcessBuilder("prometheus",
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + storage,
                    "--web.listen-address=" + Ports.HOST + ":" + port,
                    "--log.level=info")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // Should this JVM end before the finally block runs, the server goes with it.
            Thread onExit = new Thread(() -> destroyTree(process), "stop prometheus " + process.pid());
            Runtime.getRuntime().addShutdownHook(onExit);
            Prometheus prometheus = new Prometheus(process, onExit, "http://" + Ports.HOST + ":" + port);
            try {
                Await.until(Duration.ofSeconds(60), POLL, () -> "Prometheus ready on port " + port + " (log: " + log + ")",
                        () -> {
                            if (!process.isAlive()) {
                                throw new AssertionError("Prometheus exited with " + process.exitValue() + ": " + read(log));
                            }
                            return JobRunner.getJson(prometheus.url + "/api/v1/status/runtimeinfo", Duration.ofSeconds(2)) != null
                                    && Ports.isListening(port) && prometheus.ready();
                        });
            } catch (RuntimeException | AssertionError e) {
                prometheus.stop();
                throw e;
            }
            System.out.println("Prometheus " + process.pid() + " on " + prometheus.url + ", scraping " + Ports.HOST + ":" + target
                    + " every second; configuration " + config + ", log " + log);
            return prometheus;
        }

        private boolean ready() {
            try {
                java.net.http.HttpResponse<Void> r = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The {@code data} of an API answer, or a missing node. */
        private JsonNode api(String pathAndQuery) {
            JsonNode answer = JobRunner.getJson(url + pathAndQuery, Duration.ofSeconds(10));
            return answer == null || !"success".equals(answer.path("status").asText()) ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                    : answer.path("data");
        }

        /** Every metric name in Prometheus. */
        Set<String> names() {
            return labelValues("__name__");
        }

        Set<String> labelValues(String label) {
            Set<String> out = new TreeSet<>();
            api("/api/v1/label/" + label + "/values").forEach(v -> out.add(v.asText()));
            return out;
        }

        /** The values of {@code label} on the series of {@code metric}. */
        Set<String> labelValuesOf(String metric, String label) {
            Set<String> out = new TreeSet<>();
            api("/api/v1/label/" + label + "/values?match[]=" + encode(metric)).forEach(v -> out.add(v.asText()));
            return out;
        }

        /** The value of an instant query that gives one number, or NaN. */
        double value(String query) {
            JsonNode result = api("/api/v1/query?query=" + encode(query)).path("result");
            return result.isArray() && result.size() == 1 ? result.get(0).path("value").get(1).asDouble() : Double.NaN;
        }

        /** The series of {@code metric} as {@code name{label="..",..} value}, only the labels given. */
        List<String> series(String metric, String... labels) {
            List<String> out = new ArrayList<>();
            for (JsonNode r : api("/api/v1/query?query=" + encode(metric)).path("result")) {
                StringBuilder s = new StringBuilder(metric).append('{');
                for (int i = 0; i < labels.length; i++) {
                    s.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(r.path("metric").path(labels[i]).asText()).append('"');
                }
                out.add(s.append("} ").append(r.path("value").get(1).asText()).toString());
            }
            out.sort(null);
            return out;
        }

        /** The scrape target of the reporter ({@code health}, {@code lastError}), or a missing node. */
        JsonNode target() {
            for (JsonNode t : api("/api/v1/targets?state=active").path("activeTargets")) {
                if (SCRAPE_JOB.equals(t.path("labels").path("job").asText())) {
                    return t;
                }
            }
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }

        /** The loaded rules, each with its {@code health}, {@code lastError} and {@code lastEvaluation}. */
        List<JsonNode> rules() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode group : api("/api/v1/rules").path("groups")) {
                group.path("rules").forEach(out::add);
            }
            return out;
        }

        /** Stops the server (SIGTERM, then SIGKILL) and anything it started; waits until it is gone. */
        void stop() {
            destroyTree(process);
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }

        private static void destroyTree(Process process) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }

        private static String encode(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        private static String read(Path log) {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }
    }
}
