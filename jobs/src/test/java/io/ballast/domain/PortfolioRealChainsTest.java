package io.ballast.domain;

import io.ballast.avro.SignalStatus;
import io.ballast.domain.PortfolioOracle.ChainRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

import static io.ballast.domain.PortfolioOracle.MILLIS_PER_YEAR;
import static io.ballast.domain.PortfolioOracle.black76;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A two-underlying book on the real Deribit chains of {@code ../shared/data/deribit/} (BTC 2025-10-24
 * 20:19 UTC, ETH 2025-10-24 21:02 UTC): short straddles near the money, long wings, a perpetual each, and
 * USDC, BTC and ETH as collateral. Grid, worst loss, margin and liquidation moves against an independent
 * full revaluation written here (textbook Black-76, Commons Numbers' erfc, brute force on a lattice).
 */
class PortfolioRealChainsTest {

    private static final ScenarioAxes AXES = ScenarioAxes.DEFAULT;
    /** Expiries used: 31 Oct, 28 Nov, 26 Dec 2025, 08:00 UTC. */
    private static final Set<Long> EXPIRIES = Set.of(1761897600000L, 1764316800000L, 1766736000000L);

    /** One option of the oracle's book. */
    private record Leg(boolean call, double strike, double tau, double units, double forward, double vol) {
    }

    /** One underlying of the oracle's book. */
    private record Book(String underlying, double s, List<Leg> legs, double linearUnits) {
        double pnl(double spot, double volShock) {
            double sum = linearUnits * s * spot;
            for (Leg l : legs) {
                sum += l.units() * (black76(l.call(), l.forward() * (1 + spot), l.strike(), l.tau(), l.vol() * (1 + volShock), 1)
                        - black76(l.call(), l.forward(), l.strike(), l.tau(), l.vol(), 1));
            }
            return sum;
        }

        double optionValue() {
            double sum = 0;
            for (Leg l : legs) {
                sum += l.units() * black76(l.call(), l.forward(), l.strike(), l.tau(), l.vol(), 1);
            }
            return sum;
        }
    }

    private static Book btc;
    private static Book eth;

    @BeforeAll
    static void readChains() throws IOException {
        btc = book("BTC", PortfolioOracle.readChain("BTC_20251024_231900.csv"), 1, -1.0);
        eth = book("ETH", PortfolioOracle.readChain("ETH_20251025_000209.csv"), 20, 12.0);
    }

    /**
     * Per chosen expiry: short {@code size} of each option within 5% of the forward, long {@code size} of
     * each put below 85% and each call above 115% of it, up to 1.3 and from 0.75. S = the forward of the
     * nearest expiry; τ from the file's last timestamp.
     */
    private static Book book(String underlying, List<ChainRow> rows, double size, double linearUnits) {
        long asOf = rows.stream().mapToLong(ChainRow::timestamp).max().orElseThrow();
        double s = rows.stream().min(Comparator.comparingLong(ChainRow::expiry)).orElseThrow().forward();
        List<Leg> legs = new ArrayList<>();
        for (ChainRow r : rows) {
            double moneyness = r.strike() / r.forward();
            if (!EXPIRIES.contains(r.expiry()) || moneyness < 0.75 || moneyness > 1.3 || !(r.markIvPercent() > 0)) {
                continue;
            }
            double q = Math.abs(Math.log(moneyness)) < 0.05 ? -size
                    : (!r.call() && moneyness < 0.85) || (r.call() && moneyness > 1.15) ? size : 0;
            if (q != 0) {
                legs.add(new Leg(r.call(), r.strike(), (r.expiry() - asOf) / MILLIS_PER_YEAR, q, r.forward(),
                        r.markIvPercent() / 100));
            }
        }
        return new Book(underlying, s, legs, linearUnits);
    }

    private static UnderlyingPositions positions(Book b) {
        List<OptionPosition> options = new ArrayList<>();
        for (Leg l : b.legs()) {
            options.add(new OptionPosition(l.call(), l.strike(), l.tau(), l.units(), 1, l.forward(), l.vol()));
        }
        return new UnderlyingPositions(b.underlying(), b.s(), 0, options, b.linearUnits());
    }

    private static CollateralValue collateral(double usdc) {
        return CollateralValue.of(List.of(
                        new CollateralHolding("deribit", "USDC", usdc),
                        new CollateralHolding("deribit", "BTC", 2),
                        new CollateralHolding("deribit", "ETH", 30)),
                Map.of("BTC", btc.s(), "ETH", eth.s()), Map.of("BTC", 0.1, "ETH", 0.15));
    }

    private static double oracle(double spot, double vol) {
        return btc.pnl(spot, vol) + eth.pnl(spot, vol) + 2 * btc.s() * spot + 30 * eth.s() * spot;
    }

    @Test
    void theChainsAreReadAsTheirReadmeSays() throws IOException {
        // mark_price × forward is Black-76 at mark_iv with r = 0: to the coin price's 4 decimals for nearly
        // every option, to 0.001 coin for all (a few deep in-the-money marks sit off the rounded IV).
        int checked = 0;
        int toTheDecimals = 0;
        for (String file : List.of("BTC_20251024_231900.csv", "ETH_20251025_000209.csv")) {
            for (ChainRow r : PortfolioOracle.readChain(file)) {
                double tau = (r.expiry() - r.timestamp()) / MILLIS_PER_YEAR;
                if (tau < 2 / 365.0 || !(r.markIvPercent() > 0)) {
                    continue;
                }
                double model = black76(r.call(), r.forward(), r.strike(), tau, r.markIvPercent() / 100, 1);
                assertThat(model / r.forward()).as(r.symbol()).isCloseTo(r.markCoin(), within(0.001));
                toTheDecimals += Math.abs(model / r.forward() - r.markCoin()) <= 0.0001 ? 1 : 0;
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1_000);
        assertThat(toTheDecimals).isGreaterThan(checked * 9 / 10);
        assertThat(btc.legs()).hasSizeGreaterThan(20);
        assertThat(eth.legs()).hasSizeGreaterThan(20);
    }

    @Test
    void theGridIsAFullRevaluationOfBothUnderlyingsAndTheCoinCollateral() {
        CollateralValue c = collateral(400_000);
        PortfolioPositions p = new PortfolioPositions(List.of(positions(btc), positions(eth)), c.coinUsd());
        ScenarioGrid grid = p.grid(AXES);
        double[] expected = new double[AXES.spotCount() * AXES.volCount()];
        double maxAbs = 0;
        int worst = 0;
        for (int k = 0; k < expected.length; k++) {
            expected[k] = oracle(AXES.spotShock(k / AXES.volCount()), AXES.volShock(k % AXES.volCount()));
            maxAbs = Math.max(maxAbs, Math.abs(expected[k]));
            worst = expected[k] < expected[worst] ? k : worst;
        }
        double[] cells = grid.cells();
        for (int k = 0; k < cells.length; k++) {
            assertThat(cells[k]).as("cell %d", k).isCloseTo(expected[k], within(1e-8 * maxAbs));
        }
        assertThat(grid.worstLoss()).isCloseTo(Math.max(0, -expected[worst]), within(1e-8 * maxAbs));
        assertThat(grid.worstSpotShock()).isEqualTo(AXES.spotShock(worst / AXES.volCount()));
        assertThat(grid.worstVolShock()).isEqualTo(AXES.volShock(worst % AXES.volCount()));
        // The books' columns, computed alone, add up to the portfolio's grid.
        ScenarioGrid sum = positions(btc).column(AXES).plus(positions(eth).column(AXES))
                .plus(ScenarioGrid.collateral(AXES, c.coinUsd().get("BTC")))
                .plus(ScenarioGrid.collateral(AXES, c.coinUsd().get("ETH")));
        assertThat(sum.cells()).containsExactly(cells);
        // Totals: option values, collateral and the coin's delta.
        assertThat(positions(btc).optionValue() + positions(eth).optionValue())
                .isCloseTo(btc.optionValue() + eth.optionValue(), within(1e-8 * (btc.s() + eth.s() * 20)));
        assertThat(c.collateralValue()).isCloseTo(400_000 + 2 * btc.s() * 0.9 + 30 * eth.s() * 0.85, within(1e-6));
        assertThat(c.coinDeltaUsd()).isCloseTo(2 * btc.s() + 30 * eth.s(), within(1e-6));
        System.out.printf("real-chains grid (USD, spot rows × vol %s):%n", java.util.Arrays.toString(AXES.volShocks()));
        for (int i = 0; i < AXES.spotCount(); i++) {
            System.out.printf("  %+5.0f%%  %14.2f %14.2f %14.2f%n", 100 * AXES.spotShock(i), grid.pnl(i, 0),
                    grid.pnl(i, 1), grid.pnl(i, 2));
        }
    }

    @Test
    void marginAndLiquidationMovesEqualTheOraclesAndTheSignalsFollowTheCollateral() {
        PortfolioPositions p0 = new PortfolioPositions(List.of(positions(btc), positions(eth)), collateral(0).coinUsd());
        // Size the USDC so that a joint fall of 25% (vol unchanged) leaves exactly nothing.
        double bookValue = btc.optionValue() + eth.optionValue();
        double usdcAtMinus25 = -(collateral(0).collateralValue() + bookValue + oracle(-0.25, 0));
        assertThat(usdcAtMinus25).as("the book loses on a 25%% fall").isPositive();
        double usdc = usdcAtMinus25;
        CollateralValue c = collateral(usdc);
        double equity = PortfolioMargin.equity(c.collateralValue(), bookValue, 0, 0);
        ScenarioGrid grid = p0.grid(AXES);
        PortfolioMargin m = PortfolioMargin.of(equity, grid, p0::pnlOfMove, LiquidationSearch.DEFAULT, 0.15);

        DoubleUnaryOperator pnl = move -> oracle(move, 0);
        Double down = LiquidationTest.bruteForce(equity, pnl, -0.95, 1e-4);
        Double up = LiquidationTest.bruteForce(equity, pnl, 3.0, 1e-4);
        System.out.printf("real chains: equity %.2f, margin %.2f, usage %s, down %s (brute %s), up %s (brute %s)%n",
                equity, m.margin(), m.marginUsage(), m.liquidationMoveDown(), down, m.liquidationMoveUp(), up);
        assertThat(m.margin()).isCloseTo(Math.max(0, -min(AXES)), within(1e-8 * Math.abs(min(AXES))));
        assertThat(m.marginUsage()).isCloseTo(m.margin() / equity, within(1e-15));
        assertThat(down).isNotNull();
        assertThat(m.liquidationMoveDown()).isCloseTo(down, within(2e-4)).isCloseTo(-0.25, within(2e-4));
        if (up == null) {
            assertThat(m.liquidationMoveUp()).isNull();
        } else {
            assertThat(m.liquidationMoveUp()).isCloseTo(up, within(2e-4));
        }
        // The same from the books' scenario sets (what the portfolio stage receives instead of positions): the
        // bounded search reads the same full revaluation, so the moves agree to the rounding of the sums.
        List<ScenarioSet> sets = List.of(ScenarioSet.of(positions(btc), AXES, LiquidationSearch.DEFAULT),
                ScenarioSet.of(positions(eth), AXES, LiquidationSearch.DEFAULT));
        double coinUsd = collateral(0).coinUsd().values().stream().mapToDouble(Double::doubleValue).sum();
        Liquidation.Moves fromSets = Liquidation.find(equity, sets, coinUsd, LiquidationSearch.DEFAULT);
        assertThat(fromSets.down()).isCloseTo(m.liquidationMoveDown(), within(1e-12));
        assertThat(fromSets.up()).isEqualTo(m.liquidationMoveUp());

        // MARGIN_USAGE: withdraw USDC until usage is above 0.8, then add it back; one BREACH, one CLEARED.
        PortfolioRules.Limits limits = new PortfolioRules.Limits(0.8, null);
        PortfolioRules.State state = PortfolioRules.State.INITIAL;
        List<PortfolioSignal> signals = new ArrayList<>();
        double generous = m.margin() / 0.5 - (equity - usdc);           // usage 0.5
        double tight = m.margin() / 0.9 - (equity - usdc);              // usage 0.9
        for (double cash : new double[] {generous, tight, tight * 0.99, generous, generous}) {
            double e = PortfolioMargin.equity(collateral(cash).collateralValue(), bookValue, 0, 0);
            PortfolioMargin mm = PortfolioMargin.of(e, grid, p0::pnlOfMove, LiquidationSearch.DEFAULT, null);
            PortfolioRules.Decision d = PortfolioRules.decide(state, "lp1", mm, limits, 0);
            state = d.state();
            signals.addAll(d.signals());
        }
        assertThat(signals).extracting(PortfolioSignal::status).containsExactly(SignalStatus.BREACH, SignalStatus.CLEARED);
        assertThat(signals.get(0).marginUsage()).isCloseTo(0.9, within(1e-9));
        System.out.println("real chains: " + signals.get(0).reason());
        // The collateral the BREACH asks for brings usage back to the limit.
        double add = PortfolioRules.marginCollateralToAdd(signals.get(0).equity(), signals.get(0).margin(), 0.8);
        assertThat(signals.get(0).margin() / (signals.get(0).equity() + add)).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void aPureTenthOfAPercentMoveOfTheRealBtcBookIsExplainedByDeltaAndGamma() {
        io.ballast.quant.Greeks g = new io.ballast.quant.Greeks();
        List<PositionMark> before = new ArrayList<>();
        List<PositionMark> after = new ArrayList<>();
        for (int i = 0; i < btc.legs().size(); i++) {
            Leg l = btc.legs().get(i);
            for (double bump : new double[] {1, 1.001}) {
                double f = l.forward() * bump;
                io.ballast.quant.Black76.greeks(l.call(), f, l.strike(), l.tau(), l.vol(), 1, g);
                (bump == 1 ? before : after).add(new PositionMark("o" + i, l.units(), f, l.units() * g.price(),
                        l.units() * g.delta(), l.units() * g.gamma(), l.units() * g.vega(), l.units() * g.theta(), l.vol()));
            }
        }
        before.add(PositionMark.linear("BTC-PERP", btc.linearUnits(), 1, btc.s(), btc.linearUnits() * btc.s()));
        after.add(PositionMark.linear("BTC-PERP", btc.linearUnits(), 1, btc.s() * 1.001, btc.linearUnits() * btc.s() * 1.001));
        PnlExplain e = PnlExplain.between(new BookMark(0, btc.s(), before), new BookMark(0, btc.s() * 1.001, after));
        System.out.printf("real BTC book, +0.1%%: total %.4f, delta %.4f, gamma %.4f, unexplained %.3g%n",
                e.total(), e.delta(), e.gamma(), e.unexplained());
        assertThat(e.delta() + e.gamma()).isCloseTo(e.total(), within(1e-3 * Math.abs(e.total())));
        assertThat(e.vega()).isZero();
        assertThat(e.theta()).isZero();
    }

    private static double min(ScenarioAxes axes) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < axes.spotCount(); i++) {
            for (int j = 0; j < axes.volCount(); j++) {
                min = Math.min(min, oracle(axes.spotShock(i), axes.volShock(j)));
            }
        }
        return min;
    }
}
