package io.ballast.sandbox.market;

import io.ballast.avro.Collateral;
import io.ballast.kafka.Validators;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CollateralPlanTest {

    @Test
    void usdcAndOneCoinPerProviderWithKeysTheJobAccepts() {
        Instant now = Instant.ofEpochMilli(1_795_000_000_000L);
        List<Collateral> balances = CollateralPlan.balances(RiskLimitsPlan.providers(3), UnderlyingSpec.DEFAULTS, now);
        assertThat(balances).extracting(CollateralPlan::key).containsExactly("mm1/SIMEX/USDC", "mm1/SIMEX/BTC",
                "mm2/SIMEX/USDC", "mm2/SIMEX/ETH", "mm3/SIMEX/USDC", "mm3/SIMEX/BTC");
        assertThat(balances.get(0).getAmount()).isEqualTo(150_000);
        assertThat(balances.get(1).getAmount()).isCloseTo(2.0, within(1e-12));
        assertThat(balances.get(3).getAmount() * UnderlyingSpec.ETH.spot()).isCloseTo(200_000, within(1e-6));
        for (Collateral c : balances) {
            byte[] key = CollateralPlan.key(c).getBytes(StandardCharsets.UTF_8);
            assertThat(Validators.collateral(60_000).problem(c, key, now.toEpochMilli())).isNull();
        }
    }
}
