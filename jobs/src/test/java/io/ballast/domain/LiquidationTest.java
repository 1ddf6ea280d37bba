package io.ballast.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The liquidation search against hand arithmetic and brute force on a fine lattice. */
class LiquidationTest {

    private static final LiquidationSearch SEARCH = LiquidationSearch.DEFAULT;

    /** The first m on the lattice ±k·step (k ≥ 1) within the bound where equity + pnl(m) ≤ 0, or null. */
    static Double bruteForce(double equity, DoubleUnaryOperator pnl, double bound, double step) {
        double direction = Math.signum(bound);
        for (int k = 1; k * step <= Math.abs(bound) + 1e-12; k++) {
            double m = direction * k * step;
            if (equity + pnl.applyAsDouble(m) <= 0) {
                return m;
            }
        }
        return null;
    }

    @Test
    void aLongLinearBookIsWipedOutByTheFallThatEatsItsEquity() {
        // 10 BTC long at 50,000 with 120,000 of equity: 120,000 + 500,000·m ≤ 0 from m = −0.24.
        UnderlyingPositions btc = new UnderlyingPositions("BTC", 50_000, 0, List.of(), 10);
        PortfolioPositions p = new PortfolioPositions(List.of(btc), java.util.Map.of());
        Liquidation.Moves moves = Liquidation.find(120_000, p::pnlOfMove, SEARCH);
        assertThat(moves.down()).isCloseTo(-0.24, within(1e-4)).isLessThanOrEqualTo(-0.24);
        assertThat(moves.up()).isNull();
        assertThat(120_000 + p.pnlOfMove(moves.down())).isLessThanOrEqualTo(0);
    }

    @Test
    void aShortLinearBookIsWipedOutOnTheWayUpAndNotBeyondTheBound() {
        DoubleUnaryOperator pnl = m -> -100_000 * m;       // short 1 unit of S = 100,000
        assertThat(Liquidation.find(150_000, pnl, SEARCH).up()).isCloseTo(1.5, within(1e-4));
        assertThat(Liquidation.find(350_000, pnl, SEARCH).up()).as("needs +350%%, beyond +300%%").isNull();
        assertThat(Liquidation.find(300_000, pnl, SEARCH).up()).as("exactly at the bound").isEqualTo(3.0);
    }

    @Test
    void aDipThatRecoversIsFoundAtItsFirstCrossingWhereBisectingTheRangeWouldFail() {
        // Loses 1.5× equity around −20% and recovers beyond: equity + P&L > 0 at both ends of [−0.95, 0].
        double equity = 1_000;
        DoubleUnaryOperator pnl = m -> -1.5 * equity * Math.exp(-Math.pow((m + 0.2) / 0.05, 2));
        double exact = -0.2 + 0.05 * Math.sqrt(Math.log(1.5));         // 1.5·e^{−x²} = 1
        assertThat(equity + pnl.applyAsDouble(-0.95)).isPositive();
        Double down = Liquidation.find(equity, pnl, SEARCH).down();
        assertThat(down).isCloseTo(exact, within(1e-4));
        assertThat(down).isCloseTo(bruteForce(equity, pnl, -0.95, 1e-5), within(1e-4));
    }

    @Test
    void aShortStraddleWithLongWingsLosesBothWaysThenGains() {
        double f = 100_000;
        double tau = 7 / 365.0;
        List<OptionPosition> options = List.of(
                new OptionPosition(true, 100_000, tau, -10, 1, f, 0.6),
                new OptionPosition(false, 100_000, tau, -10, 1, f, 0.6),
                new OptionPosition(false, 80_000, tau, 20, 1, f, 0.9),
                new OptionPosition(true, 120_000, tau, 20, 1, f, 0.9));
        PortfolioPositions p = new PortfolioPositions(
                List.of(new UnderlyingPositions("BTC", f, 0, options, 0)), java.util.Map.of());
        double equity = 25_000;
        Liquidation.Moves moves = Liquidation.find(equity, p::pnlOfMove, SEARCH);
        assertThat(p.pnlOfMove(-0.6)).as("the wings pay far out").isPositive();
        assertThat(moves.down()).isNotNull().isCloseTo(bruteForce(equity, p::pnlOfMove, -0.95, 1e-5), within(1e-4));
        assertThat(moves.up()).isNotNull().isCloseTo(bruteForce(equity, p::pnlOfMove, 3.0, 1e-5), within(1e-4));
    }

    @Test
    void aDipNarrowerThanTheScanStepIsMissedAsDocumented() {
        // Below 0 only on (−0.1052, −0.1048): between the scan points −0.10 and −0.11.
        DoubleUnaryOperator pnl = m -> Math.abs(m + 0.105) < 0.0002 ? -2_000 : 0;
        assertThat(Liquidation.find(1_000, pnl, SEARCH).down()).isNull();
        LiquidationSearch fine = new LiquidationSearch(-0.95, 3.0, 0.0001, 0.0001);
        assertThat(Liquidation.find(1_000, pnl, fine).down()).isCloseTo(-0.1048, within(1e-4));
    }

    @Test
    void noEquityMeansLiquidatedAlready() {
        Liquidation.Moves moves = Liquidation.find(0, m -> 0, SEARCH);
        assertThat(moves.down()).isZero();
        assertThat(moves.up()).isZero();
    }

    @Test
    void largestLossWithinABound() {
        DoubleUnaryOperator pnl = m -> -1_000 * m * m + 50 * m;   // worst of [−0.15, 0] at −0.15: −22.5 − 7.5
        assertThat(Liquidation.maxLossWithin(pnl, -0.15, 0.01)).isCloseTo(30, within(1e-9));
        assertThat(Liquidation.maxLossWithin(pnl, 0.04, 0.01)).isZero();   // 50m − 1000m² ≥ 0 up to 0.05
    }

    @Test
    void badSearchesAreRefused() {
        assertThatThrownBy(() -> new LiquidationSearch(-1, 3, 0.01, 1e-4)).hasMessageContaining("-1.0");
        assertThatThrownBy(() -> new LiquidationSearch(-0.9, 3, 0.01, 0.1)).hasMessageContaining("0.1");
        assertThatThrownBy(() -> Liquidation.find(1, m -> Double.NaN, SEARCH)).hasMessageContaining("NaN");
    }

    @Test
    void theGuidedBisectionEndsWhereBisectionDoesWithFewerRevaluations() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        int guidedCalls = 0;
        int plainCalls = 0;
        for (int trial = 0; trial < 500; trial++) {
            // A smooth P&L with one crossing in a scan step: equity + a·m + b·m² + c·m³, increasing loss outward.
            double dir = r.nextBoolean() ? 1 : -1;
            double inside = dir * 0.01 * (1 + r.nextInt(50));
            double outside = inside + dir * 0.01;
            double root = inside + (outside - inside) * (0.001 + 0.998 * r.nextDouble());
            double slope = -(1_000 + r.nextDouble() * 1e6) * dir;
            double curve = r.nextDouble() * 1e6;
            double cubic = (r.nextDouble() - 0.5) * 1e6;
            DoubleUnaryOperator f = m -> slope * (m - root) + curve * (m - root) * (m - root) * Math.signum(slope * (m - root))
                    + cubic * Math.pow(m - root, 3) * 1e-3;
            int[] calls = new int[1];
            DoubleUnaryOperator counted = m -> {
                calls[0]++;
                return f.applyAsDouble(m);
            };
            double equity = 0; // f already holds equity: the crossing is f = 0
            double fIn = f.applyAsDouble(inside);
            double fOut = f.applyAsDouble(outside);
            if (!(fIn > 0 && fOut <= 0)) {
                continue;
            }
            double guided = Liquidation.guidedBisect(equity, counted, SEARCH, inside, fIn, outside, fOut, null);
            guidedCalls += calls[0];
            calls[0] = 0;
            double plain = Liquidation.bisect(equity, counted, SEARCH, inside, outside);
            plainCalls += calls[0];
            assertThat(guided).as("trial %d", trial).isEqualTo(plain);
            // The previous search's move as the hint: its cell is checked first (two revaluations at most), the
            // same move. A hint elsewhere in the bracket costs the check and then finds the same move.
            calls[0] = 0;
            assertThat(Liquidation.guidedBisect(equity, counted, SEARCH, inside, fIn, outside, fOut, plain)).isEqualTo(plain);
            assertThat(calls[0]).isLessThanOrEqualTo(2);
            double elsewhere = inside + (outside - inside) * r.nextDouble();
            assertThat(Liquidation.guidedBisect(equity, counted, SEARCH, inside, fIn, outside, fOut, elsewhere)).isEqualTo(plain);
            assertThat(Liquidation.guidedBisect(equity, counted, SEARCH, inside, fIn, outside, fOut, -plain)).isEqualTo(plain);
        }
        assertThat(plainCalls).isGreaterThan(1_000);
        assertThat(guidedCalls).as("revaluations: guided %d, plain %d", guidedCalls, plainCalls).isLessThan(plainCalls / 2);
    }

    @Test
    void withTwoCrossingsInTheBracketTheGuidedBisectionStillEndsAtOrBelowZeroWithinTolerance() {
        // equity + P dips below 0 between 0.012 and 0.013, comes back, and falls for good after 0.018.
        DoubleUnaryOperator f = m -> -(m - 0.012) * (m - 0.013) * (m - 0.018) * 1e9;
        double inside = 0.01;
        double outside = 0.02;
        double found = Liquidation.guidedBisect(0, f, SEARCH, inside, f.applyAsDouble(inside), outside, f.applyAsDouble(outside), null);
        assertThat(f.applyAsDouble(found)).isLessThanOrEqualTo(0);
        boolean nearACrossing = (found >= 0.012 && found <= 0.012 + SEARCH.tolerance())
                || (found >= 0.018 && found <= 0.018 + SEARCH.tolerance());
        assertThat(nearACrossing).as("%s within tolerance past a downward crossing", found).isTrue();
    }
}
