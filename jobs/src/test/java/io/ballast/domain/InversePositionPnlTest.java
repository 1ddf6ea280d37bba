package io.ballast.domain;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Average-cost P&amp;L of inverse contracts, against computations written apart from it. */
class InversePositionPnlTest {

    private static final MathContext MC = MathContext.DECIMAL128;
    private static final double CV = 10;

    @Test
    void theAverageEntryIsTheHarmonicMeanAndACloseRealizesCoin() {
        // 1,000 contracts at 100,000 and 1,000 at 125,000: A = 2/(1/100,000 + 1/125,000) = 111,111.1...
        InversePositionPnl p = InversePositionPnl.flat(CV).apply(1_000, 100_000, 0).apply(1_000, 125_000, 0);
        assertThat(p.averageEntry()).isCloseTo(2 / (1 / 100_000.0 + 1 / 125_000.0), within(1e-6));
        // Closing 500 at 120,000: coin 500·10·(1/A − 1/120,000); USD that × 120,000.
        InversePositionPnl closed = p.apply(-500, 120_000, 1.5);
        double coin = 500 * CV * (1 / p.averageEntry() - 1 / 120_000.0);
        assertThat(closed.realizedCoin()).isCloseTo(coin, within(1e-15));
        assertThat(closed.realized()).isCloseTo(coin * 120_000, within(1e-9));
        assertThat(closed.averageEntry()).isEqualTo(p.averageEntry());
        assertThat(closed.fees()).isEqualTo(1.5);
        // What is left, at 130,000: coin 1,500·10·(1/A − 1/130,000), USD at 130,000; delta 1,500·10/130,000.
        assertThat(closed.unrealizedCoin(130_000)).isCloseTo(1_500 * CV * (1 / p.averageEntry() - 1 / 130_000.0), within(1e-15));
        assertThat(closed.unrealized(130_000)).isCloseTo(closed.unrealizedCoin(130_000) * 130_000, within(1e-9));
        assertThat(closed.delta(130_000)).isEqualTo(1_500 * CV / 130_000);
        // Crossing zero: closes the 1,500 and opens −500 at the fill's price.
        InversePositionPnl crossed = closed.apply(-2_000, 90_000, 0);
        assertThat(crossed.quantity()).isEqualTo(-500);
        assertThat(crossed.averageEntry()).isEqualTo(90_000);
        assertThat(crossed.realizedCoin()).isCloseTo(coin + 1_500 * CV * (1 / p.averageEntry() - 1 / 90_000.0), within(1e-15));
    }

    @Test
    void aShortGainsCoinWhenThePriceFalls() {
        InversePositionPnl p = InversePositionPnl.flat(CV).apply(-10_000, 100_000, 0);
        // Short $100,000 at 100,000, covered at 80,000: +10,000·10·(1/80,000 − 1/100,000) = +0.25 BTC = $20,000 at 80,000.
        InversePositionPnl flat = p.apply(10_000, 80_000, 0);
        assertThat(flat.realizedCoin()).isCloseTo(0.25, within(1e-15));
        assertThat(flat.realized()).isCloseTo(20_000, within(1e-9));
        assertThat(flat.quantity()).isZero();
        assertThat(flat.averageEntry()).isZero();
        assertThat(flat.unrealizedCoin(50_000)).isZero();
    }

    /**
     * Random fills: realized + unrealized coin against an independent computation. The oracle keeps the open
     * position's cost in coin terms, B = Σ open contracts/entry price, in 34-digit decimals: an increase adds q/p; a
     * close of c contracts takes its share c/Q of B and realizes cv·(share − c/p); a crossing closes everything and
     * opens the rest at p. The total is checked once more against cv·(Σ q/p − Q/P), which needs no average at all.
     */
    @Test
    void randomFillsAgreeWithAnIndependentCoinLedger() {
        Random random = new Random(15);
        for (int run = 0; run < 200; run++) {
            InversePositionPnl p = InversePositionPnl.flat(CV);
            BigDecimal q = BigDecimal.ZERO;
            BigDecimal basis = BigDecimal.ZERO;
            BigDecimal realized = BigDecimal.ZERO;
            BigDecimal realizedUsd = BigDecimal.ZERO;
            BigDecimal flows = BigDecimal.ZERO;
            BigDecimal cv = new BigDecimal(CV);
            double fees = 0;
            int fills = 1 + random.nextInt(40);
            for (int i = 0; i < fills; i++) {
                double qty = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(5_000));
                double price = Math.round((60_000 + 80_000 * random.nextDouble()) * 2) / 2.0;
                double fee = random.nextDouble() - 0.2;
                p = p.apply(qty, price, fee);
                fees += fee;
                BigDecimal dq = new BigDecimal(qty);
                BigDecimal bp = new BigDecimal(price);
                flows = flows.add(dq.divide(bp, MC));
                BigDecimal next = q.add(dq);
                if (q.signum() == 0 || q.signum() == dq.signum()) {
                    basis = basis.add(dq.divide(bp, MC));
                } else if (next.signum() == 0 || next.signum() == q.signum()) {
                    BigDecimal c = dq.negate();
                    BigDecimal share = basis.multiply(c).divide(q, MC);
                    BigDecimal coin = cv.multiply(share.subtract(c.divide(bp, MC)));
                    realized = realized.add(coin);
                    realizedUsd = realizedUsd.add(coin.multiply(bp));
                    basis = basis.subtract(share);
                } else {
                    BigDecimal coin = cv.multiply(basis.subtract(q.divide(bp, MC)));
                    realized = realized.add(coin);
                    realizedUsd = realizedUsd.add(coin.multiply(bp));
                    basis = next.divide(bp, MC);
                }
                q = next;
            }
            double mark = 50_000 + 100_000 * random.nextDouble();
            BigDecimal unrealized = cv.multiply(basis.subtract(q.divide(new BigDecimal(mark), MC)));
            double scale = CV * 5_000 * fills / 60_000; // coin of the largest fills
            assertThat(p.exactQuantity().compareTo(q)).isZero();
            assertThat(p.realizedCoin()).as("run %d realized", run).isCloseTo(realized.doubleValue(), within(1e-12 * scale));
            assertThat(p.realized()).as("run %d realized USD", run).isCloseTo(realizedUsd.doubleValue(), within(1e-12 * scale * 140_000));
            assertThat(p.unrealizedCoin(mark)).as("run %d unrealized", run).isCloseTo(unrealized.doubleValue(), within(1e-12 * scale));
            double total = cv.multiply(flows.subtract(q.divide(new BigDecimal(mark), MC))).doubleValue();
            assertThat(p.realizedCoin() + p.unrealizedCoin(mark)).isCloseTo(total, within(1e-12 * scale));
            assertThat(p.unrealized(mark)).isCloseTo(p.unrealizedCoin(mark) * mark, within(1e-9 * Math.max(1, Math.abs(p.unrealized(mark)))));
            assertThat(p.fees()).isCloseTo(fees, within(1e-9));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> InversePositionPnl.flat(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InversePositionPnl.flat(CV).apply(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InversePositionPnl.flat(CV).apply(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InversePositionPnl.of(CV, BigDecimal.ONE, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
