package io.ballast.sandbox.market;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;
import io.ballast.kafka.Validators;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RiskLimitsPlanTest {

    @Test
    void aProviderWideRecordAndAnOverridePerOtherUnderlying() {
        List<RiskLimits> limits = RiskLimitsPlan.limits(RiskLimitsPlan.providers(3), UnderlyingSpec.DEFAULTS, 3,
                Instant.EPOCH);
        assertThat(limits).extracting(RiskLimitsPlan::key)
                .containsExactly("mm1", "mm1/ETH", "mm2", "mm2/ETH", "mm3", "mm3/ETH");
        RiskLimits btc = limits.get(0);
        assertThat(btc.getUnderlying()).isNull();
        assertThat(btc.getDeltaBand()).isEqualTo(3);
        assertThat(btc.getHedgeInstrument()).isEqualTo("BTC-PERP");
        RiskLimits eth = limits.get(1);
        assertThat(eth.getDeltaBand()).isEqualTo(75);
        assertThat(eth.getHedgeInstrument()).isEqualTo("ETH-PERP");
        assertThat(limits.get(4).getBandMode()).isEqualTo(BandMode.WHALLEY_WILMOTT);
        // The second provider hedges on the coin venue's inverse perpetuals, its minimum in contracts:
        // 0.1 BTC at 100,000 USD in 10 USD contracts, 2.5 ETH at 3,500 USD in 1 USD contracts.
        assertThat(limits).extracting(l -> RiskLimitsPlan.key(l) + " " + l.getHedgeInstrument() + " " + l.getMinHedgeQuantity())
                .containsExactly("mm1 BTC-PERP 0.1", "mm1/ETH ETH-PERP 2.5", "mm2 BTC-PERPETUAL 1000.0",
                        "mm2/ETH ETH-PERPETUAL 8750.0", "mm3 BTC-PERP 0.1", "mm3/ETH ETH-PERP 2.5");
        // The option hedge is on for the first provider only, in both its records.
        assertThat(limits).extracting(l -> l.getProviderId() + " " + l.getOptionHedge())
                .containsExactly("mm1 true", "mm1 true", "mm2 false", "mm2 false", "mm3 false", "mm3 false");
        // ... with limits tight enough for its flow to breach them; the others keep the wider ones.
        assertThat(limits).extracting(l -> l.getProviderId() + " " + l.getGammaLimit() + " " + l.getVegaLimit())
                .containsExactly("mm1 10000.0 1000.0", "mm1 10000.0 1000.0", "mm2 40000.0 1500.0",
                        "mm2 40000.0 1500.0", "mm3 40000.0 1500.0", "mm3 40000.0 1500.0");
        // A margin limit for the first provider, on its provider record (where the job reads it) only.
        assertThat(limits).extracting(l -> RiskLimitsPlan.key(l) + " " + l.getMaxMarginUsage())
                .containsExactly("mm1 0.25", "mm1/ETH null", "mm2 null", "mm2/ETH null", "mm3 null", "mm3/ETH null");
        for (RiskLimits l : limits) {
            // The job's own rules for the key and the fields (null: valid).
            byte[] key = RiskLimitsPlan.key(l).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(Validators.riskLimits().problem(l, key, 0)).isNull();
        }
    }
}
