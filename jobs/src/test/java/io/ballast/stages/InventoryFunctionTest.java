package io.ballast.stages;

import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.config.PipelineOptions;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.PipelineSettings;
import io.ballast.job.BallastPipeline;
import io.ballast.domain.LimitsUpdate;
import io.ballast.kafka.Rejection;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InventoryFunctionTest {

    /** ACT/365 in milliseconds, as the contract writes it. */
    private static final double MILLIS_PER_YEAR = 31_536_000_000.0;

    private static final long T0 = 1_800_000_000_000L; // 2027-01-15
    private static final Instant EXPIRY = Instant.ofEpochMilli(T0 + 30L * 86_400_000);
    private static final double S = 100_000;
    private static final double VOL = 0.6;

    private final PipelineSettings settings = PipelineOptions.parse(
            "--inventory.refresh-interval", "1 s", "--portfolio.enabled", "true",
            "--defaults.delta-band", "1.0", "--defaults.hedge-timeout", "10 s", "--defaults.min-hedge-quantity", "0.01");

    private KeyedBroadcastOperatorTestHarness<String, SourcedTrade, BroadcastEvent, RiskSnapshot> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedBroadcastOperatorTestHarness<String, SourcedTrade, BroadcastEvent, RiskSnapshot> newHarness(
            OperatorSubtaskState restored) throws Exception {
        return newHarness(restored, settings);
    }

    private KeyedBroadcastOperatorTestHarness<String, SourcedTrade, BroadcastEvent, RiskSnapshot> newHarness(
            OperatorSubtaskState restored, PipelineSettings settings) throws Exception {
        return newHarness(restored, settings, false);
    }

    private KeyedBroadcastOperatorTestHarness<String, SourcedTrade, BroadcastEvent, RiskSnapshot> newHarness(
            OperatorSubtaskState restored, PipelineSettings settings, boolean rocksDb) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, SourcedTrade, BroadcastEvent, RiskSnapshot> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(new InventoryFunction(settings),
                                List.of(InventoryFunction.MARKET, InventoryFunction.LIMITS)),
                        BallastPipeline::inventoryKey, Types.STRING, 128, 1, 0);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    // ------------------------------------------------------------------------------- fixtures

    private static Instrument atmCall() {
        return TestRecords.option("BTC", S, EXPIRY, OptionRight.CALL);
    }

    private static MarketSnapshot market(long version, long asOf, double s, double vol) {
        Map<String, OptionIv> options = new HashMap<>();
        options.put(atmCall().getSymbol(), OptionIv.newBuilder().setIv(vol).setForward(s).setMid(null).build());
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(s).setMultiplier(1.0)
                .setEventTime(asOf).build());
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(asOf)
                .setReferencePrice(s).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(options).setLinear(linear).setIngestMicros(0).build();
    }

    private SourcedTrade fill(String id, Instrument instrument, Side side, double qty, long time, String signalId) {
        Trade t = TestRecords.trade(id, "mm1", instrument, side, qty, 2500, Instant.ofEpochMilli(time));
        t.setSignalId(signalId);
        return sourced(t);
    }

    /** A trade as the source hands it on: keyed by its provider, at the next offset. */
    private SourcedTrade sourced(Trade t) {
        return SourcedTrade.newBuilder().setTrade(t).setTopic("trades").setPartition(0).setOffset(offset++)
                .setKafkaTimestamp(t.getEventTime().toEpochMilli())
                .setKey(ByteBuffer.wrap(t.getProviderId().getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
    }

    /** Delta of a Black-76 call, computed here from the normal CDF (not with the library under test). */
    private static double callDelta(double f, double k, double tau, double vol) {
        double d1 = (Math.log(f / k) + 0.5 * vol * vol * tau) / (vol * Math.sqrt(tau));
        return 0.5 * Erfc.value(-d1 / Math.sqrt(2));
    }

    /**
     * Moves event time on both inputs (the operator's watermark is the smaller of the two) and the
     * wall clock by one refresh interval, so that the refresh timers fire.
     */
    private void advance(long watermark) throws Exception {
        harness.processWatermark(watermark);
        harness.processBroadcastWatermark(watermark);
        wallClock += 1_000;
        harness.setProcessingTime(wallClock);
    }

    private long wallClock;

    /** Entries in keyed state (the same state names over all keys). */
    private int keyedStateEntries() {
        return ((org.apache.flink.runtime.state.TestableKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private List<RebalanceSignal> signals() {
        return harness.getSideOutput(InventoryFunction.SIGNALS) == null ? List.of()
                : harness.getSideOutput(InventoryFunction.SIGNALS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    // ---------------------------------------------------------------------------------- tests

    private List<io.ballast.avro.internal.BookSummary> summaries() {
        return harness.getSideOutput(InventoryFunction.SUMMARIES) == null ? List.of()
                : harness.getSideOutput(InventoryFunction.SUMMARIES).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void everyMarkSendsTheBooksSummaryWithAColumnOnFillsAndAtMostEveryScenarioInterval() throws Exception {
        harness.close();
        harness = newHarness(null, settings.toBuilder().scenarioIntervalMs(1_500).build());
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        harness.processElement(fill("t1", atmCall(), Side.SELL, 10, T0, null), T0);
        assertThat(summaries()).singleElement().satisfies(x -> {
            assertThat(x.getFill()).isTrue();
            assertThat(x.getProviderId()).isEqualTo("mm1");
            assertThat(x.getUnderlying()).isEqualTo("BTC");
            assertThat(column(x)).hasSize(27);
            assertThat(x.getReferencePrice()).isEqualTo(S);
            assertThat(entries(x)).isEqualTo(1);
        });
        // A market move, marked a second later (wall clock): a summary, no new set (scenario interval 1.5 s).
        harness.processBroadcastElement(BroadcastEvent.of(market(2, T0 + 500, S * 1.001, VOL)), T0 + 500);
        advance(T0 + 500);
        // A fill in between: not rebuilt, the fill goes out alone for the portfolio to add to the set it holds.
        harness.processElement(fill("t2", atmCall(), Side.BUY, 4, T0 + 600, null), T0 + 600);
        // Another move, marked at 2 s: the set is rebuilt from the positions (one: -6 calls).
        harness.processBroadcastElement(BroadcastEvent.of(market(3, T0 + 1_500, S * 1.002, VOL)), T0 + 1_500);
        advance(T0 + 1_500);
        List<io.ballast.avro.internal.BookSummary> out = summaries();
        assertThat(out).hasSize(4);
        assertThat(out.get(1).getFill()).isFalse();
        assertThat(out.get(1).getScenarioSet()).isNull();
        assertThat(out.get(1).getScenarioFills()).isNull();
        assertThat(out.get(1).getExplainTo()).isEqualTo(T0 + 500);
        assertThat(out.get(2).getFill()).isTrue();
        assertThat(out.get(2).getScenarioSet()).as("not rebuilt").isNull();
        assertThat(out.get(2).getColumnAsOf()).isEqualTo(T0);
        // The fill alone, in the fill form: +4 calls at the mark of the fill, which added to the first set
        // gives the set of the position held then (-6 calls at that mark) up to the first entry's older mark.
        byte[] fillForm = new byte[out.get(2).getScenarioFills().remaining()];
        out.get(2).getScenarioFills().duplicate().get(fillForm);
        assertThat(io.ballast.domain.ScenarioSet.fillCount(fillForm)).isEqualTo(1);
        io.ballast.domain.ScenarioSet held = set(out.get(0));
        assertThat(held.addFills(fillForm, 0)).isTrue();
        assertThat(held.entries()).isEqualTo(2);
        double units = java.nio.ByteBuffer.wrap(fillForm).getDouble(3 * Double.BYTES);
        assertThat(units).isEqualTo(4.0);
        assertThat(column(out.get(3))).hasSize(27);
        assertThat(out.get(3).getColumnAsOf()).isEqualTo(T0 + 1_500);
        assertThat(entries(out.get(3))).isEqualTo(1);
    }

    /** The revaluation entries of a summary's scenario set. */
    private int entries(io.ballast.avro.internal.BookSummary x) {
        return set(x).entries();
    }

    private double[] column(io.ballast.avro.internal.BookSummary x) {
        return set(x).column().cells();
    }

    private io.ballast.domain.ScenarioSet set(io.ballast.avro.internal.BookSummary x) {
        java.nio.ByteBuffer wire = x.getScenarioSet();
        byte[] bytes = new byte[wire.remaining()];
        wire.duplicate().get(bytes);
        return io.ballast.domain.ScenarioSet.decode(bytes, settings.scenarioAxes(), settings.liquidationSearch());
    }

    @Test
    void withThePortfolioOffNoSummaryIsSent() throws Exception {
        harness.close();
        harness = newHarness(null, settings.toBuilder().portfolioEnabled(false).build());
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        harness.processElement(fill("t1", atmCall(), Side.SELL, 10, T0, null), T0);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(summaries()).isEmpty();
    }

    @Test
    void sellingCallsSignalsAHedgeOfMinusTheBooksDeltaAndItsFillClearsIt() throws Exception {
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        harness.processElement(fill("t1", atmCall(), Side.SELL, 10, T0, null), T0);

        double tau = (EXPIRY.toEpochMilli() - T0) / MILLIS_PER_YEAR;
        double bookDelta = -10 * callDelta(S, S, tau, VOL);
        RiskSnapshot risk = harness.extractOutputValues().get(0);
        assertThat(risk.getNetDelta()).isCloseTo(bookDelta, within(1e-12));
        assertThat(risk.getSequence()).isEqualTo(1);
        assertThat(risk.getPositions()).isEqualTo(1);
        assertThat(risk.getUnpricedPositions()).isZero();
        assertThat(risk.getPendingHedge()).isZero();

        List<RebalanceSignal> s = signals();
        assertThat(s).hasSize(1);
        RebalanceSignal hedge = s.get(0);
        assertThat(hedge.getType()).isEqualTo(SignalType.DELTA_HEDGE);
        assertThat(hedge.getStatus()).isEqualTo(SignalStatus.ACTION);
        assertThat(hedge.getSignalId()).isEqualTo("mm1/BTC/DELTA_HEDGE/1");
        assertThat(hedge.getInstrument()).isEqualTo("BTC-PERP");
        assertThat(hedge.getSide()).isEqualTo(Side.BUY);
        assertThat(hedge.getQuantity()).isCloseTo(-bookDelta, within(1e-12));
        assertThat(hedge.getNetDelta()).isCloseTo(bookDelta, within(1e-12));
        assertThat(hedge.getThreshold()).isEqualTo(1.0);

        // The router fills it in two parts; no second hedge in between or after.
        double q = hedge.getQuantity();
        harness.processElement(fill("h1", TestRecords.perp("BTC"), Side.BUY, q / 2, T0 + 10, hedge.getSignalId()), T0 + 10);
        RiskSnapshot half = harness.extractOutputValues().get(1);
        assertThat(half.getPendingHedge()).isCloseTo(q / 2, within(1e-9));
        // 10 ms of time decay moved the calls' delta by ~1e-9: flat to 1e-7, not to the last bit.
        assertThat(half.getNetDelta() + half.getPendingHedge()).isCloseTo(0, within(1e-7));
        harness.processElement(fill("h2", TestRecords.perp("BTC"), Side.BUY, q / 2, T0 + 20, hedge.getSignalId()), T0 + 20);
        RiskSnapshot done = harness.extractOutputValues().get(2);
        assertThat(done.getPendingHedge()).isZero();
        assertThat(done.getNetDelta()).isCloseTo(0, within(1e-7));
        advance(T0 + 60_000);
        assertThat(signals()).hasSize(1);
    }

    @Test
    void aHedgeFilledToWithinRoundingIsNoLongerPending() throws Exception {
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.SELL, 0.3, T0, null), T0);
        harness.processElement(fill("t2", TestRecords.perp("BTC"), Side.SELL, 0.6, T0 + 1, null), T0 + 1);
        harness.processElement(fill("t3", TestRecords.perp("BTC"), Side.SELL, 0.2, T0 + 2, null), T0 + 2);
        RebalanceSignal hedge = signals().get(0);
        assertThat(hedge.getQuantity()).isEqualTo(1.1); // the exact sum, rounded once (0.3 + 0.6 + 0.2 in doubles is 1.0999999999999999)
        double routersSum = 0.3 + 0.6 + 0.2; // a router adding in doubles
        harness.processElement(fill("h", TestRecords.perp("BTC"), Side.BUY, routersSum, T0 + 3, hedge.getSignalId()), T0 + 3);
        List<RiskSnapshot> out = harness.extractOutputValues();
        assertThat(out.get(out.size() - 1).getPendingHedge()).isZero();
        assertThat(out.get(out.size() - 1).getNetDelta()).isCloseTo(0, within(1e-15)); // the true, exact residual
    }

    @Test
    void aRepeatedTradeIdIsAppliedOnceAndRejectedWithItsBytes() throws Exception {
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.BUY, 0.5, T0, null), T0);
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.BUY, 0.5, T0 + 1, null), T0 + 1);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.extractOutputValues().get(0).getNetDelta()).isEqualTo(0.5);
        List<Rejection> dups = harness.getSideOutput(InventoryFunction.REJECTED).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        assertThat(dups).hasSize(1);
        assertThat(dups.get(0).getRecord().getReason()).isEqualTo("DUPLICATE_TRADE");
        assertThat(dups.get(0).getRecord().getOffset()).isEqualTo(1);
        assertThat(dups.get(0).getKey()).isEqualTo("mm1".getBytes(StandardCharsets.UTF_8));
        assertThat(dups.get(0).getRecord().getPayload()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    @Test
    void anUnfilledHedgeStopsCountingAfterItsTimeoutAndIsSignalledAgain() throws Exception {
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.SELL, 3, T0, null), T0);
        assertThat(signals()).hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        advance(T0 + 5_000);
        assertThat(signals()).hasSize(1); // still pending
        advance(T0 + 10_000);
        List<RebalanceSignal> s = signals();
        assertThat(s).hasSize(2);
        assertThat(s.get(1).getSignalId()).isEqualTo("mm1/BTC/DELTA_HEDGE/2");
        assertThat(s.get(1).getQuantity()).isEqualTo(3.0);
        // The new hedge has a timeout of its own, counted from when it was decided: not signalled again at
        // the next refreshes (no fill came in the meantime, so the key's last fill is still at T0).
        advance(T0 + 11_000);
        advance(T0 + 15_000);
        assertThat(signals()).hasSize(2);
        advance(T0 + 20_000);
        assertThat(signals()).hasSize(3);
        assertThat(signals().get(2).getSignalId()).isEqualTo("mm1/BTC/DELTA_HEDGE/3");
    }

    @Test
    void gammaLimitBreachesOnceAndClearsOnce() throws Exception {
        RiskLimits limits = TestRecords.limits("mm1", "BTC");
        limits.setDeltaBand(1e9); // no hedges in this test
        limits.setVegaLimit(null);
        double tau = (EXPIRY.toEpochMilli() - T0) / MILLIS_PER_YEAR;
        double gammaPerContract = Math.exp(-0.5 * Math.pow(0.5 * VOL * Math.sqrt(tau), 2)) / Math.sqrt(2 * Math.PI)
                / (S * VOL * Math.sqrt(tau));
        double dollarGammaPerContract = gammaPerContract * S * S / 100;
        limits.setGammaLimit(2.5 * dollarGammaPerContract);
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1/BTC", limits, 0)), T0);
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);

        harness.processElement(fill("t1", atmCall(), Side.BUY, 2, T0, null), T0);
        assertThat(signals()).isEmpty();
        harness.processElement(fill("t2", atmCall(), Side.BUY, 1, T0 + 1, null), T0 + 1);
        harness.processElement(fill("t3", atmCall(), Side.BUY, 1, T0 + 2, null), T0 + 2);
        List<RebalanceSignal> s = signals();
        assertThat(s).hasSize(1);
        assertThat(s.get(0).getType()).isEqualTo(SignalType.GAMMA_LIMIT);
        assertThat(s.get(0).getStatus()).isEqualTo(SignalStatus.BREACH);
        assertThat(s.get(0).getThreshold()).isEqualTo(limits.getGammaLimit());
        harness.processElement(fill("t4", atmCall(), Side.SELL, 3, T0 + 3, null), T0 + 3);
        harness.processElement(fill("t5", atmCall(), Side.SELL, 0.5, T0 + 4, null), T0 + 4);
        s = signals();
        assertThat(s).hasSize(2);
        assertThat(s.get(1).getStatus()).isEqualTo(SignalStatus.CLEARED);
        assertThat(s.get(1).getSignalId()).isEqualTo("mm1/BTC/GAMMA_LIMIT/2");
    }

    @Test
    void limitsOverrideInOrderAndATombstoneRestoresTheNextLevel() throws Exception {
        RiskLimits provider = TestRecords.limits("mm1", null);
        provider.setDeltaBand(10);
        RiskLimits specific = TestRecords.limits("mm1", "BTC");
        specific.setDeltaBand(2);
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1", provider, 0)), T0);
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.BUY, 5, T0, null), T0);
        assertThat(signals()).isEmpty(); // 5 inside the provider band of 10
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1/BTC", specific, 1)), T0);
        advance(T0 + 1_000); // the refresh timer sees the new limits
        assertThat(signals()).hasSize(1);
        assertThat(signals().get(0).getThreshold()).isEqualTo(2.0);
        assertThat(signals().get(0).getSide()).isEqualTo(Side.SELL);
    }

    @Test
    void stateSurvivesSnapshotAndRestoreAndSequencesContinue() throws Exception {
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.SELL, 3, T0, null), T0);
        String firstHedge = signals().get(0).getSignalId();
        int entries = keyedStateEntries();
        assertThat(entries).isEqualTo(4); // position, pending hedge, trade id, meta
        OperatorSubtaskState state = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness(state);
        assertThat(keyedStateEntries()).isEqualTo(entries);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.SELL, 3, T0 + 1, null), T0 + 1); // a replayed duplicate
        assertThat(harness.getSideOutput(InventoryFunction.REJECTED)).hasSize(1);
        harness.processElement(fill("h1", TestRecords.perp("BTC"), Side.BUY, 3, T0 + 2, firstHedge), T0 + 2);
        RiskSnapshot after = harness.extractOutputValues().get(0);
        assertThat(after.getNetDelta()).isZero();
        assertThat(after.getPendingHedge()).isZero();
        assertThat(after.getSequence()).isEqualTo(2);
        harness.processElement(fill("t2", TestRecords.perp("BTC"), Side.BUY, 4, T0 + 3, null), T0 + 3);
        assertThat(signals()).extracting(RebalanceSignal::getSignalId).containsExactly("mm1/BTC/DELTA_HEDGE/2");
    }

    @Test
    void inventoryIsTheExactSumWhateverTheOrder() throws Exception {
        double[] quantities = {0.1, 0.2, 0.3, 1e-9, 12345.678, 0.7, 1e16, 3.3};
        double expected = new java.math.BigDecimal(0).add(sum(quantities)).doubleValue();
        for (int i = quantities.length - 1; i >= 0; i--) {
            harness.processElement(fill("t" + i, TestRecords.perp("ETH"), Side.BUY, quantities[i], T0 + i, null), T0 + i);
        }
        List<RiskSnapshot> out = harness.extractOutputValues();
        assertThat(out.get(out.size() - 1).getNetDelta()).isEqualTo(expected);
    }

    private static java.math.BigDecimal sum(double[] xs) {
        java.math.BigDecimal s = java.math.BigDecimal.ZERO;
        for (double x : xs) {
            s = s.add(new java.math.BigDecimal(x));
        }
        return s;
    }

    @Test
    void aVeryLateFillIsAppliedAndTheBookIsStillMarkedAsOfNow() throws Exception {
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        harness.processElement(fill("t1", atmCall(), Side.BUY, 1, T0, null), T0);
        harness.processElement(fill("late", atmCall(), Side.BUY, 1, T0 - 3_600_000, null), T0 - 3_600_000);
        List<RiskSnapshot> out = harness.extractOutputValues();
        RiskSnapshot late = out.get(1);
        assertThat(late.getAsOf()).isEqualTo(Instant.ofEpochMilli(T0)); // not an hour back
        double tau = (EXPIRY.toEpochMilli() - T0) / MILLIS_PER_YEAR;
        assertThat(late.getNetDelta()).isCloseTo(2 * callDelta(S, S, tau, VOL), within(1e-12));
        assertThat(late.getSequence()).isEqualTo(2);
    }

    @Test
    void noTimerIsLeftOnceTheBookIsFlatAndNothingIsPending() throws Exception {
        RiskLimits wide = TestRecords.limits("mm1", null);
        wide.setDeltaBand(100);
        harness.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1", wide, 0)), T0);
        harness.processElement(fill("t1", TestRecords.perp("BTC"), Side.BUY, 1, T0, null), T0);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        advance(T0 + 1_000);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1); // a position is held: keep refreshing
        harness.processElement(fill("t2", TestRecords.perp("BTC"), Side.SELL, 1, T0 + 2_000, null), T0 + 2_000);
        advance(T0 + 3_000);
        advance(T0 + 4_000);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void booksRefreshLessOftenWhenThereAreMoreThanTheBudgetAllowsAndAreSpreadOverTheInterval() throws Exception {
        harness.close();
        PipelineSettings budget2 = PipelineOptions.parse(
            "--inventory.refresh-interval", "1 s",
                "--inventory.refresh-budget", "2", "--defaults.delta-band", "100");
        harness = newHarness(null, budget2);
        harness.processBroadcastElement(BroadcastEvent.of(market(1, T0, S, VOL)), T0);
        for (int i = 0; i < 6; i++) {
            harness.processElement(providerFill("mm" + i, "t" + i, T0), T0);
        }
        InventoryFunction f = (InventoryFunction) ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) harness.getOperator()).getUserFunction();
        assertThat(f.refreshIntervalMs()).isEqualTo(3_000); // 6 books at 2 refreshes/s
        assertThat(harness.extractOutputValues()).hasSize(6); // one per fill

        // The market moves; every book is re-marked exactly once over the next 3 s, not all at once.
        harness.processBroadcastElement(BroadcastEvent.of(market(2, T0 + 100, S * 1.01, VOL)), T0 + 100);
        Map<String, Integer> remarks = new HashMap<>();
        int firstSecond = -1;
        for (int second = 1; second <= 6; second++) {
            int before = harness.extractOutputValues().size();
            wallClock += 1_000;
            harness.setProcessingTime(wallClock);
            List<RiskSnapshot> now = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
            for (RiskSnapshot r : now) {
                remarks.merge(r.getProviderId(), 1, Integer::sum);
            }
            if (second == 1) {
                firstSecond = now.size();
            }
        }
        assertThat(remarks).hasSize(6).allSatisfy((provider, n) -> assertThat(n).isEqualTo(1));
        assertThat(firstSecond).isLessThan(6);
    }

    @Test
    void aBookReadBackFromStateMarksToTheSameBitsAsTheCachedOne() throws Exception {
        harness.close();
        PipelineSettings noCache = PipelineOptions.parse(
            "--inventory.refresh-interval", "1 s",
                "--inventory.book-cache-positions", "0", "--defaults.delta-band", "1.0", "--defaults.hedge-timeout", "10 s");
        List<List<RiskSnapshot>> outputs = new ArrayList<>();
        for (PipelineSettings s : List.of(settings, noCache)) {
            harness = newHarness(null, s, s == noCache); // read back from RocksDB, in its own iteration order
            wallClock = 0;
            Instrument put = TestRecords.option("BTC", 90_000, EXPIRY, OptionRight.PUT);
            Instrument far = TestRecords.option("BTC", 120_000, Instant.ofEpochMilli(T0 + 90L * 86_400_000), OptionRight.CALL);
            MarketSnapshot m = market(1, T0, S, VOL);
            m.getOptions().put(put.getSymbol(), OptionIv.newBuilder().setIv(0.71).setForward(S).setMid(null).build());
            m.getOptions().put(far.getSymbol(), OptionIv.newBuilder().setIv(0.55).setForward(S * 1.003).setMid(null).build());
            harness.processBroadcastElement(BroadcastEvent.of(m), T0);
            harness.processElement(fill("a", atmCall(), Side.SELL, 7.3, T0, null), T0);
            harness.processElement(fill("b", put, Side.BUY, 2.1, T0 + 1, null), T0 + 1);
            harness.processElement(fill("c", far, Side.SELL, 0.7, T0 + 2, null), T0 + 2);
            harness.processElement(fill("d", TestRecords.perp("BTC"), Side.BUY, 1.9, T0 + 3, null), T0 + 3);
            MarketSnapshot moved = market(2, T0 + 500, S * 0.997, VOL);
            moved.getOptions().putAll(m.getOptions());
            harness.processBroadcastElement(BroadcastEvent.of(moved), T0 + 500);
            advance(T0 + 1_000);
            harness.processElement(fill("e", put, Side.SELL, 2.1, T0 + 1_500, null), T0 + 1_500);
            outputs.add(new ArrayList<>(harness.extractOutputValues()));
            InventoryFunction f = (InventoryFunction) ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) harness.getOperator()).getUserFunction();
            assertThat(f.cachedBooks()).isEqualTo(s == noCache ? 0 : 1);
            harness.close();
        }
        assertThat(outputs.get(0)).hasSize(6).isEqualTo(outputs.get(1));
        harness = newHarness(null);
    }

    @Test
    void positionsOfOneSymbolOnTwoVenuesStayApartAcrossSnapshotAndRestoreOnRocksDb() throws Exception {
        harness.close();
        harness = newHarness(null, settings, true);
        MarketSnapshot m = market(1, T0, S, VOL);
        m.getLinear().put("DERIBIT:BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(S)
                .setMultiplier(1.0).setEventTime(T0).build());
        m.getLinear().put("OKX:BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(S + 400)
                .setMultiplier(1.0).setEventTime(T0).build());
        harness.processBroadcastElement(BroadcastEvent.of(m), T0);
        harness.processElement(fill("d1", TestRecords.perp("BTC"), Side.BUY, 0.5, T0, null), T0);
        Trade okx = TestRecords.trade("o1", "mm1", TestRecords.perp("BTC"), Side.BUY, 0.4, S + 400, Instant.ofEpochMilli(T0 + 1));
        okx.setVenue("OKX");
        harness.processElement(sourced(okx), T0 + 1);
        assertThat(keyedStateEntries()).isEqualTo(2 + 2 + 1); // two positions, two trade ids, meta
        OperatorSubtaskState state = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness(state, settings, true);
        harness.processBroadcastElement(BroadcastEvent.of(m), T0);
        harness.processElement(fill("d2", TestRecords.perp("BTC"), Side.BUY, 0.05, T0 + 2, null), T0 + 2);
        RiskSnapshot last = harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
        assertThat(last.getPositions()).isEqualTo(2);
        // Each venue's quantity is exact (DERIBIT 0.5 + 0.05); the book adds the positions as doubles, DERIBIT then
        // OKX: 0.55 + 0.4 = 0.9500000000000001, where one merged position would be exactly 0.95.
        double deribit = new BigDecimal("0.5").add(new BigDecimal("0.05")).doubleValue();
        assertThat(last.getNetDelta()).isEqualTo(deribit + 0.4);
        assertThat(last.getMarkValue()).isCloseTo(0.55 * S + 0.4 * (S + 400), within(1e-6));
        assertThat(signals()).isEmpty();
    }

    private SourcedTrade providerFill(String provider, String id, long time) {
        return sourced(TestRecords.trade(id, provider, TestRecords.perp("BTC"), Side.BUY, 1, 2500, Instant.ofEpochMilli(time)));
    }
}
