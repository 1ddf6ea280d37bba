package io.ballast.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Average-cost accounting: hand-computed cases, and the cash-flow identity on random fills. */
class PositionPnlTest {

    private static final double EPS = 1e-9;

    @Test
    void openAddPartialCloseAndCloseALong() {
        PositionPnl p = PositionPnl.flat(1).apply(2, 100, 0.5);           // long 2 @ 100
        assertThat(p.quantity()).isEqualTo(2);
        assertThat(p.averageEntry()).isEqualTo(100);
        assertThat(p.unrealized(110)).isEqualTo(20);
        p = p.apply(2, 120, 0.5);                                          // add: 4 @ (200 + 240)/4 = 110
        assertThat(p.averageEntry()).isCloseTo(110, within(EPS));
        assertThat(p.realized()).isZero();
        p = p.apply(-1, 130, 0.25);                                        // close 1: (130 − 110)·1 = 20
        assertThat(p.quantity()).isEqualTo(3);
        assertThat(p.averageEntry()).isCloseTo(110, within(EPS));
        assertThat(p.realized()).isCloseTo(20, within(EPS));
        assertThat(p.unrealized(100)).isCloseTo(-30, within(EPS));        // 3·(100 − 110)
        p = p.apply(-3, 105, 0.25);                                        // close 3: (105 − 110)·3 = −15
        assertThat(p.quantity()).isZero();
        assertThat(p.averageEntry()).isZero();
        assertThat(p.realized()).isCloseTo(5, within(EPS));
        assertThat(p.fees()).isCloseTo(1.5, within(EPS));
        assertThat(p.unrealized(1_000)).isZero();
    }

    @Test
    void theShortSideRealizesWithTheSignOfThePosition() {
        PositionPnl p = PositionPnl.flat(10).apply(-3, 50, 0);             // short 3 @ 50, m = 10
        p = p.apply(-1, 70, 0);                                            // short 4 @ (150 + 70)/4 = 55
        assertThat(p.averageEntry()).isCloseTo(55, within(EPS));
        assertThat(p.unrealized(60)).isCloseTo(-4 * 10 * 5, within(EPS)); // −4·10·(60 − 55) = −200
        p = p.apply(2, 45, 0);                                             // buy back 2: (45 − 55)·(−2)·10 = +200
        assertThat(p.quantity()).isEqualTo(-2);
        assertThat(p.realized()).isCloseTo(200, within(EPS));
        assertThat(p.averageEntry()).isCloseTo(55, within(EPS));
    }

    @Test
    void aFillThatCrossesZeroClosesAllAndOpensTheRestAtItsPrice() {
        PositionPnl p = PositionPnl.flat(1).apply(2, 100, 0).apply(-5, 90, 1);
        // closes 2: (90 − 100)·2 = −20; opens −3 @ 90
        assertThat(p.quantity()).isEqualTo(-3);
        assertThat(p.averageEntry()).isEqualTo(90);
        assertThat(p.realized()).isCloseTo(-20, within(EPS));
        assertThat(p.fees()).isEqualTo(1);
        p = p.apply(4, 80, 0);                                             // closes −3: (80 − 90)·(−3) = +30; opens 1 @ 80
        assertThat(p.quantity()).isEqualTo(1);
        assertThat(p.averageEntry()).isEqualTo(80);
        assertThat(p.realized()).isCloseTo(10, within(EPS));
    }

    @Test
    void theQuantityIsTheExactSumOfTheFillsWhateverTheirOrder() {
        PositionPnl a = PositionPnl.flat(1).apply(0.1, 100, 0).apply(0.2, 101, 0).apply(-0.3, 102, 0);
        PositionPnl b = PositionPnl.flat(1).apply(-0.3, 102, 0).apply(0.2, 101, 0).apply(0.1, 100, 0);
        java.math.BigDecimal exact = new java.math.BigDecimal(0.1).add(new java.math.BigDecimal(0.2))
                .add(new java.math.BigDecimal(-0.3));
        assertThat(a.exactQuantity()).isEqualByComparingTo(exact);
        assertThat(b.exactQuantity()).isEqualByComparingTo(exact);
        assertThat(a.quantity()).isEqualTo(exact.doubleValue());
    }

    @Test
    void badArgumentsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> PositionPnl.flat(0)).hasMessageContaining("was 0.0");
        PositionPnl p = PositionPnl.flat(1);
        assertThatThrownBy(() -> p.apply(0, 1, 0)).hasMessageContaining("signedQuantity").hasMessageContaining("0.0");
        assertThatThrownBy(() -> p.apply(1, -2, 0)).hasMessageContaining("price").hasMessageContaining("-2.0");
        assertThatThrownBy(() -> p.apply(1, 2, Double.NaN)).hasMessageContaining("fee").hasMessageContaining("NaN");
        assertThatThrownBy(() -> p.apply(1, 2, 5, 0)).hasMessageContaining("5.0");
        assertThatThrownBy(() -> p.unrealized(Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
    }

    /**
     * realized + unrealized − fees = C + Q·m·mark with C = −Σ q·p·m − Σ fee, to 1e-9 relative to the
     * gross size of the flows; after every fill, with a mark drawn independently.
     */
    @Property(tries = 500)
    void realizedPlusUnrealizedMinusFeesEqualsCashFlowsPlusMarkValue(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
            @ForAll @IntRange(min = 1, max = 200) int fills) {
        Random random = new Random(seed);
        double m = random.nextBoolean() ? 1 : Math.pow(10, random.nextInt(5) - 2);
        PositionPnl p = PositionPnl.flat(m);
        double cash = 0;
        double gross = 0;
        for (int i = 0; i < fills; i++) {
            // Small integer-ish quantities make exact closes and zero crossings frequent.
            double q = random.nextInt(4) == 0
                    ? -p.quantity()                                   // exact flat, when not flat already
                    : (random.nextInt(9) - 4) * (random.nextBoolean() ? 1 : 0.25 + random.nextDouble());
            if (q == 0) {
                q = 1;
            }
            double price = 50 + 100 * random.nextDouble();
            double fee = (random.nextDouble() - 0.2) * 0.01 * Math.abs(q) * price * m;
            p = p.apply(q, price, m, fee);
            cash += -q * price * m - fee;
            gross += Math.abs(q * price * m) + Math.abs(fee);
            double mark = 50 + 100 * random.nextDouble();
            double left = p.realized() + p.unrealized(mark) - p.fees();
            double right = cash + p.quantity() * m * mark;
            assertThat(left).as("after fill %d of %s", i, p)
                    .isCloseTo(right, within(1e-9 * (gross + Math.abs(p.quantity() * m * mark))));
        }
    }
}
