package io.ballast.domain;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.Position;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Inverse perpetuals in a book: delta q·cv/P, DELTA_HEDGE in whole contracts with its residual, the portfolio's units. */
class InverseContractsTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final double S = 100_000;
    /** The inverse perpetual's own mid, a little off the reference price. */
    private static final double P = 100_003;
    private static final double CV = 10;

    private final PipelineSettings settings = PipelineSettings.defaults();
    private final RecordedOutput out = new RecordedOutput();
    private final List<RiskSnapshot> risk = out.risk;
    private final List<RebalanceSignal> signals = out.signals;
    private final List<BookSummary> summaries = out.summaries;

    static Instrument inversePerp() {
        Instrument i = TestRecords.perp("BTC");
        i.setSymbol("BTC-PERPETUAL");
        i.setInverse(true);
        i.setContractValue(CV);
        return i;
    }

    private static MarketSnapshot market(boolean quotedInverse) {
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(S).setMultiplier(1.0)
                .setEventTime(T0).build());
        if (quotedInverse) {
            linear.put("BTC-PERPETUAL", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(P).setMultiplier(1.0)
                    .setEventTime(T0).setInverse(true).setContractValue(CV).build());
        }
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(1).setAsOf(T0)
                .setReferencePrice(S).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(new HashMap<>()).setLinear(linear).setIngestMicros(0).build();
    }

    private RiskLimits limits(String hedgeInstrument, double band) {
        return RiskLimits.newBuilder(settings.defaultLimits()).setDeltaBand(band).setHedgeInstrument(hedgeInstrument)
                .setMinHedgeQuantity(1).setGammaLimit(null).setVegaLimit(null).build();
    }

    private static Trade fill(String id, Instrument ins, Side side, double qty, double price) {
        Trade t = TestRecords.trade(id, "mm1", ins, side, qty, price, Instant.ofEpochMilli(T0));
        t.setFee(null);
        return t;
    }

    @Test
    void anInversePositionsDeltaIsContractsTimesValueOverItsOwnMidElseS() {
        RiskLimits l = limits("BTC-PERP", 1e9);
        InventoryBook book = InventoryBook.onHeap(settings);
        book.applyFill(fill("a", inversePerp(), Side.BUY, 25_000, P), market(true), l, Limits.stamp(l), out);
        RiskSnapshot r = risk.get(risk.size() - 1);
        assertThat(r.getNetDelta()).isCloseTo(25_000 * CV / P, within(1e-15));
        assertThat(r.getMarkValue()).isEqualTo(25_000 * CV);
        assertThat(r.getUnpricedPositions()).isZero();

        InventoryBook unquoted = InventoryBook.onHeap(settings);
        unquoted.applyFill(fill("b", inversePerp(), Side.SELL, 25_000, P), market(false), l, Limits.stamp(l), out);
        assertThat(risk.get(risk.size() - 1).getNetDelta()).isCloseTo(-25_000 * CV / S, within(1e-15));

        InventoryBook noMarket = InventoryBook.onHeap(settings);
        noMarket.applyFill(fill("c", inversePerp(), Side.SELL, 25_000, P), null, l, Limits.stamp(l), out);
        assertThat(risk.get(risk.size() - 1).getNetDelta()).isZero();
        assertThat(risk.get(risk.size() - 1).getUnpricedPositions()).isEqualTo(1);
    }

    @Test
    void aDeltaHedgeOnAnInverseInstrumentIsInWholeContractsAndReportsItsResidual() {
        RiskLimits l = limits("BTC-PERPETUAL", 1);
        InventoryBook book = InventoryBook.onHeap(settings);
        book.applyFill(fill("a", TestRecords.perp("BTC"), Side.BUY, 3.0, S), market(true), l, Limits.stamp(l), out);
        RebalanceSignal hedge = signals.stream().filter(s -> s.getType() == SignalType.DELTA_HEDGE).findFirst().orElseThrow();
        // −3 units at 10 USD a contract at 100,003: −30,000.9 contracts, rounded to −30,001.
        assertThat(hedge.getInstrument()).isEqualTo("BTC-PERPETUAL");
        assertThat(hedge.getSide()).isEqualTo(Side.SELL);
        assertThat(hedge.getQuantity()).isEqualTo(30_001);
        double residual = -3.0 + 30_001 * CV / P;
        assertThat(hedge.getResidualDelta()).isCloseTo(residual, within(1e-15));
        assertThat(Math.abs(hedge.getResidualDelta())).isLessThanOrEqualTo(0.5 * CV / P);
        assertThat(hedge.getReason()).containsPattern("SELL 30001(\\.0)? (DERIBIT:)?BTC-PERPETUAL").contains("whole contracts")
                .contains("residual delta");
        // Pending: the contracts at their delta at the decision.
        book.refresh(T0 + 1, market(true), l, "other", out);
        assertThat(risk.get(risk.size() - 1).getPendingHedge()).isCloseTo(-30_001 * CV / P, within(1e-12));
        // Its fill, an inverse position now: the book is within the residual of flat.
        Trade f = fill("h", inversePerp(), Side.SELL, 30_001, P);
        f.setSignalId(hedge.getSignalId());
        book.applyFill(f, market(true), l, Limits.stamp(l), out);
        RiskSnapshot after = risk.get(risk.size() - 1);
        assertThat(after.getPendingHedge()).isZero();
        assertThat(after.getNetDelta()).isCloseTo(-residual, within(1e-12));
    }

    @Test
    void halfAContractRoundsAwayFromZeroAndLessThanTheMinimumIsNoSignal() {
        assertThat(SignalRules.wholeContracts(2.5)).isEqualTo(3);
        assertThat(SignalRules.wholeContracts(-2.5)).isEqualTo(-3);
        assertThat(SignalRules.wholeContracts(2.4999)).isEqualTo(2);
        assertThat(SignalRules.wholeContracts(-0.4)).isEqualTo(-0.0);
        // 0.00004 units over a band of 0.00001 at 10 USD a contract: 0.4 contract rounds to none, no signal.
        RiskLimits l = limits("BTC-PERPETUAL", 0.00001);
        InventoryBook book = InventoryBook.onHeap(settings);
        book.applyFill(fill("a", TestRecords.perp("BTC"), Side.BUY, 0.00004, S), market(true), l, Limits.stamp(l), out);
        assertThat(signals).noneMatch(s -> s.getType() == SignalType.DELTA_HEDGE);
    }

    @Test
    void aLinearHedgeHasNoResidual() {
        RiskLimits l = limits("BTC-PERP", 1);
        InventoryBook book = InventoryBook.onHeap(settings);
        book.applyFill(fill("a", TestRecords.perp("BTC"), Side.BUY, 3.3, S), market(true), l, Limits.stamp(l), out);
        RebalanceSignal hedge = signals.stream().filter(s -> s.getType() == SignalType.DELTA_HEDGE).findFirst().orElseThrow();
        assertThat(hedge.getQuantity()).isEqualTo(3.3);
        assertThat(hedge.getResidualDelta()).isNull();
    }

    /**
     * The portfolio's revaluation: an inverse position's USD P&amp;L under a move s is q·cv·s (its coin P&amp;L
     * q·cv·(1/S − 1/(S(1+s))) valued at S(1+s)), so it is q·cv/S linear units next to the linear positions' q·m.
     */
    @Test
    void inversePositionsAreContractsTimesValueOverSLinearUnitsInThePortfolio() {
        Holdings held = new Holdings();
        held.put("BTC-PERP", position(TestRecords.perp("BTC"), 1.5, S));
        held.put("BTC-PERPETUAL", position(inversePerp(), -20_000, P));
        BookRisk r = new BookRisk();
        BookSummaries s = new BookSummaries();
        new RiskCalculator().compute(held, market(true), T0, r, s);
        UnderlyingPositions u = s.positions("BTC", r);
        assertThat(u.linearUnits()).isCloseTo(1.5 - 20_000 * CV / S, within(1e-12));
        for (double shock : new double[] {-0.3, -0.05, 0.1, 0.3}) {
            double coin = -20_000 * CV * (1 / S - 1 / (S * (1 + shock)));
            assertThat(coin * S * (1 + shock)).isCloseTo(-20_000 * CV * shock, within(1e-6));
            assertThat(u.pnl(shock, 0)).isCloseTo(1.5 * S * shock - 20_000 * CV * shock, within(1e-6));
        }
    }

    @Test
    void theBookSummaryCarriesTheInversePnlInUsdAtTheMark() {
        PipelineSettings on = settings.toBuilder().portfolioEnabled(true).build();
        RiskLimits l = limits("BTC-PERP", 1e9);
        InventoryBook book = InventoryBook.onHeap(on);
        book.applyFill(fill("a", inversePerp(), Side.BUY, 10_000, 80_000), market(true), l, Limits.stamp(l), out);
        book.applyFill(fill("b", inversePerp(), Side.SELL, 4_000, 90_000), market(true), l, Limits.stamp(l), out);
        BookSummary last = summaries.get(summaries.size() - 1);
        double realizedCoin = 4_000 * CV * (1 / 80_000.0 - 1 / 90_000.0);
        assertThat(last.getRealizedPnl()).isCloseTo(realizedCoin * 90_000, within(1e-9));
        double unrealizedCoin = 6_000 * CV * (1 / 80_000.0 - 1 / P);
        assertThat(last.getUnrealizedPnl()).isCloseTo(unrealizedCoin * P, within(1e-9));
        assertThat(last.getLinearPnl()).isCloseTo(unrealizedCoin * P, within(1e-9));
    }

    private static Position position(Instrument ins, double qty, double price) {
        return Position.newBuilder().setInstrument(ins).setQuantity(Exact.plus(Exact.ZERO, qty))
                .setCashFlow(Exact.plusProduct(Exact.ZERO, -qty, price)).setFees(Exact.ZERO).setFills(1)
                .setLastEventTime(T0).setAverageEntry(price).setRealizedPnl(0.0).build();
    }
}
