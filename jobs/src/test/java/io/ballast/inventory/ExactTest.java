package io.ballast.inventory;

import io.ballast.avro.internal.ExactDecimal;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ExactTest {

    /** The fast conversion agrees bit for bit with BigDecimal.doubleValue on sums of doubles. */
    @Test
    void toDoubleIsCorrectlyRounded() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            ExactDecimal d = Exact.ZERO;
            int fills = 1 + random.nextInt(12);
            for (int f = 0; f < fills; f++) {
                double x = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-4, 7));
                d = random.nextBoolean() ? Exact.plus(d, x) : Exact.plusProduct(d, x, random.nextDouble() * 1e5);
            }
            BigDecimal v = Exact.value(d);
            assertThat(Exact.toDouble(d)).as(v.toString()).isEqualTo(v.doubleValue());
        }
    }

    @Test
    void toDoubleOnTiesAndEdges() {
        // 2^53 + 1 over 10^1 scaled: exact ties and near ties around the rounding point.
        BigInteger two53 = BigInteger.ONE.shiftLeft(53);
        for (int s = 1; s < 30; s++) {
            for (long delta = -3; delta <= 3; delta++) {
                BigInteger u = two53.add(BigInteger.valueOf(delta)).multiply(BigInteger.TEN.pow(s))
                        .add(BigInteger.TEN.pow(s).shiftRight(1));
                assertThat(Exact.toDouble(u, s)).isEqualTo(new BigDecimal(u, s).doubleValue());
                assertThat(Exact.toDouble(u.negate(), s)).isEqualTo(new BigDecimal(u.negate(), s).doubleValue());
            }
        }
        assertThat(Exact.toDouble(Exact.ZERO)).isZero();
        assertThat(Exact.toDouble(BigInteger.valueOf(123), 0)).isEqualTo(123.0);
        assertThat(Exact.toDouble(BigInteger.valueOf(1), 330)).isEqualTo(new BigDecimal(BigInteger.ONE, 330).doubleValue());
    }
}
