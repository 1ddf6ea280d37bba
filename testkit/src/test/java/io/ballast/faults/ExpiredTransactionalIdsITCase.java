package io.ballast.faults;

import io.ballast.testkit.Await;
import io.ballast.TestRecords;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.config.BallastConfig;
import io.ballast.kafka.TolerantKafkaSink;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testing.LogCapture;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A savepoint restored after the broker has forgotten the transactional ids it names.
 *
 * <p>Stop-with-savepoint commits the sink's last transactions, but the savepoint still holds them as
 * committables, and a restore commits them again: a no-op while the broker remembers the ids. Once it
 * has expired them ({@code transactional.id.expiration.ms}, 7 days by default: any savepoint older
 * than a week, or one restored against another Kafka cluster), that commit fails with
 * {@code InvalidPidMappingException}. With flink-connector-kafka 5.0.0-2.2 alone, the task then fails,
 * restores the same committables and fails again: with a bounded restart strategy the job ends FAILED
 * after its attempts, with Flink's default (exponential delay, no limit) it loops for ever. Ballast's
 * sinks ({@link TolerantKafkaSink}) skip such a transaction with an error in the log, and the job runs.
 */
class ExpiredTransactionalIdsITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.builder()
            // Long enough for a running job (it takes a new transactional id at every checkpoint, so no id
            // of a running job is idle for long), short enough for the test to wait for.
            .brokerProperty("transactional.id.expiration.ms", 5_000)
            .brokerProperty("transaction.remove.expired.transaction.cleanup.interval.ms", 500)
            .brokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", 500)
            .build();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void aSavepointWhoseTransactionsTheBrokerForgotRestoresWithoutARestartLoop(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        TradeFlow flow = new TradeFlow(11, TestRecords.now().minusSeconds(120));
        BallastConfig config = rig.config(TradeFlow.DETERMINISTIC);

        JobClient first = rig.start(config, 2, null);
        // Input only once a checkpoint has given every sink a fresh transactional id (one per checkpoint):
        // no id of the running job sits idle longer than the broker's short expiration.
        awaitCheckpoint(cluster, first);
        rig.send(TradeFlow.records(rig, flow.next(100, 5)));
        rig.until(rig.risk, RiskSnapshot.class, r -> r.size() >= 20);
        // Trades keep coming while the savepoint is taken, so its transactions have records: the
        // savepoint holds committables, which a restore commits again.
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            while (sending.get()) {
                rig.send(TradeFlow.records(rig, flow.next(10, 1)));
            }
        }, "trades-while-stopping");
        sender.start();
        String savepoint;
        try {
            rig.until(rig.risk, RiskSnapshot.class, r -> r.size() >= 150);
            savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        } finally {
            sending.set(false);
            sender.join(30_000);
        }
        Await.until(Duration.ofSeconds(60), "the job to stop", () -> isTerminal(first));

        long forgetting = System.nanoTime();
        Await.until(Duration.ofSeconds(60), "the broker to expire the job's transactional ids",
                () -> transactionalIds(rig.txPrefix).isEmpty());
        long forgotMs = (System.nanoTime() - forgetting) / 1_000_000;

        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "fixed-delay");
        flink.setString("restart-strategy.fixed-delay.attempts", "3");
        flink.setString("restart-strategy.fixed-delay.delay", "200 ms");
        try (LogCapture log = LogCapture.of(TolerantKafkaSink.class)) {
            long restoring = System.nanoTime();
            JobClient second = rig.start(config, 2, savepoint, flink, UnaryOperator.identity());
            try {
                // The restore commits the savepoint's transactions again, before the first checkpoint.
                Await.until(Duration.ofSeconds(60), "a checkpoint of the restored job, or its end",
                        () -> BallastRig.completedCheckpoints(cluster, second.getJobID()) > 0 || isTerminal(second));
                rig.send(TradeFlow.records(rig, flow.next(150, 10)));
                List<RiskSnapshot> risk = rig.until(rig.risk, RiskSnapshot.class,
                        r -> Semantics.complete(r, flow) || isTerminal(second), Duration.ofSeconds(60));
                long caughtUpMs = (System.nanoTime() - restoring) / 1_000_000;
                int restarts = BallastRig.restarts(cluster, second.getJobID());
                JobStatus status = second.getJobStatus().get(10, TimeUnit.SECONDS);
                long skipped = log.messages().stream().filter(m -> m.startsWith("ERROR")).count();
                System.out.printf("expired transactional ids: forgotten %d ms after the stop; restored job %s after %d "
                                + "restart(s), %d forgotten transaction(s) skipped, caught up %d ms after submission%n",
                        forgotMs, status, restarts, skipped, caughtUpMs);
                assertThat(skipped).as("committables of the savepoint whose ids the broker forgot").isPositive();
                assertThat(status).as("the restored job runs").isEqualTo(JobStatus.RUNNING);
                assertThat(restarts).as("restarts of the restored job").isZero();
                int signals = Semantics.assertExactlyOnce(risk, rig.all(rig.signals, RebalanceSignal.class),
                        rig.all(rig.rejected, RejectedRecord.class), flow);
                assertThat(signals).isPositive();
            } finally {
                BallastRig.cancel(second);
            }
        }
    }

    private static void awaitCheckpoint(MiniCluster cluster, JobClient job) {
        Await.until(Duration.ofSeconds(60), "a completed checkpoint",
                () -> BallastRig.completedCheckpoints(cluster, job.getJobID()) > 0);
    }

    private static boolean isTerminal(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (Exception e) {
            return true;
        }
    }

    private static List<String> transactionalIds(String prefix) {
        try {
            return KAFKA.adminClient().listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).filter(id -> id.startsWith(prefix))
                    .collect(Collectors.toList());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list the broker's transactions", e);
        }
    }
}
