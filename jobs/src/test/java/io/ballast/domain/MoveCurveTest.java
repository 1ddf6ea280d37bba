package io.ballast.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The move curve a book can send instead of its positions: exact at the scan points, close between. */
class MoveCurveTest {

    private static final LiquidationSearch SEARCH = LiquidationSearch.DEFAULT;
    private static final double F = 100_000;

    private static UnderlyingPositions straddleBook(double tau) {
        return new UnderlyingPositions("BTC", F, 0.02, List.of(
                new OptionPosition(true, 100_000, tau, -10, 1, F * 1.001, 0.6),
                new OptionPosition(false, 100_000, tau, -10, 1, F * 1.001, 0.6),
                new OptionPosition(false, 80_000, tau, 20, 1, F * 1.001, 0.9),
                new OptionPosition(true, 120_000, 4 * tau, 20, 1, F * 1.004, 0.8)), 1.5);
    }

    @Test
    void atTheScanPointsItIsTheFullRevaluation() {
        UnderlyingPositions book = straddleBook(7 / 365.0);
        MoveCurve curve = MoveCurve.of(book, SEARCH);
        for (int k = 0; k <= 95; k++) {
            double m = -Math.min(k * 0.01, 0.95);
            assertThat(curve.pnl(m)).as("m = %s", m).isEqualTo(book.pnl(m, 0));
        }
        for (int k = 0; k <= 300; k += 7) {
            double m = Math.min(k * 0.01, 3.0);
            assertThat(curve.pnl(m)).as("m = %s", m).isEqualTo(book.pnl(m, 0));
        }
        assertThat(curve.pnl(0)).isZero();
    }

    @Test
    void betweenThemTheHermiteInterpolantIsCloseToTheFullRevaluation() {
        UnderlyingPositions book = straddleBook(7 / 365.0);
        MoveCurve curve = MoveCurve.of(book, SEARCH);
        double notional = 80 * F;
        Random random = new Random(11);
        double worst = 0;
        for (int i = 0; i < 2_000; i++) {
            double m = -0.95 + 3.95 * random.nextDouble();
            worst = Math.max(worst, Math.abs(curve.pnl(m) - book.pnl(m, 0)));
        }
        System.out.printf("move curve: largest interpolation error %.3g USD on %.3g of notional%n", worst, notional);
        assertThat(worst).isLessThan(1e-6 * notional);
    }

    @Test
    void liquidationMovesFromTheCurveAreThoseFromThePositions() {
        for (double equity : new double[] {5_000, 25_000, 60_000, 200_000}) {
            UnderlyingPositions book = straddleBook(7 / 365.0);
            PortfolioPositions p = new PortfolioPositions(List.of(book), Map.of("BTC", 30_000.0));
            MoveCurve curve = MoveCurve.of(book, SEARCH).plus(MoveCurve.collateral(30_000, SEARCH));
            Liquidation.Moves fromPositions = Liquidation.find(equity, p::pnlOfMove, SEARCH);
            Liquidation.Moves fromCurve = Liquidation.find(equity, curve::pnl, SEARCH);
            assertSame(fromCurve.down(), fromPositions.down());
            assertSame(fromCurve.up(), fromPositions.up());
        }
    }

    private static void assertSame(Double a, Double b) {
        if (b == null) {
            assertThat(a).isNull();
        } else {
            assertThat(a).isNotNull().isCloseTo(b, within(1e-4));
        }
    }

    @Test
    void curvesAddAndTravelAsArrays() {
        UnderlyingPositions btc = straddleBook(30 / 365.0);
        UnderlyingPositions eth = new UnderlyingPositions("ETH", 4_000, 0,
                List.of(new OptionPosition(false, 3_500, 0.1, 50, 1, 4_010, 0.7)), -20);
        PortfolioPositions p = new PortfolioPositions(List.of(btc, eth), Map.of("ETH", 12_000.0));
        MoveCurve sum = MoveCurve.of(btc, SEARCH).plus(MoveCurve.of(eth, SEARCH))
                .plus(MoveCurve.collateral(12_000, SEARCH));
        for (double m : new double[] {-0.95, -0.5, -0.3, 0.2, 1.0, 3.0}) {
            assertThat(sum.pnl(m)).isCloseTo(p.pnlOfMove(m), within(1e-9 * 80 * F));
        }
        MoveCurve copy = MoveCurve.of(SEARCH, sum.pnlAtScanPoints(true), sum.slopeAtScanPoints(true),
                sum.pnlAtScanPoints(false), sum.slopeAtScanPoints(false));
        assertThat(copy.pnl(-0.123)).isEqualTo(sum.pnl(-0.123));
        assertThat(sum.pnlAtScanPoints(true)).hasSize(96);
        assertThat(sum.pnlAtScanPoints(false)).hasSize(301);
        assertThatThrownBy(() -> MoveCurve.of(SEARCH, new double[3], new double[96], new double[301], new double[301]))
                .hasMessageContaining("downPnl").hasMessageContaining("had 3");
        assertThatThrownBy(() -> sum.pnl(-0.96)).hasMessageContaining("-0.96");
        assertThatThrownBy(() -> sum.plus(MoveCurve.zero(new LiquidationSearch(-0.9, 3, 0.01, 1e-4))))
                .hasMessageContaining("different searches");
    }
}
