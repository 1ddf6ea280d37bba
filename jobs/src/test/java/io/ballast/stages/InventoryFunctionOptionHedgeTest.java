package io.ballast.stages;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.config.PipelineOptions;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.LimitsUpdate;
import io.ballast.domain.PipelineSettings;
import io.ballast.job.BallastPipeline;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * GAMMA_HEDGE through the inventory stage: limits and market from the broadcast side, fills keyed by
 * provider, pending option hedges in keyed state across a snapshot and restore (heap and RocksDB), the
 * refresh timers timing a hedge out. Sizes from a Black-76 written here.
 */
class InventoryFunctionOptionHedgeTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final double S = 100_000;
    private static final double VOL = 0.6;
    private static final double LOT = 0.1;
    private static final double GAMMA_LIMIT = 2_000;
    private static final long TIMEOUT = 10_000;

    private static final Instrument HELD = TestRecords.option("BTC", S, Instant.ofEpochMilli(T0 + 5 * DAY), OptionRight.CALL);
    private static final Instrument HEDGE = TestRecords.option("BTC", S, Instant.ofEpochMilli(T0 + 45 * DAY), OptionRight.CALL);

    private final PipelineSettings settings = PipelineOptions.parse("--inventory.refresh-interval", "1 s");
    private long offset;
    private long wallClock;

    private KeyedBroadcastOperatorTestHarness<String, SourcedTrade, BroadcastEvent, RiskSnapshot> harness(
            OperatorSubtaskState restored, boolean rocksDb) throws Exception {
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

    private static RiskLimits limits() {
        RiskLimits l = TestRecords.limits("mm1", "BTC");
        l.setGammaLimit(GAMMA_LIMIT);
        l.setVegaLimit(null);
        l.setDeltaBand(1e9); // delta hedges are InventoryBookOptionHedgeTest's
        l.setMinHedgeQuantity(LOT);
        l.setHedgeTimeoutMs(TIMEOUT);
        l.setOptionHedge(true);
        return l;
    }

    private static OptionIv quoted(Instrument i, double bid, double ask) {
        return OptionIv.newBuilder().setIv(VOL).setForward(S).setMid((bid + ask) / 2).setBid(bid).setAsk(ask)
                .setStrike(i.getStrike()).setExpiry(i.getExpiry().toEpochMilli()).setCall(true).setMultiplier(1.0).build();
    }

    private static MarketSnapshot market(long version, long asOf) {
        Map<String, OptionIv> options = new HashMap<>();
        options.put(HELD.getSymbol(), quoted(HELD, 2_500, 2_600));
        options.put(HEDGE.getSymbol(), quoted(HEDGE, 8_400, 8_600));
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(S).setMultiplier(1.0)
                .setEventTime(asOf).build());
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(asOf)
                .setReferencePrice(S).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(options).setLinear(linear).setIngestMicros(0).build();
    }

    private SourcedTrade fill(String id, Instrument instrument, Side side, double qty, long time, String signalId) {
        Trade t = TestRecords.trade(id, "mm1", instrument, side, qty, 2500, Instant.ofEpochMilli(time));
        t.setSignalId(signalId);
        return SourcedTrade.newBuilder().setTrade(t).setTopic("trades").setPartition(0).setOffset(offset++)
                .setKafkaTimestamp(time).setKey(ByteBuffer.wrap("mm1".getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(new byte[] {1})).build();
    }

    /** Γ·S²/100 of one contract, written out: φ(d1)/(F σ √τ). */
    private static double dollarGamma(Instrument i, long asOf) {
        double tau = (i.getExpiry().toEpochMilli() - asOf) / 31_536_000_000.0;
        double d1 = (Math.log(S / i.getStrike()) + 0.5 * VOL * VOL * tau) / (VOL * Math.sqrt(tau));
        return Math.exp(-0.5 * d1 * d1) / Math.sqrt(2 * Math.PI) / (S * VOL * Math.sqrt(tau)) * S * S / 100;
    }

    private static double forwardDelta(Instrument i, long asOf) {
        double tau = (i.getExpiry().toEpochMilli() - asOf) / 31_536_000_000.0;
        double d1 = (Math.log(S / i.getStrike()) + 0.5 * VOL * VOL * tau) / (VOL * Math.sqrt(tau));
        return 0.5 * Erfc.value(-d1 / Math.sqrt(2));
    }

    private static double expectedQuantity(long asOf) {
        double q = (-0.5 * GAMMA_LIMIT + 3 * dollarGamma(HELD, asOf)) / dollarGamma(HEDGE, asOf);
        return Math.floor(q / LOT) * LOT;
    }

    private static List<RebalanceSignal> signals(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        return h.getSideOutput(InventoryFunction.SIGNALS) == null ? List.of()
                : h.getSideOutput(InventoryFunction.SIGNALS).stream().map(StreamRecord::getValue).toList();
    }

    private static List<RebalanceSignal> optionHedges(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        return signals(h).stream().filter(s -> s.getType() == SignalType.GAMMA_HEDGE || s.getType() == SignalType.VEGA_HEDGE)
                .toList();
    }

    private void advance(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h, long watermark) throws Exception {
        h.processWatermark(watermark);
        h.processBroadcastWatermark(watermark);
        wallClock += 1_000;
        h.setProcessingTime(wallClock);
    }

    @ParameterizedTest(name = "rocksDb={0}")
    @ValueSource(booleans = {false, true})
    void aGammaHedgeIsPendingAcrossARestoreUntilTheRoutersFillClearsIt(boolean rocksDb) throws Exception {
        OperatorSubtaskState state;
        RebalanceSignal hedge;
        try (var h = harness(null, rocksDb)) {
            h.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1/BTC", limits(), 0)), T0);
            h.processBroadcastElement(BroadcastEvent.of(market(1, T0)), T0);
            h.processElement(fill("t1", HELD, Side.SELL, 3, T0, null), T0);
            assertThat(signals(h)).extracting(s -> s.getType() + " " + s.getStatus())
                    .containsExactly("GAMMA_LIMIT BREACH", "GAMMA_HEDGE ACTION");
            hedge = optionHedges(h).get(0);
            assertThat(hedge.getInstrument()).isEqualTo(HEDGE.getSymbol());
            assertThat(hedge.getSide()).isEqualTo(Side.BUY);
            assertThat(hedge.getQuantity()).isCloseTo(expectedQuantity(T0), within(1e-9));
            assertThat(h.extractOutputValues().get(0).getByExpiry()).singleElement()
                    .satisfies(e -> assertThat(e.getDollarGamma()).isCloseTo(-3 * dollarGamma(HELD, T0), within(1e-6)));
            state = h.snapshot(1, T0);
        }
        try (var h = harness(state, rocksDb)) {
            h.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1/BTC", limits(), 0)), T0);
            h.processBroadcastElement(BroadcastEvent.of(market(2, T0 + 1_000)), T0 + 1_000);
            advance(h, T0 + 1_000);
            assertThat(optionHedges(h)).as("still pending after the restore").isEmpty();
            // The pending option's delta is in the snapshot's pendingHedge.
            List<RiskSnapshot> out = h.extractOutputValues();
            assertThat(out).isNotEmpty();
            assertThat(out.get(out.size() - 1).getPendingHedge())
                    .isCloseTo(hedge.getQuantity() * forwardDelta(HEDGE, T0), within(1e-6));

            h.processElement(fill("f1", HEDGE, Side.BUY, hedge.getQuantity(), T0 + 2_000, hedge.getSignalId()), T0 + 2_000);
            out = h.extractOutputValues();
            RiskSnapshot last = out.get(out.size() - 1);
            assertThat(last.getPendingHedge()).isZero();
            assertThat(Math.abs(last.getDollarGamma())).isLessThan(GAMMA_LIMIT).isGreaterThanOrEqualTo(0.5 * GAMMA_LIMIT);
            assertThat(signals(h)).extracting(s -> s.getType() + " " + s.getStatus()).containsExactly("GAMMA_LIMIT CLEARED");
            for (long t = T0 + 3_000; t <= T0 + 3 * TIMEOUT; t += 1_000) {
                h.processBroadcastElement(BroadcastEvent.of(market(t, t)), t);
                advance(h, t);
            }
            assertThat(optionHedges(h)).as("no further option hedge").isEmpty();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void anUnfilledGammaHedgeTimesOutOnTheRefreshTimerAndIsDecidedAgain() throws Exception {
        try (var h = harness(null, false)) {
            h.processBroadcastElement(BroadcastEvent.of(new LimitsUpdate("mm1/BTC", limits(), 0)), T0);
            h.processBroadcastElement(BroadcastEvent.of(market(1, T0)), T0);
            h.processElement(fill("t1", HELD, Side.SELL, 3, T0, null), T0);
            assertThat(optionHedges(h)).hasSize(1);
            advance(h, T0 + TIMEOUT - 1);
            assertThat(optionHedges(h)).hasSize(1);
            advance(h, T0 + TIMEOUT);
            List<RebalanceSignal> hedges = optionHedges(h);
            assertThat(hedges).extracting(RebalanceSignal::getSignalId)
                    .containsExactly("mm1/BTC/GAMMA_HEDGE/2", "mm1/BTC/GAMMA_HEDGE/3");
            assertThat(hedges.get(1).getQuantity()).isCloseTo(expectedQuantity(T0 + TIMEOUT), within(1e-9));
        }
    }
}
