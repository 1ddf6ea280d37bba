package io.ballast.sandbox.monitor;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BandsTest {

    private static RiskLimits limits(BandMode mode) {
        return RiskLimits.newBuilder().setProviderId("mm1").setUnderlying("BTC").setDeltaBand(3).setBandMode(mode)
                .setHedgeCostBps(3).setMinHedgeQuantity(0.1).setHedgeTimeoutMs(5_000).setRiskAversion(5e-4)
                .setFillIntensity(0.1).setQuoteHorizonMs(60_000).setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void fixedBandIsTheDeltaBand() {
        assertThat(Bands.band(limits(BandMode.FIXED), 0.5, 100_000)).isEqualTo(3);
    }

    @Test
    void whalleyWilmottWidensWithGamma() {
        RiskLimits l = limits(BandMode.WHALLEY_WILMOTT);
        assertThat(Bands.band(l, 1e-5, 100_000)).isEqualTo(3);
        // (1.5 * 3e-4 * 1e5 * 0.05^2 / 5e-4)^(1/3) = 225^(1/3)
        assertThat(Bands.band(l, 0.05, 100_000)).isCloseTo(Math.cbrt(225), within(1e-9));
        assertThat(Bands.inside(l, 2.9, 3)).isTrue();
        assertThat(Bands.inside(l, -3.1, 3)).isFalse();
    }
}
