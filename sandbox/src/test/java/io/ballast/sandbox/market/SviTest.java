package io.ballast.sandbox.market;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SviTest {

    @Test
    void withAtmVolHitsTheAtmVol() {
        Svi s = Svi.withAtmVol(0.55, 0.1, 0.05, -0.3, 0.02, 0.1);
        assertThat(s.vol(0, 0.1)).isCloseTo(0.55, within(1e-12));
    }

    @Test
    void negativeRhoMakesPutsRicherThanCalls() {
        Svi s = Svi.withAtmVol(0.6, 0.25, 0.08, -0.4, 0, 0.15);
        assertThat(s.vol(-0.2, 0.25)).isGreaterThan(s.vol(0.2, 0.25));
        assertThat(s.vol(-0.2, 0.25)).isGreaterThan(0.6);
    }

    @Test
    void rawFormula() {
        Svi s = new Svi(0.01, 0.1, -0.5, 0.05, 0.2);
        double k = 0.3;
        double expected = 0.01 + 0.1 * (-0.5 * (k - 0.05) + Math.sqrt((k - 0.05) * (k - 0.05) + 0.04));
        assertThat(s.totalVariance(k)).isCloseTo(expected, within(1e-15));
    }

    @Test
    void varianceStaysPositiveWhenTheAtmLevelCannotBeMet() {
        Svi s = Svi.withAtmVol(0.01, 0.1, 0.5, -0.9, 0.5, 0.05);
        for (double k = -2; k <= 2; k += 0.01) {
            assertThat(s.totalVariance(k)).isPositive();
        }
    }

    @Test
    void rejectsParametersOutsideTheirDomain() {
        assertThatThrownBy(() -> new Svi(0.01, 0.1, 1.0, 0, 0.1)).hasMessageContaining("rho=1.0");
        assertThatThrownBy(() -> new Svi(-1, 0.1, 0, 0, 0.1)).hasMessageContaining("negative minimum variance");
    }
}
