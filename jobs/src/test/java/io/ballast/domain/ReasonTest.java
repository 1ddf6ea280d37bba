package io.ballast.domain;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ReasonTest {

    private static String ours(double x, int sig) {
        return new Reason().num(x, sig).toString();
    }

    @Test
    void writesTheSameDigitsAsTheFormatter() {
        Locale previous = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
        try {
            SplittableRandom random = new SplittableRandom(20261121);
            int checked = 0;
            for (int i = 0; i < 200_000; i++) {
                // Magnitudes from 1e-7 to 1e12, both signs, and some values with few digits.
                double x = Math.pow(10, random.nextDouble(-7, 12)) * (random.nextBoolean() ? 1 : -1);
                if (i % 5 == 0) {
                    x = Math.round(x * 100) / 100.0;
                }
                for (int sig : new int[] {3, 6, 8}) {
                    assertThat(ours(x, sig)).as("%s at %d digits", x, sig).isEqualTo(String.format("%." + sig + "g", x));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(600_000);
        } finally {
            Locale.setDefault(previous);
        }
    }

    @Test
    void edges() {
        assertThat(ours(0.0, 6)).isEqualTo(String.format(Locale.ROOT, "%.6g", 0.0)).isEqualTo("0.00000");
        assertThat(ours(-0.0, 6)).isEqualTo(String.format(Locale.ROOT, "%.6g", -0.0));
        assertThat(ours(1.0, 6)).isEqualTo("1.00000");
        assertThat(ours(999_999.7, 6)).isEqualTo(String.format(Locale.ROOT, "%.6g", 999_999.7)).isEqualTo("1.00000e+06");
        assertThat(ours(9.999996, 6)).isEqualTo("10.0000");
        assertThat(ours(0.0001, 6)).isEqualTo("0.000100000");
        assertThat(ours(0.00009999996, 6)).isEqualTo(String.format(Locale.ROOT, "%.6g", 0.00009999996));
        assertThat(ours(1e-300, 6)).isEqualTo(String.format(Locale.ROOT, "%.6g", 1e-300));
        assertThat(ours(Double.NaN, 6)).isEqualTo("NaN");
        assertThat(ours(Double.NEGATIVE_INFINITY, 6)).isEqualTo("-Infinity");
        assertThat(new Reason().text("net ").num(-5.3426969699688325, 6).text(" BTC").toString()).isEqualTo("net -5.34270 BTC");
    }
}
