package io.ballast.stages;

import io.ballast.TestRecords;
import io.ballast.avro.Collateral;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.PortfolioInput;
import io.ballast.config.PipelineOptions;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.CollateralUpdate;
import io.ballast.domain.InventoryBook;
import io.ballast.domain.Limits;
import io.ballast.domain.LimitsUpdate;
import io.ballast.domain.PipelineSettings;
import io.ballast.domain.RecordedOutput;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The portfolio stage's plumbing: when it emits (fills and balances at once, market moves throttled to
 * {@code portfolio.interval} with one timer), its signals on the side output, its state through a snapshot
 * and restore (heap and RocksDB), and which limits it reads. The rules are {@code PortfolioBookTest}'s.
 */
class PortfolioFunctionTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final double S = 100_000;

    private final PipelineSettings settings = PipelineOptions.parse("--portfolio.interval", "1 s", "--portfolio.enabled", "true");
    private KeyedBroadcastOperatorTestHarness<String, PortfolioInput, BroadcastEvent, PortfolioRisk> harness;
    private PortfolioFunction function;

    /** One real inventory book (a long perp), and its summaries as the inventory stage would send them. */
    private final InventoryBook btc = InventoryBook.onHeap(settings);
    private final RecordedOutput sink = new RecordedOutput();

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(null, false);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedBroadcastOperatorTestHarness<String, PortfolioInput, BroadcastEvent, PortfolioRisk> newHarness(
            OperatorSubtaskState restored, boolean rocksDb) throws Exception {
        return newHarness(restored, rocksDb, settings);
    }

    private KeyedBroadcastOperatorTestHarness<String, PortfolioInput, BroadcastEvent, PortfolioRisk> newHarness(
            OperatorSubtaskState restored, boolean rocksDb, PipelineSettings settings) throws Exception {
        function = new PortfolioFunction(settings);
        KeyedBroadcastOperatorTestHarness<String, PortfolioInput, BroadcastEvent, PortfolioRisk> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(function, List.of(PortfolioFunction.PRICES, PortfolioFunction.LIMITS)),
                        PortfolioInput::getProviderId, Types.STRING, 128, 1, 0);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    private static MarketSnapshot market(long version, long asOf, double s) {
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(s).setMultiplier(1.0)
                .setEventTime(asOf).build());
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(asOf)
                .setReferencePrice(s).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(new HashMap<>()).setLinear(linear).setIngestMicros(0).build();
    }

    private RiskLimits limits() {
        return settings.defaultLimits();
    }

    /** A fill of {@code qty} BTC-PERP at S: its summary (fill = true). */
    private BookSummary fill(String id, double qty) {
        btc.applyFill(TestRecords.trade(id, "mm1", TestRecords.perp("BTC"), Side.BUY, qty, S, Instant.ofEpochMilli(T0)),
                market(1, T0, S), limits(), Limits.stamp(limits()), sink);
        return sink.summaries.get(sink.summaries.size() - 1);
    }

    /** A market move: the book's refresh summary (fill = false). */
    private BookSummary move(long version, double s) {
        btc.refresh(T0 + version, market(version, T0 + version, s), limits(), Limits.stamp(limits()), sink);
        return sink.summaries.get(sink.summaries.size() - 1);
    }

    private static PortfolioInput balance(String asset, double amount) {
        return PortfolioFunction.input(CollateralUpdate.of(new Collateral("mm1", "deribit", asset, amount,
                Instant.ofEpochMilli(T0)), 0));
    }

    private List<RebalanceSignal> signals() {
        return harness.getSideOutput(PortfolioFunction.SIGNALS) == null ? List.of()
                : harness.getSideOutput(PortfolioFunction.SIGNALS).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void fillsEmitAtOnceAndMarketMovesAtMostEveryIntervalWithOneTimer() throws Exception {
        harness.setProcessingTime(1_000);
        harness.processElement(PortfolioFunction.input(fill("t1", 2)), T0);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.setProcessingTime(1_200);
        harness.processElement(PortfolioFunction.input(move(2, S * 1.01)), T0);
        harness.setProcessingTime(1_500);
        harness.processElement(PortfolioFunction.input(move(3, S * 1.02)), T0);
        assertThat(harness.extractOutputValues()).as("held back").hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(2_000);
        List<PortfolioRisk> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).getSequence()).isEqualTo(2);
        // The held-back record is the latest move's: 2 BTC at +2% over the entry.
        assertThat(out.get(1).getUnrealizedPnl()).isCloseTo(2 * (S * 1.02 - S), within(1e-9));
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // Interval passed: the next move goes out at once.
        harness.setProcessingTime(3_100);
        harness.processElement(PortfolioFunction.input(move(4, S * 1.03)), T0);
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void withAFillIntervalChangesWithinItOfTheLastRecordWaitAndOneRecordCoversThem() throws Exception {
        harness.close();
        harness = newHarness(null, false, PipelineOptions.parse("--portfolio.interval", "1 s",
                "--portfolio.enabled", "true", "--portfolio.fill-interval", "100 ms"));
        harness.setProcessingTime(1_000);
        harness.processElement(PortfolioFunction.input(fill("t1", 2)), T0);
        assertThat(harness.extractOutputValues()).as("the first fill after a quiet spell: at once").hasSize(1);

        harness.setProcessingTime(1_030);
        harness.processElement(PortfolioFunction.input(fill("t2", 1)), T0);
        harness.setProcessingTime(1_060);
        harness.processElement(balance("USDC", 5_000), T0);
        harness.processElement(PortfolioFunction.input(move(2, S * 1.01)), T0);
        assertThat(harness.extractOutputValues()).as("within 100 ms of the last record: held").hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).as("one timer, at 1,100").isEqualTo(1);

        harness.setProcessingTime(1_099);
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.setProcessingTime(1_100);
        List<PortfolioRisk> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).getSequence()).isEqualTo(2);
        assertThat(out.get(1).getCollateralValue()).isEqualTo(5_000);
        assertThat(out.get(1).getUnrealizedPnl()).as("both fills, at the move's mark").isCloseTo(3 * (S * 1.01 - S), within(1e-9));
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.setProcessingTime(1_250);
        harness.processElement(PortfolioFunction.input(fill("t3", 1)), T0);
        assertThat(harness.extractOutputValues()).as("150 ms after the last record: at once").hasSize(3);
        harness.setProcessingTime(3_000);
        assertThat(harness.extractOutputValues()).as("nothing held, nothing more").hasSize(3);
        // A clock that went back (restored elsewhere) holds nothing back.
        harness.setProcessingTime(500);
        harness.processElement(PortfolioFunction.input(fill("t4", 1)), T0);
        assertThat(harness.extractOutputValues()).hasSize(4);
    }

    @Test
    void aBalanceEmitsAtOnceAndATimerAfterItEmitsNothingTwice() throws Exception {
        harness.setProcessingTime(1_000);
        harness.processElement(PortfolioFunction.input(fill("t1", 2)), T0);
        harness.setProcessingTime(1_200);
        harness.processElement(PortfolioFunction.input(move(2, S * 1.01)), T0); // held: timer at 2,000
        harness.setProcessingTime(1_300);
        harness.processElement(balance("USDC", 10_000), T0);
        List<PortfolioRisk> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).getCollateralValue()).isEqualTo(10_000);
        assertThat(out.get(1).getUnrealizedPnl()).as("it holds the held-back move too").isCloseTo(2 * (S * 1.01 - S), within(1e-9));
        harness.setProcessingTime(2_000);
        assertThat(harness.extractOutputValues()).as("nothing new since 1,300").hasSize(2);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void marginUsageSignalsGoToTheSideOutputOnceEachWithTheProvidersLimits() throws Exception {
        RiskLimits provider = RiskLimits.newBuilder(TestRecords.limits("mm1", null)).setMaxMarginUsage(0.5).build();
        RiskLimits book = RiskLimits.newBuilder(TestRecords.limits("mm1", "BTC")).setMaxMarginUsage(100.0).build();
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1", provider, 0)), T0);
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1/BTC", book, 1)), T0); // not read
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S)), T0);
        harness.setProcessingTime(1_000);
        // 2 BTC long: the worst cell is −30%: margin 60,000.
        harness.processElement(balance("USDC", 200_000), T0);
        harness.processElement(PortfolioFunction.input(fill("t1", 2)), T0);
        assertThat(harness.extractOutputValues().get(1).getMargin()).isCloseTo(60_000, within(1e-9));
        assertThat(signals()).isEmpty(); // 0.3 ≤ 0.5
        harness.processElement(balance("USDC", 100_000), T0); // 0.6 > 0.5
        harness.processElement(balance("USDC", 90_000), T0);  // still breached: no repeat
        harness.processElement(balance("USDC", 150_000), T0); // 0.4: cleared
        List<RebalanceSignal> s = signals();
        assertThat(s).extracting(RebalanceSignal::getStatus).containsExactly(SignalStatus.BREACH, SignalStatus.CLEARED);
        assertThat(s).extracting(RebalanceSignal::getType).containsOnly(SignalType.MARGIN_USAGE);
        assertThat(s).extracting(RebalanceSignal::getSignalId).containsExactly("mm1/*/MARGIN_USAGE/1", "mm1/*/MARGIN_USAGE/2");
        assertThat(s.get(0).getMarginUsage()).isCloseTo(0.6, within(1e-12));
        assertThat(function.worstUsage()).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void coinCollateralIsValuedAtTheBroadcastReferencePrice() throws Exception {
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, 50_000)), T0);
        harness.processElement(balance("BTC", 2), T0);
        PortfolioRisk r = harness.extractOutputValues().get(0);
        assertThat(r.getCollateralValue()).isEqualTo(100_000);
        assertThat(r.getDeltaUsd()).isEqualTo(100_000);
        assertThat(r.getMargin()).isCloseTo(30_000, within(1e-9)); // −30% of the coin
    }

    @ParameterizedTest(name = "rocksDb={0}")
    @ValueSource(booleans = {false, true})
    void stateSurvivesASnapshotAndSequencesContinue(boolean rocksDb) throws Exception {
        harness.close();
        harness = newHarness(null, rocksDb);
        RiskLimits provider = RiskLimits.newBuilder(TestRecords.limits("mm1", null)).setMaxMarginUsage(0.5).build();
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1", provider, 0)), T0);
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S)), T0);
        harness.setProcessingTime(1_000);
        harness.processElement(PortfolioFunction.input(fill("t1", 2)), T0);
        harness.processElement(balance("USDC", 100_000), T0); // usage 0.6: breach 1
        harness.processElement(balance("USDT", 1), T0);
        OperatorSubtaskState state = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness(state, rocksDb);
        harness.setProcessingTime(5_000);
        harness.processElement(balance("USDC", 200_000), T0); // usage 60,000 / 200,001: cleared
        PortfolioRisk r = harness.extractOutputValues().get(0);
        assertThat(r.getSequence()).isEqualTo(4);
        assertThat(r.getCollateralValue()).isEqualTo(200_001);
        assertThat(r.getMargin()).isCloseTo(60_000, within(1e-9));
        assertThat(signals()).singleElement().satisfies(s -> {
            assertThat(s.getStatus()).isEqualTo(SignalStatus.CLEARED);
            assertThat(s.getSignalId()).isEqualTo("mm1/*/MARGIN_USAGE/2");
        });
        // A tombstone removes its balance.
        harness.processElement(PortfolioFunction.input(CollateralUpdate.deletion("mm1/deribit/USDT", 9)), T0);
        assertThat(harness.extractOutputValues().get(1).getCollateralValue()).isEqualTo(200_000);
        assertThat(harness.extractOutputValues().get(1).getSequence()).isEqualTo(5);
    }
}
