package io.ballast.domain;

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
import io.ballast.avro.internal.ExactDecimal;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.PendingKind;
import io.ballast.avro.internal.Position;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Identity (venue, symbol) in the inventory rules (CONTRACT.md, "Identity: (venue, symbol)"): one symbol on two
 * venues is two positions marked at their own venue's quote, the greeks cover both, the delta hedge names its
 * venue, a hedge is executed only by a fill of its own venue and symbol, and positions of state written before
 * venues are adopted by {@code defaults.venue}. Oracles: sums and Black-76 written out here.
 */
class InventoryBookVenueTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final Instant EXPIRY = Instant.ofEpochMilli(T0 + 90L * 86_400_000);
    private static final double F = 100_000;
    private static final Instrument PERP = TestRecords.perp("BTC");

    private final PipelineSettings settings = PipelineSettings.defaults();
    private final RecordedOutput out = new RecordedOutput();
    private final List<RiskSnapshot> risk = out.risk;
    private final List<RebalanceSignal> signals = out.signals;

    /** Limits with a band too wide for any hedge, unless changed. */
    private static RiskLimits limits(double band, String hedgeInstrument) {
        RiskLimits l = TestRecords.limits("mm1", null);
        l.setDeltaBand(band);
        l.setHedgeInstrument(hedgeInstrument);
        l.setGammaLimit(null);
        l.setVegaLimit(null);
        l.setHedgeTimeoutMs(3_600_000);
        return l;
    }

    private static LinearMark perpMark(double mid) {
        return LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(mid).setMultiplier(1.0).setEventTime(T0).build();
    }

    private static MarketSnapshot market(Map<String, LinearMark> linear, Map<String, OptionIv> options) {
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(1).setAsOf(T0).setReferencePrice(F)
                .setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>()).setOptions(new HashMap<>(options))
                .setLinear(new HashMap<>(linear)).setIngestMicros(0).build();
    }

    private static Trade fill(String id, String venue, Instrument ins, Side side, double qty, double price, String signalId) {
        Trade t = TestRecords.trade(id, "mm1", ins, side, qty, price, Instant.ofEpochMilli(T0 + 1));
        t.setVenue(venue);
        t.setSignalId(signalId);
        return t;
    }

    private void apply(InventoryBook book, Trade t, MarketSnapshot m, RiskLimits l) {
        book.applyFill(t, m, l, Limits.stamp(l), out);
    }

    private RiskSnapshot last() {
        return risk.get(risk.size() - 1);
    }

    @Test
    void oneSymbolOnTwoVenuesIsTwoPositionsEachMarkedAtItsOwnVenue() {
        MarketSnapshot m = market(Map.of("deribit:BTC-PERP", perpMark(100_000), "okx:BTC-PERP", perpMark(100_400)), Map.of());
        InventoryBook book = InventoryBook.onHeap(settings);
        RiskLimits wide = limits(100, null);
        apply(book, fill("d1", "deribit", PERP, Side.BUY, 2, 99_900, null), m, wide);
        apply(book, fill("o1", "okx", PERP, Side.SELL, 0.5, 100_500, null), m, wide);
        apply(book, fill("d2", "deribit", PERP, Side.BUY, 1, 100_000, null), m, wide);

        RiskSnapshot r = last();
        assertThat(r.getPositions()).isEqualTo(2);
        assertThat(r.getNetDelta()).isEqualTo(2.5); // 3 on deribit, -0.5 on okx
        // Each venue at its own mid: 3 x 100,000 - 0.5 x 100,400 (merged, it would be 2.5 x one of the mids).
        assertThat(r.getMarkValue()).isEqualTo(3 * 100_000.0 - 0.5 * 100_400.0);
        assertThat(signals).isEmpty();
    }

    @Test
    void theGreeksOfAnOptionHeldOnTwoVenuesAddUpEachAtItsVenuesVol() {
        Instrument call = TestRecords.option("BTC", 110_000, EXPIRY, OptionRight.CALL);
        Map<String, OptionIv> ivs = Map.of(
                Keys.instrument("deribit", call.getSymbol()), OptionIv.newBuilder().setIv(0.5).setForward(F).build(),
                Keys.instrument("okx", call.getSymbol()), OptionIv.newBuilder().setIv(0.6).setForward(F * 1.001).build());
        MarketSnapshot m = market(Map.of(), ivs);
        InventoryBook book = InventoryBook.onHeap(settings);
        RiskLimits wide = limits(1_000, null);
        apply(book, fill("d", "deribit", call, Side.BUY, 3, 4_000, null), m, wide);
        apply(book, fill("o", "okx", call, Side.SELL, 1, 4_000, null), m, wide);

        long asOf = T0 + 1;
        double tau = (EXPIRY.toEpochMilli() - asOf) / 31_536_000_000.0;
        double delta = 3 * IndependentBlack76.forwardDelta(true, F, 110_000, tau, 0.5)
                - IndependentBlack76.forwardDelta(true, F * 1.001, 110_000, tau, 0.6);
        double gamma = 3 * IndependentBlack76.gamma(F, 110_000, tau, 0.5, 1) - IndependentBlack76.gamma(F * 1.001, 110_000, tau, 0.6, 1);
        double vega = 3 * IndependentBlack76.vega(F, 110_000, tau, 0.5, 1) - IndependentBlack76.vega(F * 1.001, 110_000, tau, 0.6, 1);
        double value = 3 * IndependentBlack76.price(true, F, 110_000, tau, 0.5, 1)
                - IndependentBlack76.price(true, F * 1.001, 110_000, tau, 0.6, 1);
        double h = 1e-5;
        double theta = -(3 * (IndependentBlack76.price(true, F, 110_000, tau + h, 0.5, 1) - IndependentBlack76.price(true, F, 110_000, tau - h, 0.5, 1))
                - (IndependentBlack76.price(true, F * 1.001, 110_000, tau + h, 0.6, 1)
                - IndependentBlack76.price(true, F * 1.001, 110_000, tau - h, 0.6, 1))) / (2 * h) / 365;

        RiskSnapshot r = last();
        assertThat(r.getPositions()).isEqualTo(2);
        assertThat(r.getUnpricedPositions()).isZero();
        // N of the oracle is Abramowitz–Stegun (|error| < 7.5e-8): delta and value within what 4 contracts' N allow.
        assertThat(r.getNetDelta()).isCloseTo(delta, within(4 * 7.5e-8));
        assertThat(r.getGamma()).isCloseTo(gamma, within(1e-15));
        assertThat(r.getVega()).isCloseTo(vega, within(1e-7));
        assertThat(r.getMarkValue()).isCloseTo(value, within(4 * 2 * F * 1.001 * 7.5e-8));
        assertThat(r.getTheta()).isCloseTo(theta, within(Math.abs(theta) * 1e-4));
        assertThat(r.getByExpiry()).singleElement().satisfies(e -> {
            assertThat(e.getNetDelta()).isCloseTo(delta, within(4 * 7.5e-8));
            assertThat(e.getVega()).isCloseTo(vega, within(1e-7));
        });
        // The same fills merged into one venue's position would be 2 contracts at one vol: not this.
        double merged = 2 * IndependentBlack76.forwardDelta(true, F, 110_000, tau, 0.5);
        assertThat(Math.abs(r.getNetDelta() - merged)).isGreaterThan(0.01);
    }

    @Test
    void aHedgeInstrumentWithAVenueIsRoutedThereAndOnlyItsFillsExecuteIt() {
        MarketSnapshot m = market(Map.of("deribit:BTC-PERP", perpMark(100_000), "okx:BTC-PERP", perpMark(100_400)), Map.of());
        InventoryBook book = InventoryBook.onHeap(settings);
        RiskLimits l = limits(1.0, "okx:BTC-PERP");
        apply(book, fill("d1", "deribit", PERP, Side.BUY, 3, 100_000, null), m, l);
        RebalanceSignal hedge = signals.get(0);
        assertThat(hedge.getType()).isEqualTo(SignalType.DELTA_HEDGE);
        assertThat(hedge.getInstrument()).isEqualTo("BTC-PERP");
        assertThat(hedge.getVenue()).isEqualTo("okx");
        assertThat(hedge.getSide()).isEqualTo(Side.SELL);
        assertThat(hedge.getQuantity()).isEqualTo(3.0);

        // A fill naming the signal but on another venue is a position of its own, and executes nothing.
        apply(book, fill("d2", "deribit", PERP, Side.SELL, 1, 100_000, hedge.getSignalId()), m, l);
        assertThat(last().getPendingHedge()).isEqualTo(-3.0);
        assertThat(last().getNetDelta()).isEqualTo(2.0);
        // The fill on okx executes it.
        apply(book, fill("o1", "okx", PERP, Side.SELL, 2, 100_400, hedge.getSignalId()), m, l);
        assertThat(last().getPendingHedge()).isEqualTo(-1.0);
        assertThat(last().getPositions()).isEqualTo(2);
        assertThat(last().getNetDelta()).isZero();
        assertThat(signals).hasSize(1);
    }

    @Test
    void aHedgeInstrumentWithoutAVenueGoesToTheVenueOfTheLatestFill() {
        MarketSnapshot m = market(Map.of("deribit:BTC-PERP", perpMark(100_000), "okx:BTC-PERP", perpMark(100_400)), Map.of());
        InventoryBook book = InventoryBook.onHeap(settings);
        RiskLimits l = limits(1.0, null);
        apply(book, fill("d1", "deribit", PERP, Side.BUY, 0.8, 100_000, null), m, l);
        apply(book, fill("o1", "okx", PERP, Side.BUY, 0.7, 100_400, null), m, l);
        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.getInstrument()).isEqualTo("BTC-PERP");
            assertThat(s.getVenue()).isEqualTo("okx");
            assertThat(s.getQuantity()).isCloseTo(1.5, within(1e-12));
        });
        assertThat(book.meta().getLastFillVenue()).isEqualTo("okx");
    }

    @Test
    void theHedgeVenueFallsBackToTheFirstVenueQuotingTheSymbol() {
        Map<String, LinearMark> quoted = Map.of("okx:BTC-PERP", perpMark(1), "binance:BTC-PERP", perpMark(1),
                "aaa:ETH-PERP", perpMark(1), "BTC-PERP", perpMark(1));
        // The fill's venue quotes it: that one.
        assertThat(HedgeInstrument.resolve(null, "BTC", "okx", "DERIBIT", quoted)).isEqualTo("okx:BTC-PERP");
        // It does not: the first venue by name that does (a bare key of an old snapshot is no venue).
        assertThat(HedgeInstrument.resolve(null, "BTC", "kraken", "DERIBIT", quoted)).isEqualTo("binance:BTC-PERP");
        // No fill venue (state of before venues): defaults.venue first, then the same fallback.
        assertThat(HedgeInstrument.resolve(null, "BTC", null, "okx", quoted)).isEqualTo("okx:BTC-PERP");
        assertThat(HedgeInstrument.resolve(null, "BTC", null, "DERIBIT", quoted)).isEqualTo("binance:BTC-PERP");
        // Nobody quotes it, or no snapshot yet: the preferred venue.
        assertThat(HedgeInstrument.resolve("BTC-0327", "BTC", "kraken", "DERIBIT", quoted)).isEqualTo("kraken:BTC-0327");
        assertThat(HedgeInstrument.resolve(null, "BTC", null, "DERIBIT", null)).isEqualTo("DERIBIT:BTC-PERP");
        // A named venue is kept, quoted or not.
        assertThat(HedgeInstrument.resolve("bybit:BTC-PERP", "BTC", "okx", "DERIBIT", quoted)).isEqualTo("bybit:BTC-PERP");
    }

    @Test
    void aHedgeStoredBeforeVenuesIsExecutedByItsSymbolOnAnyVenue() {
        assertThat(HedgeInstrument.filledBy("BTC-PERP", "okx", "BTC-PERP")).isTrue();
        assertThat(HedgeInstrument.filledBy("BTC-PERP", "okx", "ETH-PERP")).isFalse();
        assertThat(HedgeInstrument.filledBy("okx:BTC-PERP", "okx", "BTC-PERP")).isTrue();
        assertThat(HedgeInstrument.filledBy("okx:BTC-PERP", "deribit", "BTC-PERP")).isFalse();
    }

    @Test
    void positionsOfStateWrittenBeforeVenuesAreAdoptedByTheDefaultVenue() {
        Cell<InventoryMeta> meta = Cell.onHeap();
        meta.set(InventoryMeta.newBuilder().setProviderId("mm1").setUnderlying("BTC").setSignalSequence(4)
                .setLastEventTime(T0).build());
        HeapTable<String, Position> positions = new HeapTable<>(null);
        Position old = Position.newBuilder().setInstrument(PERP).setQuantity(exact(2)).setCashFlow(exact(-200_000))
                .setFees(exact(0)).setFills(3).setLastEventTime(T0).build();
        assertThat(old.getVenue()).isNull();
        positions.put("BTC-PERP", old);
        HeapTable<String, PendingHedge> pending = new HeapTable<>(null);
        pending.put("mm1/BTC/DELTA_HEDGE/4", PendingHedge.newBuilder().setInstrument("BTC-PERP").setRemaining(-2)
                .setDeltaPerContract(1).setExpiresAt(T0 + 3_600_000).setKind(PendingKind.DELTA).build());
        PipelineSettings okx = settings.toBuilder().defaultVenue("okx").build();

        InventoryBook book = new InventoryBook(meta, positions, pending, new InventoryBook.Scratch(), okx);
        assertThat(positions.get("BTC-PERP")).isNull();
        Position adopted = positions.get("okx:BTC-PERP");
        assertThat(adopted.getVenue()).isEqualTo("okx");
        assertThat(adopted.getFills()).isEqualTo(3);
        assertThat(Exact.toDouble(adopted.getQuantity())).isEqualTo(2.0);

        MarketSnapshot m = market(Map.of("okx:BTC-PERP", perpMark(100_000), "deribit:BTC-PERP", perpMark(100_100)), Map.of());
        RiskLimits wide = limits(100, null);
        // A fill on okx adds to the old position; the old hedge (a bare symbol) is executed by it.
        apply(book, fill("o1", "okx", PERP, Side.SELL, 0.5, 100_000, "mm1/BTC/DELTA_HEDGE/4"), m, wide);
        assertThat(last().getPositions()).isEqualTo(1);
        assertThat(last().getNetDelta()).isEqualTo(1.5);
        assertThat(last().getPendingHedge()).isEqualTo(-1.5);
        assertThat(Exact.toDouble(positions.get("okx:BTC-PERP").getQuantity())).isEqualTo(1.5);
        // A fill on deribit is another position.
        apply(book, fill("d1", "deribit", PERP, Side.BUY, 1, 100_100, null), m, wide);
        assertThat(last().getPositions()).isEqualTo(2);
        assertThat(last().getNetDelta()).isEqualTo(2.5);
        assertThat(positions.get("deribit:BTC-PERP").getVenue()).isEqualTo("deribit");
    }

    @Test
    void aBookRestoredFromStateOfBeforeVenuesHedgesOnTheDefaultVenueUntilItsNextFill() {
        Cell<InventoryMeta> meta = Cell.onHeap();
        meta.set(InventoryMeta.newBuilder().setProviderId("mm1").setUnderlying("BTC").setLastEventTime(T0).build());
        HeapTable<String, Position> positions = new HeapTable<>(null);
        positions.put("BTC-PERP", Position.newBuilder().setInstrument(PERP).setQuantity(exact(3)).setCashFlow(exact(-300_000))
                .setFees(exact(0)).setFills(1).setLastEventTime(T0).build());
        PipelineSettings okx = settings.toBuilder().defaultVenue("okx").build();
        InventoryBook book = new InventoryBook(meta, positions, new HeapTable<>(null), new InventoryBook.Scratch(), okx);
        MarketSnapshot m = market(Map.of("okx:BTC-PERP", perpMark(100_000), "deribit:BTC-PERP", perpMark(100_100)), Map.of());
        RiskLimits l = limits(1.0, null);
        book.refresh(T0 + 10, m, l, Limits.stamp(l), out);
        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.getType()).isEqualTo(SignalType.DELTA_HEDGE);
            assertThat(s.getVenue()).isEqualTo("okx");
            assertThat(s.getQuantity()).isEqualTo(3.0);
        });
    }

    private static ExactDecimal exact(double v) {
        return Exact.plus(Exact.ZERO, v);
    }
}
