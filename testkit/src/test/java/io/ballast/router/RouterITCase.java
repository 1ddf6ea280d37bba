package io.ballast.router;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.job.IndependentBlack;
import io.ballast.testing.ContractSchemas;
import io.ballast.testing.PythonInterop;
import io.ballast.testing.Repository;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.avro.Schema;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The reference router of {@code examples/router-python} (Debian's Confluent Python client) against the real
 * job, broker and registry: it executes the job's DELTA_HEDGE signals, the job applies its fills (the pending
 * hedge clears, the book is flat), and a restarted router executes no signal twice: not after it died between
 * its ledger and its Kafka commit (it sends the recorded fill again), not after a restart in its consumer group
 * (the offsets were committed with the fills) and not when it reads every signal again in a new group (its
 * ledger).
 */
class RouterITCase {

    private static final double MILLIS_PER_YEAR = 31_536_000_000.0;
    private static final double S = 100_000;
    private static final double VOL = 0.6;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final Path dir = Path.of("target", "it-state", KafkaBrokerExtension.uniqueName("router")).toAbsolutePath();
    private final Instant t0 = TestRecords.now().minusSeconds(60);
    private final Instant expiry = t0.plusSeconds(30L * 86_400);

    static Path script() {
        return Repository.file("examples/router-python/router.py");
    }

    @Test
    void theBundledTradeSchemaIsTheContracts() throws Exception {
        Schema bundled = new Schema.Parser().parse(Repository.file("examples/router-python/trade.avsc").toFile());
        assertThat(bundled).isEqualTo(ContractSchemas.schema("Trade"));
    }

    @Test
    void theRouterExecutesEachSignalOnceAcrossRestartsAndTheJobAppliesItsFills() throws Exception {
        assumePythonRouterRuns();
        assertThat(script()).isRegularFile();
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        rig.limits("mm1", limits("mm1"));
        market(rig, t0);
        Path ledger = dir.resolve("router-state.sqlite");
        Instrument atm = TestRecords.option("BTC", S, expiry, OptionRight.CALL);
        String first = "mm1/BTC/DELTA_HEDGE/1";
        String second = "mm1/BTC/DELTA_HEDGE/2";

        JobClient job = rig.start(rig.config(), 1, null);
        try {
            rig.skewUntil(s -> !s.isEmpty());
            System.out.println(java.time.LocalTime.now() + " the job published its first smile");

            // 1. The router executes the hedge, records it in its ledger and dies before the Kafka transaction with
            //    the fill and the offsets commits: the fill is aborted.
            JsonNode executed;
            List<String> crashing = args(rig, "group-a", ledger);
            crashing.add("--test-crash-before-commit");
            try (RouterProcess router = RouterProcess.start("router-0", script(), dir, crashing)) {
                rig.trade(TestRecords.trade("sell-1", "mm1", atm, Side.SELL, 10, 7_800, t0.plusSeconds(1)));
                executed = router.await("executed", first, WAIT);
                assertThat(executed.get("side").asText()).isEqualTo("BUY");
                assertThat(executed.get("instrument").asText()).isEqualTo("BTC-PERP");
                router.await("crash", e -> e.path("event").asText().equals("crashing"), WAIT);
                assertThat(router.awaitExit(WAIT)).isEqualTo(3);
            }

            // 2. Restarted, it reads the signal again (its offset was not committed) and sends the recorded fill
            //    without a new order; the job applies it: no hedge pending, the book flat.
            RiskSnapshot flat;
            try (RouterProcess router = RouterProcess.start("router-1", script(), dir, args(rig, "group-a", ledger))) {
                JsonNode republished = router.await("republished", first, WAIT);
                assertThat(republished.get("tradeId").asText()).isEqualTo(executed.get("tradeId").asText());
                flat = firstRisk(rig, r -> r.getPositions() == 2 && r.getPendingHedge() == 0);
                System.out.println(java.time.LocalTime.now() + " flat after the first hedge: " + flat);
                assertThat(flat.getNetDelta()).isCloseTo(0, within(1e-4));
                assertThat(executed.get("quantity").asDouble()).isEqualTo(hedge(rig, first).getQuantity());
                assertThat(router.events("executed", first)).isEmpty();
                assertThat(router.stop(WAIT)).isZero();
            }

            // 3. Restarted in the same group: it resumes after the committed offsets, so it never reads the first
            //    signal again, and executes the next one.
            try (RouterProcess router = RouterProcess.start("router-2", script(), dir, args(rig, "group-a", ledger))) {
                router.await("assignment", e -> e.path("event").asText().equals("assigned"), WAIT);
                rig.trade(TestRecords.trade("sell-2", "mm1", atm, Side.SELL, 10, 7_800, t0.plusSeconds(2)));
                router.await("executed", second, WAIT);
                double gammaBefore = Math.abs(flat.getDollarGamma());
                RiskSnapshot flatAgain = firstRisk(rig, r -> r.getPendingHedge() == 0
                        && Math.abs(r.getDollarGamma()) > 1.5 * gammaBefore && Math.abs(r.getNetDelta()) < 1e-4);
                System.out.println(java.time.LocalTime.now() + " flat after the second hedge: " + flatAgain);
                assertThat(flatAgain.getSequence()).isGreaterThan(flat.getSequence());
                assertThat(router.events()).noneMatch(e -> e.path("signalId").asText().equals(first));
                assertThat(router.stop(WAIT)).isZero();
            }

            // 4. A new group reads every signal again: the ledger says both were executed, nothing is sent.
            try (RouterProcess router = RouterProcess.start("router-3", script(), dir, args(rig, "group-b", ledger))) {
                router.await("skipped", first, WAIT);
                router.await("skipped", second, WAIT);
                assertThat(router.events()).noneMatch(e -> e.path("event").asText().matches("executed|republished"));
                assertThat(router.stop(WAIT)).isZero();
            }

            // One committed fill per signal on the trades topic (the aborted one is not read), none rejected, no
            // hedge beyond the two.
            Map<String, Long> fills = rig.all(rig.trades, Trade.class).stream()
                    .filter(t -> t.getSignalId() != null)
                    .collect(Collectors.groupingBy(Trade::getSignalId, TreeMap::new, Collectors.counting()));
            assertThat(fills).isEqualTo(Map.of(first, 1L, second, 1L));
            assertThat(rig.all(rig.rejected, RejectedRecord.class)).isEmpty();
            assertThat(rig.all(rig.signals, RebalanceSignal.class)).filteredOn(s -> s.getType() == SignalType.DELTA_HEDGE)
                    .extracting(RebalanceSignal::getSignalId).containsExactly(first, second);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            BallastRig.cancel(job);
        }
    }

    /**
     * Debian's Python with Confluent's client (as {@link PythonInterop#assumeAvailable()}: skipped when missing,
     * failed when CI=true) and its sqlite3 module.
     */
    private static void assumePythonRouterRuns() {
        PythonInterop.assumeAvailable();
        PythonInterop.Result sqlite = PythonInterop.run(Duration.ofSeconds(30),
                List.of(PythonInterop.PYTHON.toString(), "-c", "import sqlite3"));
        String message = PythonInterop.PYTHON + " cannot import sqlite3 (Debian's python3 package has it): "
                + sqlite.stderr();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(sqlite.exitCode()).as("CI=true: %s", message).isZero();
        }
        Assumptions.assumeTrue(sqlite.exitCode() == 0, message);
    }

    private List<String> args(BallastRig rig, String group, Path ledger) {
        return new ArrayList<>(List.of(
                "--bootstrap", KAFKA.bootstrapServers(), "--registry", REGISTRY.url(),
                "--signals-topic", rig.signals, "--trades-topic", rig.trades,
                "--group", rig.signals + "-" + group, "--transactional-id", rig.txPrefix + "-router",
                "--state", ledger.toString(), "--fill-price", Double.toString(S)));
    }

    private static RebalanceSignal hedge(BallastRig rig, String signalId) {
        return rig.all(rig.signals, RebalanceSignal.class).stream().filter(s -> s.getSignalId().equals(signalId))
                .filter(s -> s.getType() == SignalType.DELTA_HEDGE).findFirst().orElseThrow();
    }

    private static RiskSnapshot firstRisk(BallastRig rig, java.util.function.Predicate<RiskSnapshot> condition) {
        return rig.riskUntil(r -> r.stream().anyMatch(condition)).stream().filter(condition).findFirst().orElseThrow();
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

    /** A perpetual quote around S and a chain of calls and puts at a flat VOL on the forward S. */
    private void market(BallastRig rig, Instant at) {
        rig.quote(TestRecords.quote(TestRecords.perp("BTC"), S - 0.5, S + 0.5, at));
        double tau = (expiry.toEpochMilli() - at.toEpochMilli()) / MILLIS_PER_YEAR;
        for (double k = 80_000; k <= 120_000; k += 5_000) {
            for (OptionRight right : OptionRight.values()) {
                Instrument o = TestRecords.option("BTC", k, expiry, right);
                double v = right == OptionRight.CALL ? IndependentBlack.call(S, k, tau, VOL) : IndependentBlack.put(S, k, tau, VOL);
                Quote q = TestRecords.quote(o, v * (1 - 1e-9), v * (1 + 1e-9), at);
                q.setUnderlyingPrice(S);
                rig.quote(q);
            }
        }
    }
}
