package io.ballast.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link ScenarioSet}: the figures a book sends the portfolio equal the revaluation of its positions, a fill
 * added as an entry of its own gives what a set built with it would, the coarse bounds bound, and the
 * bounded liquidation search finds what the plain scan of {@link Liquidation#find(double,
 * java.util.function.DoubleUnaryOperator, LiquidationSearch)} finds on the positions.
 */
class ScenarioSetTest {

    private static final ScenarioAxes AXES = ScenarioAxes.DEFAULT;
    private static final LiquidationSearch SEARCH = LiquidationSearch.DEFAULT;

    /** A random book of calls and puts, long and short, a week to a year out, around S. */
    private static UnderlyingPositions book(SplittableRandom r, String underlying, double s, int options) {
        List<OptionPosition> list = new ArrayList<>();
        for (int i = 0; i < options; i++) {
            double tau = (7 + r.nextInt(358)) / 365.0;
            double strike = s * (0.5 + r.nextDouble());
            double forward = s * (1 + 0.02 * tau);
            double q = Math.round((r.nextDouble() * 20 - 10) * 10) / 10.0;
            list.add(new OptionPosition(r.nextBoolean(), strike, tau, q == 0 ? 1 : q, 1, forward, 0.3 + 0.6 * r.nextDouble()));
        }
        return new UnderlyingPositions(underlying, s, 0.01, list, r.nextDouble() * 40 - 20);
    }

    @Test
    void aSetBuiltFromABookRevaluesItsPositions() {
        SplittableRandom r = new SplittableRandom(7);
        UnderlyingPositions btc = book(r, "BTC", 100_000, 40);
        ScenarioSet set = ScenarioSet.of(btc, AXES, SEARCH);
        double scale = 1e-12 * 100_000 * 400;
        double[] expected = btc.column(AXES).cells();
        double[] cells = set.column().cells();
        for (int i = 0; i < cells.length; i++) {
            assertThat(cells[i]).as("cell %d", i).isCloseTo(expected[i], within(scale));
        }
        for (double m : new double[] {-0.95, -0.5, -0.013, 0, 0.0001, 0.2, 1.7, 3.0}) {
            assertThat(set.pnl(m)).as("pnl(%s)", m).isCloseTo(btc.pnl(m, 0), within(scale));
        }
        double[] sizes = ScenarioSet.coarseSizes(SEARCH, false);
        double[] up = set.coarse(false);
        for (int j = 0; j < sizes.length; j++) {
            assertThat(up[j]).as("coarse up %d", j).isCloseTo(btc.pnl(sizes[j], 0), within(scale));
        }
        assertThat(sizes[sizes.length - 1]).isEqualTo(3.0);
        assertThat(ScenarioSet.coarseSizes(SEARCH, true)[ScenarioSet.coarseSizes(SEARCH, true).length - 1]).isEqualTo(0.95);
    }

    @Test
    void aFillAddedAsAnEntryGivesWhatASetBuiltWithItWould() {
        SplittableRandom r = new SplittableRandom(11);
        UnderlyingPositions before = book(r, "ETH", 4_000, 25);
        OptionPosition fill = new OptionPosition(false, 3_600, 30 / 365.0, -12, 1, 4_010, 0.7);
        double linearFill = 3.5; // units of underlying
        ScenarioSet incremental = ScenarioSet.of(before, AXES, SEARCH);
        incremental.addOption(fill, before.rate());
        incremental.addLinear(linearFill * before.referencePrice());
        List<OptionPosition> all = new ArrayList<>(before.options());
        all.add(fill);
        UnderlyingPositions after = new UnderlyingPositions("ETH", 4_000, before.rate(), all,
                before.linearUnits() + linearFill);
        ScenarioSet rebuilt = ScenarioSet.of(after, AXES, SEARCH);
        double scale = 1e-12 * 4_000 * 400;
        assertThat(incremental.entries()).isEqualTo(26);
        for (int i = 0; i < AXES.spotCount() * AXES.volCount(); i++) {
            assertThat(incremental.column().cells()[i]).isCloseTo(rebuilt.column().cells()[i], within(scale));
        }
        for (boolean down : new boolean[] {true, false}) {
            double[] a = incremental.coarse(down);
            double[] b = rebuilt.coarse(down);
            for (int j = 0; j < a.length; j++) {
                assertThat(a[j]).isCloseTo(b[j], within(scale));
            }
        }
        assertThat(incremental.pnl(-0.37)).isCloseTo(after.pnl(-0.37, 0), within(scale));
    }

    @Test
    void theCoarseBoundsAreBelowThePnlAtEveryScanPointOfTheirStep() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            UnderlyingPositions b = book(r, "BTC", 90_000, 1 + r.nextInt(30));
            ScenarioSet set = ScenarioSet.of(b, AXES, SEARCH);
            for (boolean down : new boolean[] {true, false}) {
                double[] sizes = ScenarioSet.coarseSizes(SEARCH, down);
                double[] bounds = set.bounds(down);
                double sign = down ? -1 : 1;
                for (int j = 0; j + 1 < sizes.length; j++) {
                    for (double size = sizes[j]; size <= sizes[j + 1] + 1e-12; size += SEARCH.scanStep() / 4) {
                        double m = sign * Math.min(size, sizes[j + 1]);
                        assertThat(b.pnl(m, 0)).as("trial %d step %d m %s", trial, j, m)
                                .isGreaterThanOrEqualTo(bounds[j] - 1e-9 * 90_000 * 300);
                    }
                }
            }
        }
    }

    @Test
    void theBoundedSearchFindsWhatThePlainScanFinds() {
        SplittableRandom r = new SplittableRandom(5);
        int found = 0;
        for (int trial = 0; trial < 60; trial++) {
            UnderlyingPositions btc = book(r, "BTC", 100_000, 1 + r.nextInt(25));
            UnderlyingPositions eth = book(r, "ETH", 4_000, 1 + r.nextInt(25));
            double coin = r.nextDouble() * 200_000 - 100_000;
            PortfolioPositions p = new PortfolioPositions(List.of(btc, eth), Map.of("BTC", coin));
            List<ScenarioSet> sets = List.of(ScenarioSet.of(btc, AXES, SEARCH), ScenarioSet.of(eth, AXES, SEARCH));
            // Equities from just above the loss of a small move to far beyond the worst one: crossings near 0,
            // in the middle, and none at all.
            double worst = 0;
            for (double m = -0.95; m <= 3.0; m += 0.05) {
                worst = Math.min(worst, p.pnlOfMove(m));
            }
            for (double equity : new double[] {1, -p.pnlOfMove(-0.02) + 1, -p.pnlOfMove(0.4) + 10, -worst / 2,
                    -worst * 1.01 + 1, 1e9}) {
                Liquidation.Moves plain = Liquidation.find(equity, p::pnlOfMove, SEARCH);
                Liquidation.Moves bounded = Liquidation.find(equity, sets, coin, SEARCH);
                assertSame(bounded.down(), plain.down(), "trial " + trial + " equity " + equity + " down");
                assertSame(bounded.up(), plain.up(), "trial " + trial + " equity " + equity + " up");
                if (plain.down() != null || plain.up() != null) {
                    found++;
                }
            }
        }
        assertThat(found).as("trials with a crossing").isGreaterThan(100);
        assertThat(Liquidation.find(0, List.of(), 0, SEARCH)).isEqualTo(new Liquidation.Moves(0.0, 0.0));
    }

    @Test
    void fillsAddedInTheFillFormKeepWhatTheSearchesReadUpToDate() {
        SplittableRandom r = new SplittableRandom(13);
        int found = 0;
        for (int trial = 0; trial < 20; trial++) {
            UnderlyingPositions before = book(r, "BTC", 100_000, 1 + r.nextInt(20));
            // The portfolio's copy: decoded from the wire, then searched (it keeps the scan points and midpoints it read).
            ScenarioSet held = ScenarioSet.decode(ScenarioSet.of(before, AXES, SEARCH).encode(), AXES, SEARCH);
            double worst = 0;
            for (double m = -0.95; m <= 3.0; m += 0.05) {
                worst = Math.min(worst, before.pnl(m, 0));
            }
            double equity = -worst / 2 + 1;
            Liquidation.find(equity, List.of(held), 0, SEARCH);
            // Two fills since the set, as the book sends them.
            OptionPosition fill = new OptionPosition(r.nextBoolean(), 100_000 * (0.7 + 0.6 * r.nextDouble()), 0.1,
                    r.nextDouble() * 20 - 10, 1, 100_500, 0.65);
            byte[] fills = ScenarioSet.concatFills(ScenarioSet.optionFill(fill, before.rate()),
                    ScenarioSet.linearFill(-2 * 100_000));
            assertThat(ScenarioSet.fillCount(fills)).isEqualTo(2);
            assertThat(held.addFills(fills, 0)).isTrue();
            List<OptionPosition> all = new ArrayList<>(before.options());
            all.add(fill);
            UnderlyingPositions after = new UnderlyingPositions("BTC", 100_000, before.rate(), all, before.linearUnits() - 2);
            ScenarioSet rebuilt = ScenarioSet.of(after, AXES, SEARCH);
            double scale = 1e-12 * 100_000 * 400;
            for (int i = 0; i < AXES.spotCount() * AXES.volCount(); i++) {
                assertThat(held.column().cells()[i]).isCloseTo(rebuilt.column().cells()[i], within(scale));
            }
            for (boolean down : new boolean[] {true, false}) {
                for (int k = 0; k < held.coarse(down).length; k++) {
                    assertThat(held.coarse(down)[k]).isCloseTo(rebuilt.coarse(down)[k], within(scale));
                }
            }
            PortfolioPositions p = new PortfolioPositions(List.of(after), Map.of());
            for (double e : new double[] {equity, equity / 3, 1}) {
                Liquidation.Moves plain = Liquidation.find(e, p::pnlOfMove, SEARCH);
                Liquidation.Moves bounded = Liquidation.find(e, List.of(held), 0, SEARCH);
                assertSame(bounded.down(), plain.down(), "trial " + trial + " down");
                assertSame(bounded.up(), plain.up(), "trial " + trial + " up");
                if (plain.down() != null || plain.up() != null) {
                    found++;
                }
                // Searched twice: the second reads what the first kept, and finds the same.
                Liquidation.Moves again = Liquidation.find(e, List.of(held), 0, SEARCH);
                assertThat(again).isEqualTo(bounded);
                // With the previous moves as the hint (as the portfolio searches after a fill): the same moves.
                assertThat(Liquidation.find(e, List.of(held), 0, SEARCH, bounded)).isEqualTo(bounded);
                assertThat(Liquidation.find(e, List.of(held), 0, SEARCH, new Liquidation.Moves(-0.5, 0.5))).isEqualTo(bounded);
            }
        }
        assertThat(found).as("searches with a crossing").isGreaterThan(10);
    }

    @Test
    void fillsNotInTheFillFormAreRefusedWholesale() {
        ScenarioSet set = ScenarioSet.of(book(new SplittableRandom(3), "BTC", 100_000, 3), AXES, SEARCH);
        double[] cells = set.column().cells();
        byte[] good = ScenarioSet.linearFill(1_000);
        assertThat(set.addFills(java.util.Arrays.copyOf(good, good.length - 1), 0)).isFalse();
        byte[] badTag = good.clone();
        java.nio.ByteBuffer.wrap(badTag).putDouble(0, 7);
        assertThat(set.addFills(ScenarioSet.concatFills(good, badTag), 0)).isFalse();
        assertThat(set.addFills(good, 2)).isFalse();
        assertThat(set.column().cells()).containsExactly(cells);
        assertThat(set.linearUsd()).isEqualTo(ScenarioSet.of(book(new SplittableRandom(3), "BTC", 100_000, 3), AXES, SEARCH).linearUsd());
    }

    private static void assertSame(Double actual, Double expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else {
            assertThat(actual).as(what).isNotNull().isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void theWireFormRoundTripsAndIsRefusedOnOtherAxes() {
        SplittableRandom r = new SplittableRandom(9);
        UnderlyingPositions b = book(r, "BTC", 100_000, 12);
        ScenarioSet set = ScenarioSet.of(b, AXES, SEARCH);
        byte[] wire = set.encode();
        ScenarioSet back = ScenarioSet.decode(wire, AXES, SEARCH);
        assertThat(back.entries()).isEqualTo(12);
        assertThat(back.linearUsd()).isEqualTo(set.linearUsd());
        assertThat(back.column().cells()).containsExactly(set.column().cells());
        for (boolean down : new boolean[] {true, false}) {
            assertThat(back.coarse(down)).containsExactly(set.coarse(down));
            assertThat(back.bounds(down)).containsExactly(set.bounds(down));
        }
        assertThat(back.pnl(-0.3)).isEqualTo(set.pnl(-0.3));
        LiquidationSearch other = new LiquidationSearch(-0.5, 3.0, 0.01, 1e-4);
        assertThat(ScenarioSet.decode(wire, AXES, other)).isNull();
        assertThat(ScenarioSet.decode(java.util.Arrays.copyOf(wire, wire.length - 8), AXES, SEARCH)).isNull();
        assertThat(ScenarioSet.decode(null, AXES, SEARCH)).isNull();
    }
}
