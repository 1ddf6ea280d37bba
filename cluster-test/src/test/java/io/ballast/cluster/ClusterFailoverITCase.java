package io.ballast.cluster;

import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.VolSkew;
import io.ballast.testkit.Await;
import io.ballast.testkit.AvroCodec;
import io.ballast.testkit.AvroCodec.Decoded;
import io.ballast.cluster.FlinkStandaloneCluster.ClusterProcess;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, item 3: the lean job jar on a real Flink standalone session cluster (a JobManager and two
 * TaskManagers, each its own JVM, from the Maven Central jars), against the real KRaft broker and the
 * real Apicurio registry, submitted through the REST API as {@code flink run} does; then one
 * TaskManager killed with SIGKILL while inputs stream in.
 *
 * <p>Setup: two TaskManagers of two slots and job parallelism 4, so every slot of the cluster runs a
 * part of every stage. After the kill the survivor's two slots are not enough: as a supervisor (a
 * Kubernetes Deployment, systemd) would, the test starts a replacement TaskManager JVM at once, and
 * the job restarts from its last completed checkpoint on the survivor and the newcomer, which has no
 * local state and restores its key groups from the checkpoint directory. The time measured is the
 * time a real outage of that kind takes: failure detection, the restart, a fresh TaskManager, the
 * restore. (The JobManager may restart twice: a first attempt can be deployed to the dead
 * TaskManager's slots before its loss is declared; hence numRestarts &gt;= 1, not == 1.)
 *
 * <p>Exactly-once ({@code read_committed} readers) means, and this test checks, over everything the
 * job ever committed: no signal id twice; per provider and underlying the sequence numbers of the
 * signal ids (one counter for all types) exactly 1..n, in order; per provider the RiskSnapshot
 * sequences exactly 1..m, in order (output computed after the restored checkpoint was in transactions
 * the restart aborted; the restored job computes it again from the same sequence, so the committed
 * sequence has neither gaps nor repeats); every linear provider's latest net delta exactly the sum of
 * its distinct fills; every retried fill rejected exactly once.
 */
class ClusterFailoverITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    /** Set by failsafe: the lean job jar, copied from the jobs module's build. */
    static final String JOB_JAR_PROPERTY = "ballast.cluster.job-jar";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverITCase.class);
    private static final int TASK_MANAGERS = 2;
    private static final int SLOTS_PER_TASK_MANAGER = 2;
    private static final int PARALLELISM = 4;
    private static final Duration TICK = Duration.ofMillis(100);
    /** Streaming before the kill, at least: the job has committed output and checkpoints by then. */
    private static final Duration BEFORE_KILL = Duration.ofSeconds(6);
    /** Streaming after the job is back, at least, and in all. */
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(5);
    private static final Duration STREAM_AT_LEAST = Duration.ofSeconds(18);
    private static final Duration CLUSTER_START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration JOB_START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(1);

    private static FlinkStandaloneCluster cluster;

    @BeforeAll
    static void startCluster() {
        Map<String, String> config = new LinkedHashMap<>();
        // A lost TaskManager is noticed within seconds (defaults: 10 s interval, 50 s timeout).
        config.put("heartbeat.interval", "1000");
        config.put("heartbeat.timeout", "5000");
        config.put("restart-strategy.type", "fixed-delay");
        config.put("restart-strategy.fixed-delay.attempts", "10");
        config.put("restart-strategy.fixed-delay.delay", "1 s");
        // As docs/operations.md asks of every cluster: equal to the job's --max-parallelism.
        config.put("pipeline.max-parallelism", "128");
        // The REST API caches job details and checkpoint statistics this long (default 3 s): short, so
        // that a recovery is timed to the poll interval, not to the cache.
        config.put("web.refresh-interval", "200");
        cluster = FlinkStandaloneCluster.start(TASK_MANAGERS, SLOTS_PER_TASK_MANAGER, config, CLUSTER_START_TIMEOUT);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            assertThat(cluster.alive()).as("cluster JVMs left running").isEmpty();
        }
    }

    @Test
    void aTaskManagerKilledMidStreamLosesNothingAndRepeatsNothing() throws Exception {
        Topics topics = new Topics();
        AvroCodec codec = new AvroCodec(REGISTRY.url());
        TradingWorkload workload = new TradingWorkload(TestRecords.now().plus(Duration.ofDays(30)), new TradingWorkload.Sink() {
            @Override
            public void quotes(List<Quote> quotes) {
                KAFKA.send(quotes.stream().map(q -> codec.record(topics.quotes, q.getInstrument().getSymbol(), q)).toList());
            }

            @Override
            public void trades(List<Trade> trades) {
                KAFKA.send(trades.stream().map(t -> codec.record(topics.trades, t.getProviderId(), t)).toList());
            }
        });
        KAFKA.send(List.of(codec.record(topics.limits, TradingWorkload.OPTIONS_PROVIDER, optionsProviderLimits())));
        workload.market(Instant.now());

        // ------------------------------------------------------------------ submit, as flink run
        FlinkRest rest = cluster.rest();
        long submitStarted = System.nanoTime();
        String jarId = rest.uploadJar(Path.of(System.getProperty(JOB_JAR_PROPERTY)));
        String jobId = rest.runJar(jarId, "io.ballast.job.BallastJob", jobArgs(topics), PARALLELISM);
        Await.until(JOB_START_TIMEOUT, "job " + jobId + " to run all its tasks (" + cluster.jobManagerLog() + ")",
                () -> allTasksRunning(rest.job(jobId)));
        Duration submitToRunning = Duration.ofNanos(System.nanoTime() - submitStarted);
        Map<String, Integer> placementBefore = tasksPerTaskManager(rest, jobId);
        assertThat(placementBefore).as("subtasks per TaskManager").containsOnlyKeys("taskmanager-1", "taskmanager-2");

        Report report = new Report();
        report.line("cluster: 1 JobManager + %d TaskManagers x %d slots, job parallelism %d, run directory %s",
                TASK_MANAGERS, SLOTS_PER_TASK_MANAGER, PARALLELISM, cluster.runDir());
        report.line("submit (upload + run) to all tasks RUNNING: %d ms; subtasks per TaskManager %s",
                submitToRunning.toMillis(), placementBefore);

        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "workload"));
        Instant killedAt;
        long lastCompletedBeforeKill;
        int failedCheckpointsAtRecovery;
        try (CommittedTail tail = new CommittedTail(KAFKA.bootstrapServers(), topics.risk, codec)) {
            long streamStarted = System.nanoTime();
            producer.scheduleAtFixedRate(workload::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);

            // -------------------------------------------------------------- mid-stream
            Await.until(OUTPUT_TIMEOUT, "committed output of every provider and three completed checkpoints", () -> {
                workload.check();
                return System.nanoTime() - streamStarted >= BEFORE_KILL.toNanos()
                        && tail.latest().keySet().containsAll(TradingWorkload.PROVIDERS)
                        && rest.get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt() >= 3;
            });
            JsonNode checkpointsBeforeKill = rest.get("/jobs/" + jobId + "/checkpoints");
            lastCompletedBeforeKill = checkpointsBeforeKill.path("latest").path("completed").path("id").asLong();

            // -------------------------------------------------------------- SIGKILL
            ClusterProcess victim = cluster.taskManagers().get(0);
            killedAt = Instant.now();
            long killNanos = System.nanoTime();
            cluster.kill(victim);
            cluster.startTaskManager(); // the replacement, as a supervisor would start it
            report.line("killed %s (pid %d) with SIGKILL at %s, %.1f s into the stream, %d fills sent by then; "
                            + "last completed checkpoint %d; replacement taskmanager-3 started",
                    victim.name(), victim.pid(), killedAt, (killNanos - streamStarted) / 1e9, workload.distinctFills(),
                    lastCompletedBeforeKill);

            // -------------------------------------------------------------- recovery
            long[] noticed = {-1};
            long[] replacementRegistered = {-1};
            Await.until(RECOVERY_TIMEOUT, "job " + jobId + " to run all its tasks again after the kill (" + cluster.jobManagerLog() + ")", () -> {
                workload.check();
                JsonNode job = rest.job(jobId);
                if (noticed[0] < 0 && !"RUNNING".equals(job.path("state").asText())) {
                    noticed[0] = System.nanoTime();
                }
                if (replacementRegistered[0] < 0 && rest.get("/taskmanagers").findValuesAsText("id").contains("taskmanager-3")) {
                    replacementRegistered[0] = System.nanoTime();
                }
                return job.path("timestamps").path("RUNNING").asLong() > killedAt.toEpochMilli() && allTasksRunning(job);
            });
            Duration killToRunning = Duration.ofNanos(System.nanoTime() - killNanos);
            failedCheckpointsAtRecovery = rest.get("/jobs/" + jobId + "/checkpoints").path("counts").path("failed").asInt();
            Map<String, Integer> placementAfter = tasksPerTaskManager(rest, jobId);
            assertThat(placementAfter).as("subtasks per TaskManager after the recovery")
                    .containsOnlyKeys("taskmanager-2", "taskmanager-3");

            Await.until(OUTPUT_TIMEOUT, "committed output computed from input sent after the kill",
                    () -> tail.firstAsOfAtLeast(killedAt).isPresent());
            CommittedTail.Seen firstNew = tail.firstAsOfAtLeast(killedAt).orElseThrow();
            long killToFirstOutput = firstNew.receivedAtMillis() - killedAt.toEpochMilli();

            List<JsonNode> failures = new ArrayList<>();
            rest.get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").forEach(failures::add);
            failures.sort(Comparator.comparingLong(f -> f.path("timestamp").asLong()));
            for (JsonNode failure : failures) {
                report.line("the JobManager failed the job at +%d ms: %s", failure.path("timestamp").asLong() - killedAt.toEpochMilli(),
                        firstLine(failure.path("stacktrace").asText()));
            }
            report.line("REST showed the job no longer RUNNING at %s; the replacement TaskManager registered at %s",
                    sinceKill(noticed[0], killNanos), sinceKill(replacementRegistered[0], killNanos));
            report.line("RECOVERY kill -> job RUNNING with all %d subtasks of every vertex running: %d ms; subtasks per TaskManager %s",
                    PARALLELISM, killToRunning.toMillis(), placementAfter);
            report.line("RECOVERY kill -> first committed output of input sent after the kill: %d ms (%s sequence %d)",
                    killToFirstOutput, firstNew.snapshot().getProviderId(), firstNew.snapshot().getSequence());

            // -------------------------------------------------------------- the rest of the stream
            long recoveredNanos = System.nanoTime();
            Await.until(Duration.ofMinutes(1), "the rest of the stream", () -> {
                workload.check();
                return System.nanoTime() - recoveredNanos >= AFTER_RECOVERY.toNanos()
                        && System.nanoTime() - streamStarted >= STREAM_AT_LEAST.toNanos();
            });
            producer.shutdown();
            assertThat(producer.awaitTermination(30, TimeUnit.SECONDS)).as("workload stopped").isTrue();
            workload.check();
            report.line("streamed %.1f s: %d ticks, %d distinct fills, %d of them sent twice",
                    (System.nanoTime() - streamStarted) / 1e9, workload.ticks(), workload.distinctFills(),
                    workload.duplicateIds().size());

            Map<String, BigDecimal> expected = workload.linearPositions();
            int optionsPositions = workload.optionsBookPositions();
            Await.until(OUTPUT_TIMEOUT, Await.INTERVAL, () -> "every provider's latest committed snapshot to hold all its fills: expected net deltas "
                    + expected + " and " + optionsPositions + " positions of " + TradingWorkload.OPTIONS_PROVIDER
                    + "; latest committed " + tail.latest(), () -> holdsAllFills(tail.latest(), expected, optionsPositions));
        } finally {
            producer.shutdownNow();
        }

        // ------------------------------------------------------------------ everything committed
        List<Decoded<RebalanceSignal>> signals = codec.decode(KAFKA.consumeToEnd(topics.signals, Duration.ofSeconds(30)), RebalanceSignal.class);
        List<Decoded<RiskSnapshot>> risk = codec.decode(KAFKA.consumeToEnd(topics.risk, Duration.ofSeconds(30)), RiskSnapshot.class);
        List<Decoded<RejectedRecord>> rejected = codec.decode(KAFKA.consumeToEnd(topics.rejected, Duration.ofSeconds(30)), RejectedRecord.class);
        List<Decoded<VolSkew>> skew = codec.decode(KAFKA.consumeToEnd(topics.skew, Duration.ofSeconds(30)), VolSkew.class);
        report.line("committed output: %d signals %s, %d risk snapshots, %d rejected, %d smiles",
                signals.size(), countBy(signals, s -> s.value().getType()), risk.size(), rejected.size(), skew.size());

        // (1) No signal id twice.
        Map<String, Long> idCounts = signals.stream().collect(Collectors.groupingBy(s -> s.value().getSignalId(), Collectors.counting()));
        assertThat(idCounts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("signal ids committed more than once").isEmpty();

        // (2) No signal id missing: one sequence per provider/underlying, shared by all types: 1..n in topic order.
        Map<String, List<Long>> signalSequences = new TreeMap<>();
        for (Decoded<RebalanceSignal> d : signals) {
            RebalanceSignal s = d.value();
            String[] parts = s.getSignalId().split("/");
            assertThat(parts).as("signal id %s", s.getSignalId()).hasSize(4);
            assertThat(parts[0] + "/" + parts[1] + "/" + parts[2])
                    .isEqualTo(s.getProviderId() + "/" + s.getUnderlying() + "/" + s.getType().name());
            assertThat(d.key()).isEqualTo(s.getProviderId() + "/" + s.getUnderlying());
            signalSequences.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(Long.parseLong(parts[3]));
        }
        assertThat(signalSequences.keySet()).as("keys with signals").containsAll(
                List.of("lp1/BTC", "lp2/BTC", TradingWorkload.OPTIONS_PROVIDER + "/BTC"));
        signalSequences.forEach((key, sequence) -> assertThat(sequence)
                .as("signal sequence numbers of %s, in topic order", key)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, sequence.size()).boxed().toList()));

        // (3) Risk snapshots: per provider 1..m in topic order, no gap, no repeat.
        Map<String, List<Long>> snapshotSequences = new TreeMap<>();
        for (Decoded<RiskSnapshot> d : risk) {
            snapshotSequences.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d.value().getSequence());
        }
        assertThat(snapshotSequences).hasSize(TradingWorkload.PROVIDERS.size());
        snapshotSequences.forEach((key, sequence) -> assertThat(sequence)
                .as("RiskSnapshot sequences of %s, in topic order", key)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, sequence.size()).boxed().toList()));

        // (4) Positions: exact sums of the distinct fills.
        Map<String, RiskSnapshot> latest = new HashMap<>();
        risk.forEach(d -> latest.merge(d.value().getProviderId(), d.value(), (a, b) -> b.getSequence() > a.getSequence() ? b : a));
        workload.linearPositions().forEach((provider, sum) -> assertThat(latest.get(provider).getNetDelta())
                .as("net delta of %s: the sum of its %s fills", provider, provider).isEqualTo(sum.doubleValue()));
        assertThat(latest.get(TradingWorkload.OPTIONS_PROVIDER).getPositions()).isEqualTo(workload.optionsBookPositions());

        // (5) Every retried fill rejected once, nothing else rejected.
        ConfluentAvroDecoder<Trade> trades = new ConfluentAvroDecoder<>(Trade.class,
                ConfluentRegistryClient.shared(RegistryConfig.builder(REGISTRY.url()).build()));
        List<String> rejectedIds = new ArrayList<>();
        for (Decoded<RejectedRecord> d : rejected) {
            assertThat(d.value().getReason()).isEqualTo("DUPLICATE_TRADE");
            ByteBuffer payload = d.value().getPayload().duplicate();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            rejectedIds.add(trades.decode(bytes).getTradeId());
        }
        assertThat(rejectedIds).as("trade ids rejected as duplicates").containsExactlyInAnyOrderElementsOf(workload.duplicateIds());

        // The recovered job went on deciding, and the market stage fitted smiles.
        assertThat(signals).as("signals decided on input sent after the kill")
                .anyMatch(s -> !s.value().getEventTime().isBefore(killedAt));
        assertThat(skew).isNotEmpty();

        // ------------------------------------------------------------------ the web UI's REST API
        JsonNode job = rest.job(jobId);
        assertThat(job.path("state").asText()).isEqualTo("RUNNING");
        Await.until(Duration.ofSeconds(30), "numRestarts >= 1 in the job's metrics",
                () -> jobMetric(rest, jobId, "numRestarts") >= 1);
        long restarts = jobMetric(rest, jobId, "numRestarts");
        report.line("REST /jobs/%s: %s, numRestarts %d", jobId, job.path("state").asText(), restarts);

        String inventory = vertexId(job, "inventory");
        String validateTrades = vertexId(job, "validate trades");
        Map<String, JsonNode> inventoryMetrics = ballastMetrics(rest, jobId, inventory,
                List.of("fillsApplied", "duplicateTrades", "type.DELTA_HEDGE.signals", "type.QUOTE_SKEW.signals",
                        "type.GAMMA_LIMIT.signals", "providersTracked", "maxDeltaToBand"));
        Map<String, JsonNode> validateMetrics = ballastMetrics(rest, jobId, validateTrades,
                List.of("accepted", "reason.CORRUPT_AVRO.rejected", "reason.INVALID_FIELD.rejected"));
        report.line("Ballast metrics since the restart (sum over subtasks), inventory: %s", summarize(inventoryMetrics));
        report.line("Ballast metrics since the restart (sum over subtasks), validate trades: %s", summarize(validateMetrics));
        report.line("Ballast metrics since the restart, inventory, per subtask (latency in microseconds): %s",
                perSubtask(rest, jobId, inventory, List.of("fillsApplied", "providersTracked", "type.DELTA_HEDGE.signals",
                        "quoteToSignalLatencyMicros_median", "quoteToSignalLatencyMicros_p99", "quoteToSignalLatencyMicros_max")));
        assertThat(inventoryMetrics.get("fillsApplied").path("sum").asDouble()).as("fillsApplied").isPositive();
        assertThat(inventoryMetrics).containsKeys("type.DELTA_HEDGE.signals", "providersTracked");
        assertThat(validateMetrics.get("accepted").path("sum").asDouble()).as("accepted").isPositive();

        // ------------------------------------------------------------------ checkpoints
        JsonNode checkpoints = rest.get("/jobs/" + jobId + "/checkpoints");
        JsonNode restored = checkpoints.path("latest").path("restored");
        assertThat(restored.path("id").asLong()).as("checkpoint restored after the kill").isPositive();
        assertThat(restored.path("id").asLong()).as("restored: the last checkpoint completed before the kill, or a later one")
                .isGreaterThanOrEqualTo(lastCompletedBeforeKill);
        assertThat(restored.path("is_savepoint").asBoolean()).isFalse();
        JsonNode completed = checkpoints.path("latest").path("completed");
        assertThat(completed.path("id").asLong()).as("checkpoints after the restore").isGreaterThan(restored.path("id").asLong());
        JsonNode summary = checkpoints.path("summary");
        report.line("checkpoints: %s (failed: triggers refused while not all tasks ran, at the start and during the outage; "
                        + "%d failed after the recovery); restored checkpoint %d (last completed before the kill, as the REST API showed it: %d)",
                checkpoints.path("counts"), checkpoints.path("counts").path("failed").asInt() - failedCheckpointsAtRecovery,
                restored.path("id").asLong(), lastCompletedBeforeKill);
        report.line("CHECKPOINTS latest completed %d: state size %s, checkpointed size %s (incremental), end to end %d ms",
                completed.path("id").asLong(), bytes(completed.path("state_size").asLong()),
                bytes(completed.path("checkpointed_size").asLong()), completed.path("end_to_end_duration").asLong());
        report.line("CHECKPOINTS over the run (min / avg / max): state size %s, checkpointed size %s, end to end %s ms",
                minAvgMax(summary.path("state_size"), true), minAvgMax(summary.path("checkpointed_size"), true),
                minAvgMax(summary.path("end_to_end_duration"), false));

        JsonNode details = rest.get("/jobs/" + jobId + "/checkpoints/details/" + completed.path("id").asLong());
        Map<String, String> perVertex = new LinkedHashMap<>();
        for (JsonNode v : job.path("vertices")) {
            JsonNode d = details.path("tasks").path(v.path("id").asText());
            perVertex.put(v.path("name").asText().replaceAll(" -> .*", ""), bytes(d.path("state_size").asLong()) + " / "
                    + bytes(d.path("checkpointed_size").asLong()));
        }
        report.line("CHECKPOINTS latest completed, per vertex (state size / checkpointed size): %s", perVertex);

        report.write(cluster.runDir().resolve("failover-report.txt"));
        rest.cancel(jobId);
    }

    // ------------------------------------------------------------------------------ the job

    /** Topics of this run: names of their own, created before the job starts. */
    private static final class Topics {
        final String quotes = KafkaBrokerExtension.uniqueName("quotes");
        final String trades = KafkaBrokerExtension.uniqueName("trades");
        final String limits = KafkaBrokerExtension.uniqueName("risk-limits");
        final String signals = KafkaBrokerExtension.uniqueName("rebalance-signals");
        final String risk = KafkaBrokerExtension.uniqueName("inventory-risk");
        final String skew = KafkaBrokerExtension.uniqueName("vol-skew");
        final String rejected = KafkaBrokerExtension.uniqueName("rejected");
        final String collateral = KafkaBrokerExtension.uniqueName("collateral");
        final String portfolio = KafkaBrokerExtension.uniqueName("portfolio-risk");
        final String run = KafkaBrokerExtension.uniqueName("cluster");

        Topics() {
            // One partition per source subtask: none of them idles.
            KAFKA.createTopics(PARALLELISM, quotes, trades, signals, risk, skew, rejected, portfolio);
            KAFKA.createTopics(1, limits, collateral);
        }
    }

    /** The arguments of the job's main, as an operator would give them to {@code flink run}. */
    private static List<String> jobArgs(Topics topics) {
        return List.of(
                "--bootstrap", KAFKA.bootstrapServers(), "--registry", REGISTRY.url(),
                "--topic.quotes", topics.quotes, "--topic.trades", topics.trades, "--topic.risk-limits", topics.limits,
                "--topic.rebalance-signals", topics.signals, "--topic.inventory-risk", topics.risk,
                "--topic.vol-skew", topics.skew, "--topic.rejected", topics.rejected,
                "--topic.collateral", topics.collateral, "--topic.portfolio-risk", topics.portfolio,
                "--delivery.guarantee", "exactly-once",
                "--sink.transactional-id-prefix", topics.run,
                "--source.group-id", topics.run,
                "--source.starting-offsets", "earliest",
                "--source.idleness", "500 ms",
                "--source.max-out-of-orderness", "0 ms",
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", cluster.checkpointDir().toString(),
                "--max-parallelism", "128",
                "--market.snapshot-interval", "100 ms",
                "--inventory.refresh-interval", "100 ms");
    }

    /** The options provider: a gamma limit its long options book crosses. */
    private static RiskLimits optionsProviderLimits() {
        RiskLimits l = TestRecords.limits(TradingWorkload.OPTIONS_PROVIDER, null);
        l.setBandMode(BandMode.FIXED);
        l.setDeltaBand(1.0);
        l.setGammaLimit(5_000.0); // about two at-the-money contracts' dollar gamma
        l.setVegaLimit(null);
        return l;
    }

    private static boolean holdsAllFills(Map<String, RiskSnapshot> latest, Map<String, BigDecimal> expected, int optionsPositions) {
        for (Map.Entry<String, BigDecimal> e : expected.entrySet()) {
            RiskSnapshot r = latest.get(e.getKey());
            if (r == null || r.getNetDelta() != e.getValue().doubleValue()) {
                return false;
            }
        }
        RiskSnapshot options = latest.get(TradingWorkload.OPTIONS_PROVIDER);
        return options != null && options.getPositions() == optionsPositions;
    }

    // ------------------------------------------------------------------------------ REST

    /** RUNNING, and every subtask of every vertex RUNNING. */
    private static boolean allTasksRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText()) || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (v.path("tasks").path("RUNNING").asInt() != v.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** How many subtasks (of all vertices) each TaskManager runs. */
    private static Map<String, Integer> tasksPerTaskManager(FlinkRest rest, String jobId) {
        Map<String, Integer> perTaskManager = new TreeMap<>();
        for (JsonNode v : rest.job(jobId).path("vertices")) {
            for (JsonNode subtask : rest.get("/jobs/" + jobId + "/vertices/" + v.path("id").asText()).path("subtasks")) {
                perTaskManager.merge(subtask.path("taskmanager-id").asText(), 1, Integer::sum);
            }
        }
        return perTaskManager;
    }

    /** The vertex (a chain of operators, e.g. "Source: trades -> validate trades") holding the operator. */
    private static String vertexId(JsonNode job, String operator) {
        for (JsonNode v : job.path("vertices")) {
            for (String chained : v.path("name").asText().split(" -> |\\(|, |\\)")) {
                if (chained.trim().equals(operator)) {
                    return v.path("id").asText();
                }
            }
        }
        throw new AssertionError("No vertex with an operator named '" + operator + "' in " + job.path("vertices"));
    }

    private static long jobMetric(FlinkRest rest, String jobId, String name) {
        JsonNode values = rest.metrics("/jobs/" + jobId + "/metrics", List.of(name));
        return values.isEmpty() ? -1 : values.path(0).path("value").asLong();
    }

    /**
     * Ballast's operator metrics of one vertex, aggregated over its subtasks
     * ({@code /jobs/{id}/vertices/{vid}/subtasks/metrics}), by short name. The REST API names them
     * {@code <operator>.<metric>}, a metric in a key/value group {@code <operator>.<key>.<value>.<metric>}
     * ({@code inventory.type.DELTA_HEDGE.signals}); they appear once the TaskManagers have reported them.
     */
    private static Map<String, JsonNode> ballastMetrics(FlinkRest rest, String jobId, String vertexId, List<String> wanted) {
        String path = "/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics";
        Map<String, String> ids = new LinkedHashMap<>();
        Await.until(Duration.ofSeconds(30), "Ballast's metrics " + wanted + " on " + path, () -> {
            ids.clear();
            for (String id : rest.metricNames(path)) {
                for (String w : wanted) {
                    if (id.endsWith("." + w)) {
                        ids.put(w, id);
                    }
                }
            }
            return ids.keySet().containsAll(wanted);
        });
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Map<String, String> shortNames = ids.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
        for (JsonNode m : rest.metrics(path, new ArrayList<>(ids.values()))) {
            values.put(shortNames.get(m.path("id").asText()), m);
        }
        return values;
    }

    /**
     * Metrics of each subtask of a vertex ({@code /jobs/{id}/vertices/{vid}/metrics}, named
     * {@code <subtask>.<operator>.<metric>}), by subtask. A histogram's fields are metrics of their own
     * ({@code _median}, {@code _p99}, {@code _max}, ...); aggregated over subtasks, the NaN quantiles of a
     * subtask without samples would hide the others'.
     */
    private static Map<String, Map<String, String>> perSubtask(FlinkRest rest, String jobId, String vertexId, List<String> metrics) {
        String path = "/jobs/" + jobId + "/vertices/" + vertexId + "/metrics";
        List<String> names = rest.metricNames(path).stream()
                .filter(n -> metrics.stream().anyMatch(m -> n.endsWith("." + m)))
                .toList();
        Map<String, Map<String, String>> bySubtask = new TreeMap<>();
        if (!names.isEmpty()) {
            for (JsonNode m : rest.metrics(path, names)) {
                String id = m.path("id").asText();
                // The wanted name the id ends with: a metric in a key/value group ("type.DELTA_HEDGE.signals")
                // has dots of its own.
                String name = metrics.stream().filter(w -> id.endsWith("." + w)).findFirst().orElseThrow();
                bySubtask.computeIfAbsent("subtask " + id.substring(0, id.indexOf('.')), k -> new TreeMap<>())
                        .put(name, m.path("value").asText());
            }
        }
        return bySubtask;
    }

    // ------------------------------------------------------------------------------ reporting

    /** The measured numbers, logged and written next to the cluster's logs. */
    private static final class Report {
        private final List<String> lines = new ArrayList<>();

        void line(String format, Object... args) {
            String line = String.format(format, args);
            lines.add(line);
            LOG.info(line);
        }

        void write(Path file) throws java.io.IOException {
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            LOG.info("Report written to {}", file);
        }
    }

    private static String summarize(Map<String, JsonNode> metrics) {
        Map<String, String> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> out.put(k, k.equals("maxDeltaToBand") ? "max " + v.path("max").asText() : v.path("sum").asText()));
        return out.toString();
    }

    private static String minAvgMax(JsonNode stats, boolean size) {
        Function<String, String> f = k -> size ? bytes(stats.path(k).asLong()) : Long.toString(stats.path(k).asLong());
        return f.apply("min") + " / " + f.apply("avg") + " / " + f.apply("max");
    }

    private static String bytes(long n) {
        return n < 10_000 ? n + " B" : String.format("%.1f KiB", n / 1024.0);
    }

    private static String sinceKill(long nanos, long killNanos) {
        return nanos < 0 ? "(not seen)" : "+" + (nanos - killNanos) / 1_000_000 + " ms";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static <T, K> Map<K, Long> countBy(List<T> items, Function<T, K> key) {
        return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

}
