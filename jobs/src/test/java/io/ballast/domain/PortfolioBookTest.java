package io.ballast.domain;

import io.ballast.TestRecords;
import io.ballast.avro.Collateral;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portfolio rules end to end on plain objects: two inventory books (BTC, ETH) send their summaries to a
 * {@link PortfolioBook} with collateral, and every number is checked against an independent full revaluation
 * written here ({@link PortfolioOracle#black76}, ACT/365, the positions and fills as this test knows them).
 */
class PortfolioBookTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final double BTC_S = 100_000;
    private static final double ETH_S = 3_000;
    private static final double HAIRCUT_BTC = 0.1;

    /** One option position of the test, as the oracle revalues it. */
    private record Opt(Instrument ins, double qty, double forward, double vol) {
        double value(double spotShock, double volShock, long asOf) {
            double tau = (ins.getExpiry().toEpochMilli() - asOf) / PortfolioOracle.MILLIS_PER_YEAR;
            return qty * PortfolioOracle.black76(ins.getRight() == OptionRight.CALL, forward * (1 + spotShock),
                    ins.getStrike(), tau, vol * (1 + volShock), 1);
        }
    }

    private final Instrument btcCall = TestRecords.option("BTC", 110_000, Instant.ofEpochMilli(T0 + 30 * DAY), OptionRight.CALL);
    private final Instrument btcPut = TestRecords.option("BTC", 90_000, Instant.ofEpochMilli(T0 + 30 * DAY), OptionRight.PUT);
    private final Instrument ethCall = TestRecords.option("ETH", 3_300, Instant.ofEpochMilli(T0 + 14 * DAY), OptionRight.CALL);
    private final Instrument btcPerp = TestRecords.perp("BTC");

    private List<Opt> options;
    private double perpQty;
    private double perpEntry;

    private PipelineSettings settings;
    private RiskLimits limits;
    private InventoryBook btc;
    private InventoryBook eth;
    private PortfolioBook portfolio;
    private final List<PortfolioRisk> risks = new ArrayList<>();
    private final List<RebalanceSignal> signals = new ArrayList<>();
    private double cashFlows;
    private double feesPaid;

    /** The books' output: each summary recorded and applied to the portfolio at once, as the stages would. */
    private final RecordedOutput books = new RecordedOutput() {
        @Override
        public void summary(BookSummary summary) {
            super.summary(summary);
            portfolio.applySummary(summary);
        }
    };

    private final PortfolioBook.Output out = new PortfolioBook.Output() {
        @Override
        public void risk(PortfolioRisk risk) {
            risks.add(risk);
        }

        @Override
        public void signal(RebalanceSignal signal) {
            signals.add(signal);
        }
    };

    private static MarketSnapshot market(String underlying, long version, long asOf, double s, List<Opt> opts) {
        Map<String, OptionIv> iv = new HashMap<>();
        for (Opt o : opts) {
            if (o.ins().getUnderlying().equals(underlying)) {
                iv.put(o.ins().getSymbol(), OptionIv.newBuilder().setIv(o.vol()).setForward(o.forward()).setMid(null).build());
            }
        }
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put(underlying + "-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(s)
                .setMultiplier(1.0).setEventTime(asOf).build());
        return MarketSnapshot.newBuilder().setUnderlying(underlying).setVersion(version).setAsOf(asOf)
                .setReferencePrice(s).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(iv).setLinear(linear).setIngestMicros(0).build();
    }

    private void fill(InventoryBook book, MarketSnapshot m, String id, Instrument ins, Side side, double qty, double price) {
        Trade t = TestRecords.trade(id, "mm1", ins, side, qty, price, Instant.ofEpochMilli(T0));
        double signed = side == Side.BUY ? qty : -qty;
        cashFlows += -signed * price - t.getFee();
        feesPaid += t.getFee();
        book.applyFill(t, m, limits, Limits.stamp(limits), books);
    }

    @BeforeEach
    void fills() {
        PipelineSettings.Builder b = PipelineSettings.builder().portfolioEnabled(true);
        settings = b.defaultLimits(b.defaultLimitsBuilder()
                .setMaxMarginUsage(0.8).setCollateralHaircuts(Map.of("BTC", HAIRCUT_BTC)).build()).build();
        limits = settings.defaultLimits();
        btc = InventoryBook.onHeap(settings);
        eth = InventoryBook.onHeap(settings);
        portfolio = PortfolioBook.onHeap(settings);
        options = List.of(new Opt(btcCall, -10, 100_500, 0.55), new Opt(btcPut, 5, 100_500, 0.60),
                new Opt(ethCall, -100, 3_010, 0.70));
        MarketSnapshot btcMarket = market("BTC", 1, T0, BTC_S, options);
        MarketSnapshot ethMarket = market("ETH", 1, T0, ETH_S, options);
        fill(btc, btcMarket, "c1", btcCall, Side.SELL, 10, 2_400);
        fill(btc, btcMarket, "p1", btcPut, Side.BUY, 5, 3_100);
        fill(btc, btcMarket, "f1", btcPerp, Side.BUY, 3, 99_000);
        fill(btc, btcMarket, "f2", btcPerp, Side.SELL, 1, 101_000); // realizes (101,000 − 99,000)·1
        fill(eth, ethMarket, "e1", ethCall, Side.SELL, 100, 60);
        perpQty = 2;
        perpEntry = 99_000;
    }

    /** Σ options' values + the perp's unrealized P&amp;L: what the positions add to equity. */
    private double positionsValue(long asOf) {
        double v = perpQty * (BTC_S - perpEntry);
        for (Opt o : options) {
            v += o.value(0, 0, asOf);
        }
        return v;
    }

    /** The oracle's P&amp;L of spot shock s and vol shock v, coin collateral of {@code coinBtc} included. */
    private double oraclePnl(double s, double v, double coinBtc, long asOf) {
        double pnl = perpQty * BTC_S * s + coinBtc * BTC_S * s;
        for (Opt o : options) {
            pnl += o.value(s, v, asOf) - o.value(0, 0, asOf);
        }
        return pnl;
    }

    private static void assertClose(double actual, double expected, String what) {
        assertThat(actual).as(what).isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.max(1e-8 * Math.abs(expected), 1e-7)));
    }

    private void collateral(String asset, double amount) {
        portfolio.applyCollateral("mm1", CollateralUpdate.holding("deribit", asset),
                new Collateral("mm1", "deribit", asset, amount, Instant.ofEpochMilli(T0)));
    }

    private PortfolioRisk evaluate() {
        portfolio.evaluate(T0, Map.of("BTC", BTC_S, "ETH", ETH_S), limits, out);
        return risks.get(risks.size() - 1);
    }

    @Test
    void gridEquityAndTotalsEqualAFullRevaluation() {
        double coinBtc = 1.5;
        collateral("USDC", 200_000);
        collateral("BTC", coinBtc);
        collateral("DOGE", 1_000); // no price: unvalued, never 0
        PortfolioRisk r = evaluate();

        double equity = 200_000 + coinBtc * BTC_S * (1 - HAIRCUT_BTC) + positionsValue(T0);
        assertClose(r.getEquity(), equity, "equity");
        assertClose(r.getCollateralValue(), 200_000 + coinBtc * BTC_S * (1 - HAIRCUT_BTC), "collateralValue");
        assertThat(r.getUnvaluedAssets()).containsExactly("DOGE");
        assertThat(r.getUnvaluedHoldings()).isEqualTo(1);

        double[] spot = ScenarioAxes.DEFAULT.spotShocks();
        double[] vol = ScenarioAxes.DEFAULT.volShocks();
        assertThat(r.getScenarios().getSpotShocks()).containsExactly(-0.3, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 0.3);
        assertThat(r.getScenarios().getVolShocks()).containsExactly(-0.3, 0.0, 0.5);
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < spot.length; i++) {
            for (int j = 0; j < vol.length; j++) {
                double expected = oraclePnl(spot[i], vol[j], coinBtc, T0);
                assertClose(r.getScenarios().getGrid().get(i * vol.length + j), expected, "cell " + spot[i] + "/" + vol[j]);
                min = Math.min(min, expected);
            }
        }
        assertClose(r.getScenarios().getWorstLoss(), Math.max(0, -min), "worstLoss");
        assertClose(r.getMargin(), Math.max(0, -min), "margin");
        assertClose(r.getMarginUsage(), Math.max(0, -min) / equity, "marginUsage");

        // Totals: deltaUsd includes the coin; P&L identity per fill history.
        double deltaUsd = coinBtc * BTC_S + perpQty * BTC_S;
        for (Opt o : options) {
            double s = o.ins().getUnderlying().equals("BTC") ? BTC_S : ETH_S;
            double h = o.forward() * 1e-5;
            double delta = (o.value(h / o.forward(), 0, T0) - o.value(-h / o.forward(), 0, T0)) / (2 * h);
            deltaUsd += delta * s;
        }
        assertThat(r.getDeltaUsd()).isCloseTo(deltaUsd, org.assertj.core.data.Offset.offset(1e-5 * Math.abs(deltaUsd)));
        assertClose(r.getRealizedPnl(), 2_000, "realized");
        assertClose(r.getFees(), feesPaid, "fees");
        double marks = perpQty * BTC_S;
        for (Opt o : options) {
            marks += o.value(0, 0, T0);
        }
        assertClose(r.getRealizedPnl() + r.getUnrealizedPnl() - r.getFees(), cashFlows + marks, "realized + unrealized − fees");
        assertThat(r.getUnderlyings()).extracting(u -> u.getUnderlying()).containsExactly("BTC", "ETH");
        assertThat(r.getSequence()).isEqualTo(1);
    }

    /** The crossing nearest 0 on one side, by the oracle alone: scan by 0.01, bisect to 1e-10. */
    private Double oracleLiquidation(double equity, double coinBtc, int direction) {
        double bound = direction < 0 ? 0.95 : 3.0;
        double inside = 0;
        for (int k = 1; ; k++) {
            double m = direction * Math.min(k * 0.01, bound);
            if (equity + oraclePnl(m, 0, coinBtc, T0) <= 0) {
                double outside = m;
                while (Math.abs(outside - inside) > 1e-10) {
                    double mid = (inside + outside) / 2;
                    if (equity + oraclePnl(mid, 0, coinBtc, T0) <= 0) {
                        outside = mid;
                    } else {
                        inside = mid;
                    }
                }
                return outside;
            }
            if (Math.abs(m) >= bound) {
                return null;
            }
            inside = m;
        }
    }

    @Test
    void liquidationMovesAreTheOraclesCrossingsToTheSearchTolerance() {
        double coinBtc = 1.5;
        collateral("USDC", 200_000);
        collateral("BTC", coinBtc);
        PortfolioRisk r = evaluate();
        double equity = r.getEquity();
        Double up = oracleLiquidation(equity, coinBtc, +1);
        Double down = oracleLiquidation(equity, coinBtc, -1);
        assertThat(up).as("the short calls wipe the book out on a rally").isNotNull();
        assertThat(r.getLiquidationMoveUp()).isNotNull();
        assertThat(r.getLiquidationMoveUp()).isCloseTo(up, org.assertj.core.data.Offset.offset(1.01e-4));
        assertThat(r.getLiquidationMoveUp()).isGreaterThanOrEqualTo(up - 1e-9); // the outer end of the bracket
        if (down == null) {
            assertThat(r.getLiquidationMoveDown()).isNull();
        } else {
            assertThat(r.getLiquidationMoveDown()).isCloseTo(down, org.assertj.core.data.Offset.offset(1.01e-4));
        }
    }

    @Test
    void marginUsageBreachesOnceWhenCollateralIsWithdrawnAndClearsOnceWhenItIsBack() {
        collateral("USDC", 0);
        PortfolioRisk bare = evaluate();
        double margin = bare.getMargin();
        double e0 = bare.getEquity(); // equity without the USDC
        assertThat(margin).isPositive();
        double comfortable = margin / 0.5 - e0;
        double tight = margin / 0.95 - e0;

        collateral("USDC", comfortable);
        evaluate();
        signals.clear(); // whatever the bare book decided
        assertThat(portfolio.meta().getMarginBreached()).isFalse();

        collateral("USDC", tight);
        PortfolioRisk breached = evaluate();
        assertClose(breached.getMarginUsage(), 0.95, "usage when withdrawn");
        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.getType()).isEqualTo(SignalType.MARGIN_USAGE);
            assertThat(s.getStatus()).isEqualTo(SignalStatus.BREACH);
            assertThat(s.getUnderlying()).isEqualTo("*");
            assertThat(s.getSignalId()).matches("mm1/\\*/MARGIN_USAGE/\\d+");
            assertThat(s.getMarginUsage()).isEqualTo(breached.getMarginUsage());
            assertThat(s.getEquity()).isEqualTo(breached.getEquity());
            assertThat(s.getMargin()).isEqualTo(breached.getMargin());
            assertThat(s.getThreshold()).isEqualTo(0.8);
            // C = M/u − E brings it back to the limit.
            double add = margin / 0.8 - breached.getEquity();
            assertThat(s.getReason()).contains("exceeds the limit 0.8").contains("USD of collateral");
            assertThat(add).isPositive();
        });
        evaluate(); // still breached: no repeat
        assertThat(signals).hasSize(1);

        collateral("USDC", comfortable);
        PortfolioRisk cleared = evaluate();
        assertThat(signals).hasSize(2);
        RebalanceSignal c = signals.get(1);
        assertThat(c.getStatus()).isEqualTo(SignalStatus.CLEARED);
        assertThat(c.getType()).isEqualTo(SignalType.MARGIN_USAGE);
        long n = Long.parseLong(signals.get(0).getSignalId().substring(signals.get(0).getSignalId().lastIndexOf('/') + 1));
        assertThat(c.getSignalId()).isEqualTo("mm1/*/MARGIN_USAGE/" + (n + 1));
        assertClose(cleared.getMarginUsage(), 0.5, "usage when added back");
        evaluate();
        assertThat(signals).hasSize(2);
    }

    @Test
    void aLiquidationMoveWithinTheBufferBreachesOnceAndTheLimitsRemovalClears() {
        collateral("USDC", 0);
        PortfolioRisk bare = evaluate();
        double e0 = bare.getEquity();
        // Just enough USDC that the rally liquidates within +30%, and the limit 0.5.
        double thin = bare.getMargin() / 0.9 - e0;
        collateral("USDC", thin);
        RiskLimits buffer = RiskLimits.newBuilder(limits).setMaxMarginUsage(null).setMinLiquidationMove(0.5).build();
        signals.clear();
        portfolio.evaluate(T0, Map.of("BTC", BTC_S, "ETH", ETH_S), buffer, out);
        PortfolioRisk r = risks.get(risks.size() - 1);
        assertThat(r.getLiquidationMoveUp()).isNotNull().isLessThan(0.5);
        assertThat(signals).filteredOn(s -> s.getType() == SignalType.LIQUIDATION_BUFFER).singleElement().satisfies(s -> {
            assertThat(s.getStatus()).isEqualTo(SignalStatus.BREACH);
            assertThat(s.getLiquidationMoveUp()).isEqualTo(r.getLiquidationMoveUp());
            assertThat(s.getThreshold()).isEqualTo(0.5);
            assertThat(s.getReason()).contains("within the buffer 50");
        });
        portfolio.evaluate(T0, Map.of("BTC", BTC_S, "ETH", ETH_S), buffer, out);
        assertThat(signals).filteredOn(s -> s.getType() == SignalType.LIQUIDATION_BUFFER).hasSize(1);
        RiskLimits none = RiskLimits.newBuilder(buffer).setMinLiquidationMove(null).build();
        portfolio.evaluate(T0, Map.of("BTC", BTC_S, "ETH", ETH_S), none, out);
        assertThat(signals).filteredOn(s -> s.getType() == SignalType.LIQUIDATION_BUFFER)
                .extracting(RebalanceSignal::getStatus).containsExactly(SignalStatus.BREACH, SignalStatus.CLEARED);
    }

    @Test
    void aTombstoneDeletesABalance() {
        collateral("USDC", 50_000);
        double with = evaluate().getCollateralValue();
        portfolio.applyCollateral("mm1", CollateralUpdate.holding("deribit", "USDC"), null);
        assertThat(with).isEqualTo(50_000);
        assertThat(evaluate().getCollateralValue()).isZero();
    }

    @Test
    void aPureSpotMoveIsExplainedByDeltaAndGammaAndTheTotalIsTheValueChange() {
        long t1 = T0 + 1_000;
        List<Opt> moved = new ArrayList<>();
        for (Opt o : options) {
            moved.add(new Opt(o.ins(), o.qty(), o.forward() * 1.001, o.vol()));
        }
        double before = positionsValue(T0);
        btc.refresh(t1, market("BTC", 2, t1, BTC_S * 1.001, moved), limits, Limits.stamp(limits), books);
        eth.refresh(t1, market("ETH", 2, t1, ETH_S * 1.001, moved), limits, Limits.stamp(limits), books);
        BookSummary last = books.summaries.get(books.summaries.size() - 1);
        assertThat(last.getFill()).isFalse();
        assertThat(last.getExplainTo()).isEqualTo(t1);
        PortfolioRisk r = evaluate();

        double after = perpQty * (BTC_S * 1.001 - perpEntry);
        for (Opt o : moved) {
            after += o.value(0, 0, t1);
        }
        double total = after - before;
        assertClose(r.getExplain().getTotal(), total, "explain total = change of the positions' value");
        double explained = r.getExplain().getDelta() + r.getExplain().getGamma() + r.getExplain().getTheta();
        assertThat(Math.abs(total - explained)).as("unexplained of a 0.1% move").isLessThan(1e-3 * Math.abs(total));
        assertThat(r.getExplain().getVega()).isZero();
        assertThat(r.getExplain().getSince()).isEqualTo(Instant.ofEpochMilli(PnlExplain.dayStart(t1, 0)));
    }

    @Test
    void aSummaryWithoutAColumnKeepsTheBooksLastColumn() {
        BookSummary withColumn = books.summaries.get(books.summaries.size() - 1);
        assertThat(withColumn.getScenarioSet()).isNotNull();
        PortfolioRisk first = evaluate();
        BookSummary bare = BookSummary.newBuilder(withColumn).setFill(false).setScenarioSet(null).build();
        assertThat(portfolio.applySummary(bare)).isFalse();
        PortfolioRisk second = evaluate();
        assertThat(second.getScenarios().getGrid()).isEqualTo(first.getScenarios().getGrid());
        assertThat(second.getSequence()).isEqualTo(first.getSequence() + 1);
    }

    @Test
    void fillsSinceTheSetAreAddedToItAndAFillForAnotherSetLeavesTheBookOutOfTheGrid() {
        // The BTC book's first fill sent its set; the three after it went out alone, in the fill form.
        List<BookSummary> btcSummaries = books.summaries.stream().filter(x -> x.getUnderlying().equals("BTC")).toList();
        assertThat(btcSummaries.get(0).getScenarioSet()).isNotNull();
        for (BookSummary x : btcSummaries.subList(1, btcSummaries.size())) {
            assertThat(x.getScenarioSet()).isNull();
            assertThat(x.getScenarioFills().remaining()).isEqualTo(ScenarioSet.FILL_BYTES);
            assertThat(x.getColumnAsOf()).isEqualTo(btcSummaries.get(0).getColumnAsOf());
        }
        PortfolioRisk held = evaluate();
        assertThat(held.getUnderlyings().get(0).getUnpricedPositions()).isZero();
        // A fill for a set built at another time: the portfolio does not hold that set.
        BookSummary last = btcSummaries.get(btcSummaries.size() - 1);
        portfolio.applySummary(BookSummary.newBuilder(last).setColumnAsOf(last.getColumnAsOf() + 1).build());
        PortfolioRisk without = evaluate();
        assertThat(without.getUnderlyings().get(0).getUnderlying()).isEqualTo("BTC");
        assertThat(without.getUnderlyings().get(0).getUnpricedPositions()).as("BTC left out of the grid")
                .isEqualTo(last.getPositions()).isEqualTo(3);
        // The book's next set brings it back.
        portfolio.applySummary(btcSummaries.get(0));
        assertThat(evaluate().getUnderlyings().get(0).getUnpricedPositions()).isZero();
    }
}
