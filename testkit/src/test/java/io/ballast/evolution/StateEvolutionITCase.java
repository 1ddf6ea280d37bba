package io.ballast.evolution;

import io.ballast.TestRecords;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.Position;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed savepoint fixture ({@code src/test/resources/savepoints/ballast-v1}, written by
 * {@link WriteStateFixtureITCase}) restored by today's job: as is, after a compatible change of the
 * state types, and after an incompatible one. Each test has a broker of its own, with the fixture's
 * topics and input put back at the offsets the savepoint remembers.
 */
class StateEvolutionITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    /**
     * The fixture (0.1.0: positions keyed by symbol, fills on {@code DERIBIT}) restored by today's job with the
     * default {@code --defaults.venue}, {@code DERIBIT}: the old positions are adopted as {@code DERIBIT:symbol},
     * so the fills after the restore (on {@code DERIBIT}) add to them (one position per linear book, not two),
     * and a fill of the same symbol on {@code OKX} opens a second position whose quantity adds to netDelta.
     */
    @Test
    void theFixtureRestoresAtAnotherParallelismAndCarriesOn(@InjectMiniCluster MiniCluster cluster) throws Exception {
        FixtureFacts facts = FixtureFacts.load();
        try (KafkaBrokerExtension broker = KafkaBrokerExtension.builder().build()) {
            broker.start();
            BallastRig rig = new BallastRig(broker, REGISTRY.url(), dir.resolve("checkpoints"), 2, StateFixture.PREFIX);
            Continuation continuation = new Continuation(rig, facts);
            continuation.sendInput();
            JobClient job = rig.start(rig.config(StateFixture.jobArgs()), 1, facts.savepoint().toUri().toString());
            try {
                String summary = continuation.awaitAndCheck();
                Map<String, BigDecimal> expected = continuation.expectedPositions();
                List<RiskSnapshot> risk = rig.all(rig.risk, RiskSnapshot.class);
                for (String key : StateFixture.LINEAR_KEYS) {
                    assertThat(Continuation.last(risk, key).getPositions()).as("positions of %s: the old one, adopted by "
                            + "DERIBIT, and the new DERIBIT fills are one", key)
                            .isEqualTo(expected.get(key).signum() == 0 ? 0 : 1);
                }
                String key = "mm2/BTC";
                assertThat(expected.get(key).signum()).isNotZero();
                Trade okx = TestRecords.trade("okx-1", "mm2", TestRecords.perp("BTC"), Side.BUY, 0.25, StateFixture.S,
                        StateFixture.T0.plusSeconds(700));
                okx.setVenue("OKX");
                rig.send(StateFixture.records(rig, List.of(okx)));
                double withOkx = expected.get(key).add(new BigDecimal("0.25")).doubleValue();
                RiskSnapshot after = Continuation.last(rig.until(rig.risk, RiskSnapshot.class, r -> {
                    RiskSnapshot l = Continuation.last(r, key);
                    return l != null && l.getNetDelta() == withOkx;
                }), key);
                assertThat(after.getPositions()).as("the OKX fill is a position of its own").isEqualTo(2);
                assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
                assertThat(BallastRig.restarts(cluster, job.getJobID())).isZero();
                System.out.println("fixture restored by the current code at parallelism 1: " + summary);
            } finally {
                BallastRig.cancel(job);
            }
        }
    }

    /**
     * The next release's state types differ compatibly (Avro schema evolution: fields added with
     * defaults to the keyed value state {@code InventoryMeta} and the map state values {@code Position} and
     * {@code PendingHedge}):
     * the job restores the fixture, migrates that state, and carries on.
     */
    @Test
    void theFixtureRestoresAfterACompatibleChangeOfTheStateTypes() throws Exception {
        FixtureFacts facts = FixtureFacts.load();
        EvolvedStateTypes next = new EvolvedStateTypes()
                .addField(InventoryMeta.getClassSchema(), "hedgesFilled", "long", 0)
                .addField(Position.getClassSchema(), "lastVenue", "string", "")
                .addField(PendingHedge.getClassSchema(), "routedBy", "string", "");
        Path classes = next.compile(dir.resolve("evolved"), ChildJobRun.testClasspath());
        try (KafkaBrokerExtension broker = KafkaBrokerExtension.builder().build()) {
            broker.start();
            BallastRig rig = new BallastRig(broker, REGISTRY.url(), dir.resolve("checkpoints"), 2, StateFixture.PREFIX);
            Continuation continuation = new Continuation(rig, facts);
            continuation.sendInput();
            try (ChildJobRun child = ChildJobRun.start("compatible-change", classes, facts.savepoint().toUri().toString(), 1,
                    rig.args(StateFixture.jobArgs()))) {
                assertThat(child.await(Duration.ofSeconds(60), "its state types", l -> l.startsWith("types ")))
                        .as("the child runs with the changed types")
                        .isEqualTo("types InventoryMeta=" + (InventoryMeta.getClassSchema().getFields().size() + 1)
                                + " Position=" + (Position.getClassSchema().getFields().size() + 1));
                String summary = continuation.awaitAndCheck();
                assertThat(child.lastStatus()).isEqualTo("status=RUNNING restarts=0");
                System.out.println("fixture restored after " + next.descriptions() + ": " + summary);
            }
        }
    }

    /**
     * The next release's state type changed incompatibly (a field retyped from long to string): the
     * restore fails at once, without restarting, and says which state and which field changed how.
     */
    @Test
    void anIncompatibleChangeOfAStateTypeFailsFastSayingWhatChanged() throws Exception {
        FixtureFacts facts = FixtureFacts.load();
        EvolvedStateTypes next = new EvolvedStateTypes().retype(InventoryMeta.getClassSchema(), "signalSequence", "string");
        Path classes = next.compile(dir.resolve("evolved"), ChildJobRun.testClasspath());
        try (KafkaBrokerExtension broker = KafkaBrokerExtension.builder().build()) {
            broker.start();
            BallastRig rig = new BallastRig(broker, REGISTRY.url(), dir.resolve("checkpoints"), 2, StateFixture.PREFIX);
            long started = System.nanoTime();
            try (ChildJobRun child = ChildJobRun.start("incompatible-change", classes, facts.savepoint().toUri().toString(), 2,
                    rig.args(StateFixture.jobArgs()))) {
                child.await(Duration.ofSeconds(90), "the end of the job", l -> l.equals("done"));
                long endedMs = (System.nanoTime() - started) / 1_000_000;
                long failedMs = child.millisBetween("submitted", "status=FAILED");
                String failure = child.failure();
                List<String> statuses = child.lines().stream().filter(l -> l.startsWith("status=")).toList();
                System.out.printf("incompatible change (%s): the restored job FAILED %d ms after its submission (%d ms "
                        + "after the child JVM started); statuses %s; failure:%n%s%n", next.descriptions(), failedMs, endedMs,
                        statuses,
                        failure.lines().filter(l -> !l.trim().startsWith("at ")).collect(Collectors.joining("\n")));
                assertThat(statuses).as("no restart").allMatch(l -> !l.contains("RESTARTING") && !l.matches(".*restarts=[1-9].*"));
                assertThat(child.lastStatus()).isEqualTo("status=FAILED");
                assertThat(failure).contains("inventory").contains("meta").contains("InventoryMeta")
                        .contains("signalSequence").contains("long").contains("string");
            }
        }
    }
}
