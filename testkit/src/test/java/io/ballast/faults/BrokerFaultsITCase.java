package io.ballast.faults;

import io.ballast.testkit.Await;
import io.ballast.TestRecords;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.config.BallastConfig;
import io.ballast.config.ConfigException;
import io.ballast.job.BallastJob;
import io.ballast.kafka.KafkaIo;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker itself misbehaving: stopped and started again under a running exactly-once job, and a
 * transaction maximum below what the job asks for. A broker of its own (the registry stays up).
 */
class BrokerFaultsITCase {

    private static final long BROKER_MAX_TRANSACTION_TIMEOUT_MS = 120_000;
    /** How long the broker stays away: the outage under test, not a wait for something to happen. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.builder()
            .brokerProperty("transaction.max.timeout.ms", BROKER_MAX_TRANSACTION_TIMEOUT_MS)
            // A restarted broker may register again only once its old session has expired.
            .brokerProperty("broker.session.timeout.ms", 2_000)
            .brokerProperty("broker.heartbeat.interval.ms", 500)
            .build();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void aTransactionTimeoutAboveTheBrokersMaximumIsRefusedAtStartNamingBothValues() {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 1);
        BallastConfig tooLong = rig.config(); // the default, 10 min
        assertThatThrownBy(() -> KafkaIo.checkCluster(tooLong, BallastJob.topics(tooLong)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--sink.transaction-timeout")
                .hasMessageContaining("600000 ms")
                .hasMessageContaining("transaction.max.timeout.ms = " + BROKER_MAX_TRANSACTION_TIMEOUT_MS + " ms");

        BallastConfig passedThrough = rig.config("--sink.transaction-timeout", "1 min",
                "--kafka.transaction.timeout.ms", "900000");
        assertThatThrownBy(() -> KafkaIo.checkCluster(passedThrough, BallastJob.topics(passedThrough)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("900000 ms")
                .hasMessageContaining(Long.toString(BROKER_MAX_TRANSACTION_TIMEOUT_MS));

        BallastConfig fits = rig.config("--sink.transaction-timeout", "2 min");
        KafkaIo.checkCluster(fits, BallastJob.topics(fits));
        BallastConfig atLeastOnce = rig.config("--delivery.guarantee", "at-least-once");
        KafkaIo.checkCluster(atLeastOnce, BallastJob.topics(atLeastOnce)); // no transactions, nothing to check
        System.out.println("transaction timeout check: " + catchMessage(tooLong));
    }

    private static String catchMessage(BallastConfig config) {
        try {
            KafkaIo.checkCluster(config, BallastJob.topics(config));
            return "(accepted)";
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    /**
     * The broker goes away for {@link #OUTAGE} while trades stream through an exactly-once job, then
     * comes back on the same address with its data: the job recovers by itself (the restart strategy
     * allows it), and the committed output is complete and exactly once.
     */
    @Test
    void theBrokerStoppedAndRestartedMidRunLosesAndRepeatsNothing(@InjectMiniCluster MiniCluster cluster) throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        TradeFlow flow = new TradeFlow(5, TestRecords.now().minusSeconds(600));
        rig.send(TradeFlow.records(rig, flow.next(300, 15)));
        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "fixed-delay");
        flink.setString("restart-strategy.fixed-delay.attempts", "30");
        flink.setString("restart-strategy.fixed-delay.delay", "1 s");
        BallastConfig config = rig.config(TradeFlow.options("--sink.transaction-timeout", "1 min"));
        JobClient job = rig.start(config, 2, null, flink, UnaryOperator.identity());
        try {
            rig.until(rig.risk, RiskSnapshot.class, r -> r.size() >= 100);
            rig.send(TradeFlow.records(rig, flow.next(300, 15))); // in flight when the broker goes

            KAFKA.stopBroker();
            long down = System.nanoTime();
            Await.until(OUTAGE.plusSeconds(5), "the outage to last " + OUTAGE,
                    () -> System.nanoTime() - down >= OUTAGE.toNanos());
            JobStatus during = job.getJobStatus().get(10, TimeUnit.SECONDS);
            KAFKA.startBroker();
            long back = System.nanoTime();
            long outageMs = (back - down) / 1_000_000;

            rig.send(TradeFlow.records(rig, flow.next(300, 15)));
            List<RiskSnapshot> risk = rig.until(rig.risk, RiskSnapshot.class, r -> Semantics.complete(r, flow),
                    Duration.ofSeconds(120));
            long recoveredMs = (System.nanoTime() - back) / 1_000_000;
            int signals = Semantics.assertExactlyOnce(risk, rig.all(rig.signals, RebalanceSignal.class),
                    rig.all(rig.rejected, RejectedRecord.class), flow);
            int restarts = BallastRig.restarts(cluster, job.getJobID());
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            System.out.printf("broker outage of %d ms (job %s during it): %d restart(s); all output committed %d ms after "
                            + "the broker was back; %d fills, %d duplicates, %d snapshots and %d signals exactly once%n",
                    outageMs, during, restarts, recoveredMs, flow.distinctCount(), flow.duplicateCount(), risk.size(), signals);
        } finally {
            BallastRig.cancel(job);
        }
    }
}
