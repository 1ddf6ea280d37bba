package io.ballast.domain;

import io.ballast.TestRecords;
import io.ballast.avro.ExpiryRisk;
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

import static io.ballast.domain.IndependentBlack76.forwardDelta;
import static io.ballast.domain.IndependentBlack76.gamma;
import static io.ballast.domain.IndependentBlack76.vega;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * GAMMA_HEDGE / VEGA_HEDGE as {@link InventoryBook} decides them (CONTRACT.md "GAMMA_HEDGE / VEGA_HEDGE"):
 * a book short near-dated gamma, a chain with one option that passes the filters and two that do not.
 * Expected sizes and deltas come from {@link IndependentBlack76}, not from the code under test.
 */
class InventoryBookOptionHedgeTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final double S = 100_000;
    private static final double VOL = 0.6;
    private static final double LOT = 0.1;
    private static final double GAMMA_LIMIT = 2_000;

    /** Held: short 2 of this 5-day call (too near to hedge with). */
    private static final Instrument HELD = TestRecords.option("BTC", S, Instant.ofEpochMilli(T0 + 5 * DAY), OptionRight.CALL);
    /** The one candidate: 60-day at-the-money call, 200 wide (~1.25 vol points). */
    private static final Instrument GOOD = TestRecords.option("BTC", S, Instant.ofEpochMilli(T0 + 60 * DAY), OptionRight.CALL);
    /** 60-day call at 160,000: forward delta far below 0.25. */
    private static final Instrument FAR = TestRecords.option("BTC", 160_000, Instant.ofEpochMilli(T0 + 60 * DAY), OptionRight.CALL);
    /** 60-day put at 95,000, 1,500 wide: about 10 vol points. */
    private static final Instrument WIDE = TestRecords.option("BTC", 95_000, Instant.ofEpochMilli(T0 + 60 * DAY), OptionRight.PUT);

    private final PipelineSettings settings = PipelineSettings.defaults();
    private final RiskLimits limits = RiskLimits.newBuilder(settings.defaultLimits())
            .setProviderId("mm1").setUnderlying("BTC")
            .setGammaLimit(GAMMA_LIMIT).setVegaLimit(null).setDeltaBand(1.5).setMinHedgeQuantity(LOT)
            .setHedgeTimeoutMs(30_000).setOptionHedge(true)
            .build();

    private final RecordedOutput out = new RecordedOutput();

    private static double tau(Instrument i, long asOf) {
        return (i.getExpiry().toEpochMilli() - asOf) / 31_536_000_000.0;
    }

    private static OptionIv quoted(Instrument i, double bid, double ask) {
        return OptionIv.newBuilder().setIv(VOL).setForward(S).setMid((bid + ask) / 2).setBid(bid).setAsk(ask)
                .setStrike(i.getStrike()).setExpiry(i.getExpiry().toEpochMilli())
                .setCall(i.getRight() == OptionRight.CALL).setMultiplier(1.0).build();
    }

    static MarketSnapshot market(long version, long asOf) {
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(S).setMultiplier(1.0)
                .setEventTime(asOf).build());
        Map<String, OptionIv> options = new HashMap<>();
        options.put(HELD.getSymbol(), quoted(HELD, 2_500, 2_600));
        options.put(GOOD.getSymbol(), quoted(GOOD, 9_600, 9_800));
        options.put(FAR.getSymbol(), quoted(FAR, 300, 310));
        options.put(WIDE.getSymbol(), quoted(WIDE, 7_000, 8_500));
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(asOf)
                .setReferencePrice(S).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(options).setLinear(linear).setIngestMicros(0).build();
    }

    private static Trade fill(String id, Instrument ins, Side side, double qty, long time, String signalId) {
        Trade t = TestRecords.trade(id, "mm1", ins, side, qty, 1_000, Instant.ofEpochMilli(time));
        t.setSignalId(signalId);
        return t;
    }

    private void apply(InventoryBook book, Trade t, MarketSnapshot m, RiskLimits l) {
        book.applyFill(t, m, l, Limits.stamp(l), out);
    }

    /** Dollar gamma of q contracts of {@code i} at {@code asOf}: Γ·S²/100. */
    private static double dollarGamma(Instrument i, double q, long asOf) {
        return q * gamma(S, i.getStrike(), tau(i, asOf), VOL, 1) * S * S / 100;
    }

    /** The independent answer: contracts of GOOD, in whole lots toward zero, that take the book to −hedgeToFraction·limit. */
    private static double expectedHedge(long asOf) {
        double held = dollarGamma(HELD, -2, asOf);
        double target = -0.5 * GAMMA_LIMIT;
        double q = (target - held) / dollarGamma(GOOD, 1, asOf);
        return Math.floor(q / LOT) * LOT;
    }

    @Test
    void aBookShortGammaGetsOneGammaHedgeOfTheQuotedOptionAndTheDeltaHedgeCountsItsDelta() {
        InventoryBook book = InventoryBook.onHeap(settings);
        apply(book, fill("a", HELD, Side.SELL, 2, T0, null), market(1, T0), limits);

        double q = expectedHedge(T0);
        double heldDollarGamma = dollarGamma(HELD, -2, T0);
        assertThat(heldDollarGamma).as("the book is beyond its limit").isLessThan(-GAMMA_LIMIT);
        assertThat(out.signals).extracting(s -> s.getType() + " " + s.getStatus())
                .containsExactly("GAMMA_LIMIT BREACH", "GAMMA_HEDGE ACTION", "DELTA_HEDGE ACTION");
        RebalanceSignal hedge = out.signals.get(1);
        assertThat(hedge.getSignalId()).isEqualTo("mm1/BTC/GAMMA_HEDGE/2");
        assertThat(hedge.getInstrument()).isEqualTo(GOOD.getSymbol());
        assertThat(hedge.getSide()).isEqualTo(Side.BUY);
        assertThat(hedge.getQuantity()).isCloseTo(q, within(1e-9));
        assertThat(hedge.getThreshold()).isEqualTo(GAMMA_LIMIT);
        double after = heldDollarGamma + dollarGamma(GOOD, q, T0);
        // Rounded toward the book: at or beyond the target, by less than one lot.
        assertThat(after).isLessThanOrEqualTo(-0.5 * GAMMA_LIMIT).isGreaterThan(-0.5 * GAMMA_LIMIT - dollarGamma(GOOD, LOT, T0));

        // Net delta of the book: short 2 calls; the hedge's delta counts as pending in the delta decision.
        double netDelta = -2 * forwardDelta(true, S, S, tau(HELD, T0), VOL);
        double optionDelta = q * forwardDelta(true, S, S, tau(GOOD, T0), VOL);
        assertThat(Math.abs(netDelta)).as("without the option's delta no delta hedge").isLessThan(1.5);
        RebalanceSignal delta = out.signals.get(2);
        assertThat(delta.getSide()).isEqualTo(Side.SELL);
        assertThat(delta.getQuantity()).isCloseTo(netDelta + optionDelta, within(1e-5));

        // The snapshot was marked before the decisions; the next one counts both pending hedges' delta.
        assertThat(out.risk.get(0).getPendingHedge()).isZero();
        book.refresh(T0 + 100, market(2, T0 + 100), limits, Limits.stamp(limits), out);
        // The option's delta and the delta hedge that offsets the book with it: −netDelta.
        assertThat(out.last().getPendingHedge()).isCloseTo(-netDelta, within(1e-5));
        assertThat(out.signals).as("no second option hedge while one is pending").hasSize(3);
    }

    @Test
    void theRoutersFillClearsTheOptionHedgeAndNoFurtherOptionHedgeFollows() {
        HeapTable<String, Position> positions = new HeapTable<>(null);
        HeapTable<String, PendingHedge> pending = new HeapTable<>(null);
        Cell<InventoryMeta> meta = Cell.onHeap();
        InventoryBook book = new InventoryBook(meta, positions, pending, new InventoryBook.Scratch(), settings);
        apply(book, fill("a", HELD, Side.SELL, 2, T0, null), market(1, T0), limits);
        double q = expectedHedge(T0);
        String hedgeId = out.signals.get(1).getSignalId();

        // Stored as a pending GAMMA hedge with the option's greeks per contract at the decision.
        PendingHedge stored = pending.get(hedgeId);
        assertThat(stored.getKind()).isEqualTo(PendingKind.GAMMA);
        assertThat(stored.getInstrument()).isEqualTo(GOOD.getSymbol());
        assertThat(stored.getRemaining()).isCloseTo(q, within(1e-9));
        assertThat(stored.getGammaPerContract()).isCloseTo(gamma(S, S, tau(GOOD, T0), VOL, 1), within(1e-12));
        assertThat(stored.getVegaPerContract()).isCloseTo(vega(S, S, tau(GOOD, T0), VOL, 1), within(1e-6));
        assertThat(stored.getDeltaPerContract()).isCloseTo(forwardDelta(true, S, S, tau(GOOD, T0), VOL), within(1e-6));
        assertThat(stored.getExpiresAt()).isEqualTo(T0 + 30_000);

        // A book loaded from the records still sees the hedge pending: no second one.
        InventoryBook reloaded = new InventoryBook(meta, positions, pending, new InventoryBook.Scratch(), settings);
        reloaded.refresh(T0 + 1_000, market(2, T0 + 1_000), limits, Limits.stamp(limits), out);
        assertThat(out.signals).hasSize(3);

        // Half filled: still pending, still no second hedge.
        double half = Math.floor(q / 2 / LOT) * LOT;
        apply(reloaded, fill("h1", GOOD, Side.BUY, half, T0 + 2_000, hedgeId), market(2, T0 + 1_000), limits);
        assertThat(pending.get(hedgeId).getRemaining()).isCloseTo(q - half, within(1e-9));
        assertThat(out.signals).hasSize(3);
        // The rest: the hedge is gone, the book holds the option and is back within its limit.
        apply(reloaded, fill("h2", GOOD, Side.BUY, q - half, T0 + 3_000, hedgeId), market(2, T0 + 1_000), limits);
        assertThat(pending.get(hedgeId)).isNull();
        RiskSnapshot last = out.last();
        double expected = dollarGamma(HELD, -2, T0 + 3_000) + dollarGamma(GOOD, q, T0 + 3_000); // marked as of the fill
        assertThat(last.getDollarGamma()).isCloseTo(expected, within(1e-6 * Math.abs(expected)));
        assertThat(Math.abs(last.getDollarGamma())).isLessThan(GAMMA_LIMIT);
        assertThat(out.signals.subList(3, out.signals.size())).extracting(s -> s.getType() + " " + s.getStatus())
                .containsExactly("GAMMA_LIMIT CLEARED");

        // Time passes, the market moves a little: no further option hedge.
        reloaded.refresh(T0 + 60_000, market(3, T0 + 60_000), limits, Limits.stamp(limits), out);
        assertThat(out.signals).extracting(RebalanceSignal::getType)
                .filteredOn(t -> t == SignalType.GAMMA_HEDGE || t == SignalType.VEGA_HEDGE).hasSize(1);
    }

    @Test
    void anUnfilledOptionHedgeTimesOutAndTheBookIsHedgedAgain() {
        InventoryBook book = InventoryBook.onHeap(settings);
        apply(book, fill("a", HELD, Side.SELL, 2, T0, null), market(1, T0), limits);
        book.refresh(T0 + 29_999, market(2, T0 + 29_999), limits, Limits.stamp(limits), out);
        assertThat(out.signals).filteredOn(s -> s.getType() == SignalType.GAMMA_HEDGE).hasSize(1);
        book.refresh(T0 + 30_000, market(3, T0 + 30_000), limits, Limits.stamp(limits), out);
        List<RebalanceSignal> hedges = out.signals.stream().filter(s -> s.getType() == SignalType.GAMMA_HEDGE).toList();
        assertThat(hedges).hasSize(2);
        assertThat(hedges.get(1).getSignalId()).isNotEqualTo(hedges.get(0).getSignalId());
        assertThat(hedges.get(1).getQuantity()).isCloseTo(expectedHedge(T0 + 30_000), within(1e-9));
    }

    @Test
    void withOptionHedgeOffTheBookGetsTheAlarmAndNothingElse() {
        RiskLimits off = RiskLimits.newBuilder(limits).setOptionHedge(false).build();
        InventoryBook book = InventoryBook.onHeap(settings);
        apply(book, fill("a", HELD, Side.SELL, 2, T0, null), market(1, T0), off);
        book.refresh(T0 + 100, market(2, T0 + 100), off, Limits.stamp(off), out);
        assertThat(out.signals).extracting(s -> s.getType() + " " + s.getStatus()).containsExactly("GAMMA_LIMIT BREACH");
        assertThat(out.last().getPendingHedge()).isZero();
    }

    @Test
    void bothOverGivesAGammaAndAVegaLegBothPending() {
        // A longer candidate for the vega leg: 110-day at-the-money call.
        Instrument longer = TestRecords.option("BTC", S, Instant.ofEpochMilli(T0 + 110 * DAY), OptionRight.CALL);
        MarketSnapshot m = market(1, T0);
        m.getOptions().put(longer.getSymbol(), quoted(longer, 13_000, 13_300));
        double heldVega = -2 * vega(S, S, tau(HELD, T0), VOL, 1);
        RiskLimits both = RiskLimits.newBuilder(limits).setVegaLimit(Math.abs(heldVega) / 2).build();
        HeapTable<String, PendingHedge> pending = new HeapTable<>(null);
        InventoryBook book = new InventoryBook(Cell.onHeap(), new HeapTable<>(null), pending, new InventoryBook.Scratch(), settings);
        apply(book, fill("a", HELD, Side.SELL, 2, T0, null), m, both);
        assertThat(out.signals).extracting(s -> s.getType() + " " + s.getStatus()).startsWith(
                "GAMMA_LIMIT BREACH", "VEGA_LIMIT BREACH", "GAMMA_HEDGE ACTION", "VEGA_HEDGE ACTION");
        RebalanceSignal g = out.signals.get(2);
        RebalanceSignal v = out.signals.get(3);
        assertThat(g.getInstrument()).isEqualTo(GOOD.getSymbol());
        assertThat(v.getInstrument()).isEqualTo(longer.getSymbol());
        // Independent 2x2 solve (Cramer), then lots toward zero.
        double g1 = gamma(S, S, tau(GOOD, T0), VOL, 1);
        double g2 = gamma(S, S, tau(longer, T0), VOL, 1);
        double v1 = vega(S, S, tau(GOOD, T0), VOL, 1);
        double v2 = vega(S, S, tau(longer, T0), VOL, 1);
        double bg = -0.5 * GAMMA_LIMIT * 100 / (S * S) - (-2 * gamma(S, S, tau(HELD, T0), VOL, 1));
        double bv = -0.5 * both.getVegaLimit() - heldVega;
        double det = g1 * v2 - g2 * v1;
        double q1 = (bg * v2 - g2 * bv) / det;
        double q2 = (g1 * bv - v1 * bg) / det;
        assertThat(signed(g)).isCloseTo(Math.copySign(Math.floor(Math.abs(q1) / LOT) * LOT, q1), within(1e-9));
        assertThat(signed(v)).isCloseTo(Math.copySign(Math.floor(Math.abs(q2) / LOT) * LOT, q2), within(1e-9));
        assertThat(pending.get(g.getSignalId()).getKind()).isEqualTo(PendingKind.GAMMA);
        assertThat(pending.get(v.getSignalId()).getKind()).isEqualTo(PendingKind.VEGA);
    }

    @Test
    void vegaAloneOverGivesOneVegaHedgeSizedToItsTarget() {
        double heldVega = -2 * vega(S, S, tau(HELD, T0), VOL, 1);
        double vegaLimit = 40;
        assertThat(Math.abs(heldVega)).isGreaterThan(vegaLimit);
        RiskLimits vegaOnly = RiskLimits.newBuilder(limits).setGammaLimit(null).setVegaLimit(vegaLimit).build();
        HeapTable<String, PendingHedge> pending = new HeapTable<>(null);
        InventoryBook book = new InventoryBook(Cell.onHeap(), new HeapTable<>(null), pending, new InventoryBook.Scratch(), settings);
        apply(book, fill("a", HELD, Side.SELL, 2, T0, null), market(1, T0), vegaOnly);
        assertThat(out.signals).extracting(s -> s.getType() + " " + s.getStatus())
                .containsExactly("VEGA_LIMIT BREACH", "VEGA_HEDGE ACTION");
        RebalanceSignal hedge = out.signals.get(1);
        assertThat(hedge.getInstrument()).isEqualTo(GOOD.getSymbol());
        assertThat(hedge.getThreshold()).isEqualTo(vegaLimit);
        double q = (-0.5 * vegaLimit - heldVega) / vega(S, S, tau(GOOD, T0), VOL, 1);
        assertThat(signed(hedge)).isCloseTo(Math.floor(q / LOT) * LOT, within(1e-9));
        assertThat(pending.get(hedge.getSignalId()).getKind()).isEqualTo(PendingKind.VEGA);
    }

    private static double signed(RebalanceSignal s) {
        return s.getSide() == Side.BUY ? s.getQuantity() : -s.getQuantity();
    }

    @Test
    void theSnapshotCarriesTheOptionPositionsByExpiry() {
        RiskLimits off = RiskLimits.newBuilder(limits).setOptionHedge(false).setGammaLimit(null).build();
        InventoryBook book = InventoryBook.onHeap(settings);
        apply(book, fill("a", GOOD, Side.BUY, 3, T0, null), market(1, T0), off);
        apply(book, fill("b", HELD, Side.SELL, 2, T0, null), market(1, T0), off);
        apply(book, fill("c", WIDE, Side.SELL, 1, T0, null), market(1, T0), off);
        apply(book, fill("d", TestRecords.perp("BTC"), Side.BUY, 0.7, T0, null), market(1, T0), off);
        RiskSnapshot s = out.last();
        List<ExpiryRisk> byExpiry = s.getByExpiry();
        assertThat(byExpiry).extracting(e -> e.getExpiry().toEpochMilli())
                .containsExactly(HELD.getExpiry().toEpochMilli(), GOOD.getExpiry().toEpochMilli());
        ExpiryRisk near = byExpiry.get(0);
        ExpiryRisk far = byExpiry.get(1);
        assertThat(near.getDollarGamma()).isCloseTo(dollarGamma(HELD, -2, T0), within(1e-6));
        assertThat(near.getVega()).isCloseTo(-2 * vega(S, S, tau(HELD, T0), VOL, 1), within(1e-6));
        assertThat(near.getNetDelta()).isCloseTo(-2 * forwardDelta(true, S, S, tau(HELD, T0), VOL), within(1e-6));
        assertThat(far.getVega()).isCloseTo(3 * vega(S, S, tau(GOOD, T0), VOL, 1)
                - vega(S, 95_000, tau(WIDE, T0), VOL, 1), within(1e-6));
        assertThat(far.getNetDelta()).isCloseTo(3 * forwardDelta(true, S, S, tau(GOOD, T0), VOL)
                - forwardDelta(false, S, 95_000, tau(WIDE, T0), VOL), within(1e-6));
        // The entries sum to the book's option greeks; the perpetual is in none of them.
        assertThat(near.getVega() + far.getVega()).isCloseTo(s.getVega(), within(1e-6));
        assertThat(near.getTheta() + far.getTheta()).isCloseTo(s.getTheta(), within(1e-6));
        assertThat(near.getDollarGamma() + far.getDollarGamma()).isCloseTo(s.getDollarGamma(), within(1e-6));
        assertThat(near.getNetDelta() + far.getNetDelta() + 0.7).isCloseTo(s.getNetDelta(), within(1e-9));
        assertThat(near.getTheta()).as("short options earn theta").isPositive();
    }
}
