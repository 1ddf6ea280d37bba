package io.ballast.sandbox.market;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Black76Test {

    @Test
    void atTheMoneyCallIsCloseToTheApproximation() {
        // ATM, undiscounted: C = F (2 N(sigma sqrt(tau) / 2) - 1), about 0.3989 F sigma sqrt(tau).
        double f = 100_000;
        double sd = 0.5 * Math.sqrt(0.25);
        double exact = f * (2 * Black76.cdf(sd / 2) - 1);
        assertThat(Black76.price(f, f, 0.25, 0.5, true)).isCloseTo(exact, within(1e-6));
        assertThat(exact).isCloseTo(0.3989 * f * sd, within(0.01 * exact));
    }

    @ParameterizedTest
    @CsvSource({"100000,80000,0.05,0.6", "3500,4200,0.5,0.8", "100,100,1.0,0.2", "100,150,0.01,1.2"})
    void putCallParity(double f, double k, double tau, double vol) {
        double call = Black76.price(f, k, tau, vol, true);
        double put = Black76.price(f, k, tau, vol, false);
        assertThat(call - put).isCloseTo(f - k, within(1e-9 * f));
    }

    @ParameterizedTest
    @CsvSource({"100000,90000,0.1,0.55", "3500,3800,0.3,0.7"})
    void deltaAndVegaAgreeWithFiniteDifferences(double f, double k, double tau, double vol) {
        double hF = f * 1e-5;
        double hV = 1e-5;
        for (boolean call : new boolean[] {true, false}) {
            double fd = (Black76.price(f + hF, k, tau, vol, call) - Black76.price(f - hF, k, tau, vol, call)) / (2 * hF);
            assertThat(Black76.delta(f, k, tau, vol, call)).isCloseTo(fd, within(1e-6));
        }
        double fdVega = (Black76.price(f, k, tau, vol + hV, true) - Black76.price(f, k, tau, vol - hV, true)) / (2 * hV);
        assertThat(Black76.vega(f, k, tau, vol)).isCloseTo(fdVega, within(1e-6 * Math.abs(fdVega) + 1e-6));
    }

    @Test
    void rejectsNonPositiveInputsNamingThem() {
        assertThatThrownBy(() -> Black76.price(100, 100, 0, 0.5, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeToExpiry=0.0");
    }
}
