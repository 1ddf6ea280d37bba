package io.ballast.faults;

import io.ballast.testkit.Await;
import io.ballast.TestRecords;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Trade;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures of the real job (MiniCluster, real broker and registry, exactly-once): the job's own
 * pipeline with one extra pass-through operator on the trades ({@link FailureInjector}) that fails it
 * on cue. Trades only, no quotes or limits records, so the committed output is a function of the
 * input, and {@link Semantics} says what exactly-once means for it.
 */
class FaultToleranceITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @TempDir
    Path dir;

    private final Instant t0 = TestRecords.now().minusSeconds(600);

    private static Configuration restarts(int attempts) {
        Configuration c = new Configuration();
        c.setString("restart-strategy.type", "fixed-delay");
        c.setString("restart-strategy.fixed-delay.attempts", Integer.toString(attempts));
        c.setString("restart-strategy.fixed-delay.delay", "100 ms");
        return c;
    }

    /** Sends {@code trades} to every rig, in chunks, so that the jobs read while more arrives. */
    private static void send(List<Trade> trades, BallastRig... rigs) {
        for (int from = 0; from < trades.size(); from += 25) {
            List<Trade> chunk = trades.subList(from, Math.min(trades.size(), from + 25));
            for (BallastRig rig : rigs) {
                rig.send(TradeFlow.records(rig, chunk));
            }
        }
    }

    private static <T> Map<List<Object>, Long> multiset(List<T> records, Function<T, List<Object>> essence) {
        return records.stream().collect(Collectors.groupingBy(essence, Collectors.counting()));
    }

    // --------------------------------------------------------------------------------------------

    /**
     * The job fails from the notification that a checkpoint completed, while trades stream in: the
     * sinks may or may not have committed that checkpoint's transactions yet, and the records after
     * its barrier were written into transactions that are now aborted. After the restore, the committed
     * output must be exactly that of a job that never failed, which runs beside it on the same input.
     */
    @Test
    void aFailureRightAfterACheckpointLeavesExactlyTheOutputOfAFailureFreeRun(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        BallastRig reference = new BallastRig(KAFKA, REGISTRY.url(), dir.resolve("reference"), 2);
        BallastRig faulty = new BallastRig(KAFKA, REGISTRY.url(), dir.resolve("faulty"), 2);
        FailureInjector.Plan plan = FailureInjector.plan(KafkaBrokerExtension.uniqueName("after-checkpoint"));
        TradeFlow flow = new TradeFlow(1, t0);
        send(flow.next(300, 15), reference, faulty);

        JobClient referenceJob = reference.start(reference.config(TradeFlow.DETERMINISTIC), 2, null);
        JobClient faultyJob = faulty.start(faulty.config(TradeFlow.DETERMINISTIC), 2, null, restarts(3),
                FailureInjector.on(plan));
        try {
            faulty.until(faulty.risk, RiskSnapshot.class, r -> r.size() >= 100);
            plan.failRightAfterNextCheckpoint();
            send(flow.next(400, 20), reference, faulty);
            Await.until(Duration.ofSeconds(60), "the injected failure", () -> plan.failureCount() == 1);
            send(flow.next(100, 5), reference, faulty);

            List<RiskSnapshot> expected = reference.until(reference.risk, RiskSnapshot.class, r -> Semantics.complete(r, flow));
            List<RiskSnapshot> risk = faulty.until(faulty.risk, RiskSnapshot.class, r -> Semantics.complete(r, flow));
            List<RebalanceSignal> signals = faulty.all(faulty.signals, RebalanceSignal.class);
            int checked = Semantics.assertExactlyOnce(risk, signals, faulty.all(faulty.rejected, RejectedRecord.class), flow);
            Semantics.assertExactlyOnce(expected, reference.all(reference.signals, RebalanceSignal.class),
                    reference.all(reference.rejected, RejectedRecord.class), flow);
            assertThat(multiset(risk, Semantics::essence)).as("committed snapshots, failed run vs failure-free run")
                    .isEqualTo(multiset(expected, Semantics::essence));
            assertThat(multiset(signals, Semantics::essence)).as("committed signals, failed run vs failure-free run")
                    .isEqualTo(multiset(reference.all(reference.signals, RebalanceSignal.class), Semantics::essence));

            assertThat(BallastRig.restarts(cluster, faultyJob.getJobID())).isEqualTo(1);
            assertThat(faultyJob.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            long[] failure = plan.failures.get(0);
            long reopened = plan.reopened.stream().mapToLong(r -> r[0]).min().orElseThrow();
            System.out.printf("failure right after a checkpoint: %s, after %d trades read; tasks back %d ms later; "
                            + "%d snapshots and %d signals equal to the failure-free run's, %d fills, %d duplicates rejected%n",
                    plan.reasons.get(0), failure[1], reopened - failure[0], risk.size(), checked,
                    flow.distinctCount(), flow.duplicateCount());
        } finally {
            BallastRig.cancel(faultyJob);
            BallastRig.cancel(referenceJob);
        }
    }

    /**
     * Failures on a few trades chosen by a seeded random generator, each on the first sight of its
     * trade (so before, in the middle of and after the replay of earlier failures): per
     * provider/underlying, snapshot sequences and signal ids have no gap and no duplicate, and positions
     * are the exact sums of the distinct fills.
     */
    @Test
    void repeatedRandomFailuresLoseAndRepeatNothing(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long seed = 20261121L;
        Random random = new Random(seed);
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        FailureInjector.Plan plan = FailureInjector.plan(KafkaBrokerExtension.uniqueName("random"));
        TradeFlow flow = new TradeFlow(seed, t0);
        List<Trade> first = flow.next(300, 15);
        List<Trade> second = flow.next(300, 15);
        List<Trade> third = flow.next(300, 15);
        List<String> ids = flow.distinct().stream().map(Trade::getTradeId).collect(Collectors.toList());
        List<String> victims = new ArrayList<>();
        while (victims.size() < 4) {
            String id = ids.get(50 + random.nextInt(ids.size() - 50));
            if (!victims.contains(id)) {
                victims.add(id);
            }
        }
        plan.failOnFirstSightOf(victims);
        send(first, rig);

        long started = System.nanoTime();
        JobClient job = rig.start(rig.config(TradeFlow.DETERMINISTIC), 2, null, restarts(10), FailureInjector.on(plan));
        try {
            send(second, rig);
            send(third, rig);
            List<RiskSnapshot> risk = rig.until(rig.risk, RiskSnapshot.class,
                    r -> plan.failureCount() == victims.size() && Semantics.complete(r, flow));
            long doneMs = (System.nanoTime() - started) / 1_000_000;
            int signals = Semantics.assertExactlyOnce(risk, rig.all(rig.signals, RebalanceSignal.class),
                    rig.all(rig.rejected, RejectedRecord.class), flow);
            int restarts = BallastRig.restarts(cluster, job.getJobID());
            assertThat(restarts).as("one restart per injected failure").isEqualTo(victims.size());
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            List<Long> recoveries = new ArrayList<>();
            for (int i = 0; i < plan.failures.size(); i++) {
                long failedAt = plan.failures.get(i)[0];
                plan.reopened.stream().mapToLong(r -> r[0]).filter(t -> t >= failedAt).min()
                        .ifPresent(t -> recoveries.add(t - failedAt));
            }
            Collections.sort(recoveries);
            System.out.printf("random failures (seed %d) on trades %s: %d restarts, tasks back after %s ms; "
                            + "%d fills, %d duplicates, %d snapshots and %d signals exactly once; all committed %d ms after the start%n",
                    seed, victims, restarts, recoveries, flow.distinctCount(), flow.duplicateCount(), risk.size(),
                    signals, doneMs);
        } finally {
            BallastRig.cancel(job);
        }
    }

    /**
     * Stop with a savepoint while trades stream in, resume at another parallelism, go on: nothing
     * lost, nothing repeated, sequences and signal ids continue.
     */
    @Test
    void stopWithSavepointAndResumeAtAnotherParallelism(@InjectMiniCluster MiniCluster cluster) throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        TradeFlow flow = new TradeFlow(3, t0);
        send(flow.next(300, 15), rig);
        JobClient job = rig.start(rig.config(TradeFlow.DETERMINISTIC), 2, null);
        rig.until(rig.risk, RiskSnapshot.class, r -> r.size() >= 100);
        send(flow.next(200, 10), rig);
        long stopping = System.nanoTime();
        String savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        long stopMs = (System.nanoTime() - stopping) / 1_000_000;
        send(flow.next(200, 10), rig);

        long resuming = System.nanoTime();
        JobClient resumed = rig.start(rig.config(TradeFlow.DETERMINISTIC), 3, savepoint, new Configuration(),
                UnaryOperator.identity());
        try {
            List<RiskSnapshot> risk = rig.until(rig.risk, RiskSnapshot.class, r -> Semantics.complete(r, flow));
            long caughtUpMs = (System.nanoTime() - resuming) / 1_000_000;
            int signals = Semantics.assertExactlyOnce(risk, rig.all(rig.signals, RebalanceSignal.class),
                    rig.all(rig.rejected, RejectedRecord.class), flow);
            assertThat(BallastRig.restarts(cluster, resumed.getJobID())).isZero();
            System.out.printf("stop-with-savepoint at parallelism 2 took %d ms; resumed at 3, all committed %d ms after "
                    + "the submission; %d snapshots and %d signals exactly once%n", stopMs, caughtUpMs, risk.size(), signals);
        } finally {
            BallastRig.cancel(resumed);
        }
    }
}
