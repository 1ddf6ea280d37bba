package io.ballast.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.ballast.domain.PortfolioOracle.black76;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The stress grid on small books: hand arithmetic and a textbook Black-76 as oracles. */
class ScenarioGridTest {

    private static final ScenarioAxes AXES = ScenarioAxes.DEFAULT;

    @Test
    void defaultAxesAreTheIssues() {
        assertThat(AXES.spotShocks()).containsExactly(-0.30, -0.20, -0.10, -0.05, 0, 0.05, 0.10, 0.20, 0.30);
        assertThat(AXES.volShocks()).containsExactly(-0.30, 0, 0.50);
        assertThatThrownBy(() -> ScenarioAxes.of(new double[] {-1}, new double[] {0})).hasMessageContaining("-1.0");
        assertThatThrownBy(() -> ScenarioAxes.of(new double[] {0.1, 0.1}, new double[] {0})).hasMessageContaining("repeats 0.1");
        assertThatThrownBy(() -> ScenarioAxes.of(new double[] {0}, new double[] {Double.NaN})).hasMessageContaining("NaN");
    }

    @Test
    void linearPositionsAndCoinCollateralMoveBySTimesTheShock() {
        // 2.5 BTC long perp at S = 80,000 and 1 BTC of collateral: cell = 3.5 · 80,000 · s, whatever the vol shock.
        UnderlyingPositions btc = new UnderlyingPositions("BTC", 80_000, 0, List.of(), 2.5);
        PortfolioPositions p = new PortfolioPositions(List.of(btc), Map.of("BTC", 80_000.0));
        ScenarioGrid grid = p.grid(AXES);
        for (int i = 0; i < AXES.spotCount(); i++) {
            for (int j = 0; j < AXES.volCount(); j++) {
                assertThat(grid.pnl(i, j)).isCloseTo(3.5 * 80_000 * AXES.spotShock(i), within(1e-9));
            }
        }
        assertThat(grid.worstLoss()).isCloseTo(84_000, within(1e-9));   // 3.5 · 80,000 · 0.30
        assertThat(grid.worstSpotShock()).isEqualTo(-0.30);
        assertThat(grid.worstVolShock()).isEqualTo(-0.30);               // first of the tied row, row-major
        assertThat(p.pnlOfMove(-0.5)).isCloseTo(-140_000, within(1e-9));
    }

    @Test
    void aShortBookLosesOnTheWayUp() {
        UnderlyingPositions eth = new UnderlyingPositions("ETH", 4_000, 0, List.of(), -10);
        ScenarioGrid grid = eth.column(AXES);
        assertThat(grid.worstLoss()).isCloseTo(12_000, within(1e-9));
        assertThat(grid.worstSpotShock()).isEqualTo(0.30);
        ScenarioGrid flat = ScenarioGrid.zero(AXES);
        assertThat(flat.worstLoss()).isZero();
    }

    @Test
    void optionsAreFullyRevaluedOnEveryCell() {
        double tau = 30 / 365.0;
        double r = 0.03;
        List<OptionPosition> options = List.of(
                new OptionPosition(true, 100_000, tau, -3, 1, 101_000, 0.55),     // short calls
                new OptionPosition(false, 90_000, tau, 5, 1, 101_000, 0.62),      // long puts
                new OptionPosition(false, 110_000, 0.5, -1, 0.1, 104_000, 0.5),   // short put, m = 0.1
                new OptionPosition(true, 50_000, 0, 2, 1, 101_000, 0.5));         // expired: intrinsic
        UnderlyingPositions book = new UnderlyingPositions("BTC", 100_000, r, options, -1.2);
        ScenarioGrid grid = book.column(AXES);
        double maxAbs = 0;
        double[] expected = new double[AXES.spotCount() * AXES.volCount()];
        for (int i = 0; i < AXES.spotCount(); i++) {
            for (int j = 0; j < AXES.volCount(); j++) {
                double s = AXES.spotShock(i);
                double v = AXES.volShock(j);
                double sum = -1.2 * 100_000 * s;
                for (OptionPosition o : options) {
                    double df = Math.exp(-r * o.timeToExpiry());
                    sum += o.quantity() * o.multiplier()
                            * (black76(o.call(), o.forward() * (1 + s), o.strike(), o.timeToExpiry(), o.vol() * (1 + v), df)
                            - black76(o.call(), o.forward(), o.strike(), o.timeToExpiry(), o.vol(), df));
                }
                expected[i * AXES.volCount() + j] = sum;
                maxAbs = Math.max(maxAbs, Math.abs(sum));
            }
        }
        double[] cells = grid.cells();
        for (int k = 0; k < cells.length; k++) {
            assertThat(cells[k]).as("cell %d", k).isCloseTo(expected[k], within(1e-10 * maxAbs));
        }
        assertThat(grid.pnl(4, 1)).as("no shock, no P&L").isZero();
        assertThat(book.pnl(0.1, 0.5)).isEqualTo(grid.pnl(6, 2));
        int worst = 0;
        for (int k = 1; k < expected.length; k++) {
            worst = expected[k] < expected[worst] ? k : worst;
        }
        assertThat(grid.worstLoss()).isCloseTo(Math.max(0, -expected[worst]), within(1e-10 * maxAbs));
        assertThat(grid.worstSpotShock()).isEqualTo(AXES.spotShock(worst / 3));
        assertThat(grid.worstVolShock()).isEqualTo(AXES.volShock(worst % 3));
    }

    @Test
    void columnsOfUnderlyingsAddUpToThePortfolioGrid() {
        UnderlyingPositions btc = new UnderlyingPositions("BTC", 100_000, 0,
                List.of(new OptionPosition(true, 105_000, 0.1, -2, 1, 100_500, 0.5)), 0.8);
        UnderlyingPositions eth = new UnderlyingPositions("ETH", 4_000, 0,
                List.of(new OptionPosition(false, 3_600, 0.2, 30, 1, 4_010, 0.7)), -5);
        PortfolioPositions p = new PortfolioPositions(List.of(btc, eth), Map.of("ETH", 40_000.0));
        ScenarioGrid sum = btc.column(AXES).plus(eth.column(AXES)).plus(ScenarioGrid.collateral(AXES, 40_000));
        assertThat(p.grid(AXES).cells()).containsExactly(sum.cells());
        for (int i = 0; i < AXES.spotCount(); i++) {
            assertThat(p.grid(AXES).pnl(i, 1)).isCloseTo(p.pnlOfMove(AXES.spotShock(i)), within(1e-9));
        }
        ScenarioAxes other = ScenarioAxes.of(new double[] {-0.1, 0.1}, new double[] {0});
        assertThatThrownBy(() -> sum.plus(ScenarioGrid.zero(other))).hasMessageContaining("different axes");
    }

    @Test
    void badPositionsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new OptionPosition(true, -1, 0.1, 1, 1, 100, 0.5)).hasMessageContaining("strike").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> new OptionPosition(true, 1, -0.1, 1, 1, 100, 0.5)).hasMessageContaining("timeToExpiry");
        assertThatThrownBy(() -> new OptionPosition(true, 1, 0.1, 1, 1, 100, Double.NaN)).hasMessageContaining("vol").hasMessageContaining("NaN");
        assertThatThrownBy(() -> new UnderlyingPositions("", 1, 0, List.of(), 0)).hasMessageContaining("underlying");
        assertThatThrownBy(() -> new UnderlyingPositions("BTC", 0, 0, List.of(), 0)).hasMessageContaining("referencePrice").hasMessageContaining("0.0");
        UnderlyingPositions b = new UnderlyingPositions("BTC", 1, 0, List.of(), 1);
        assertThatThrownBy(() -> b.pnl(-1, 0)).hasMessageContaining("spotShock").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> ScenarioGrid.of(AXES, new double[3])).hasMessageContaining("had 3");
    }

    /** A random book: options of random kind, strike, expiry, size and vol, and a linear position. */
    private static UnderlyingPositions randomBook(Random random, String underlying, double s, double scale) {
        List<OptionPosition> options = new ArrayList<>();
        for (int i = 0, n = random.nextInt(8); i < n; i++) {
            options.add(new OptionPosition(random.nextBoolean(), s * (0.6 + 0.8 * random.nextDouble()),
                    random.nextDouble() * 0.5, scale * (random.nextInt(21) - 10), random.nextBoolean() ? 1 : 0.1,
                    s * (0.98 + 0.04 * random.nextDouble()), 0.2 + random.nextDouble()));
        }
        return new UnderlyingPositions(underlying, s, 0.05 * random.nextDouble(), options,
                scale * (random.nextDouble() - 0.5) * 10);
    }

    /** Columns add up to the grid, and every cell is linear in the quantities (a book doubled, its grid doubled). */
    @Property(tries = 200)
    void gridsAreAdditiveAndLinearInTheQuantities(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
        Random random = new Random(seed);
        UnderlyingPositions btc = randomBook(random, "BTC", 60_000 + 60_000 * random.nextDouble(), 1);
        UnderlyingPositions eth = randomBook(random, "ETH", 2_000 + 3_000 * random.nextDouble(), 10);
        double coin = 1e5 * (random.nextDouble() - 0.3);
        ScenarioGrid grid = new PortfolioPositions(List.of(btc, eth), Map.of("BTC", coin)).grid(AXES);
        double[] btcCells = btc.column(AXES).cells();
        double[] ethCells = eth.column(AXES).cells();
        List<OptionPosition> doubled = new ArrayList<>();
        for (OptionPosition o : btc.options()) {
            doubled.add(new OptionPosition(o.call(), o.strike(), o.timeToExpiry(), 2 * o.quantity(), o.multiplier(),
                    o.forward(), o.vol()));
        }
        double[] twice = new UnderlyingPositions("BTC", btc.referencePrice(), btc.rate(), doubled,
                2 * btc.linearUnits()).column(AXES).cells();
        double[] cells = grid.cells();
        double scale = 1e-12 * (Math.abs(coin) + 1e7);
        for (int k = 0; k < cells.length; k++) {
            double s = AXES.spotShock(k / AXES.volCount());
            assertThat(cells[k]).isCloseTo(btcCells[k] + ethCells[k] + coin * s, within(scale));
            assertThat(twice[k]).isCloseTo(2 * btcCells[k], within(scale));
        }
        double min = Double.POSITIVE_INFINITY;
        for (double c : cells) {
            min = Math.min(min, c);
        }
        assertThat(grid.worstLoss()).isEqualTo(Math.max(0, -min));
    }
}
