package io.ballast.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Collateral in USD: stablecoins at 1, coins at S, haircuts, and nothing silently worth 0. */
class CollateralValueTest {

    private static final Map<String, Double> PRICES = Map.of("BTC", 80_000.0, "ETH", 3_000.0);

    @Test
    void stablecoinsAtOneCoinsAtTheirReferencePriceAfterHaircuts() {
        List<CollateralHolding> holdings = List.of(
                new CollateralHolding("deribit", "USDC", 100_000),
                new CollateralHolding("derive", "USDT", 5_000),
                new CollateralHolding("bank", "USD", 1_000),
                new CollateralHolding("deribit", "BTC", 2),
                new CollateralHolding("derive", "BTC", 0.5),
                new CollateralHolding("deribit", "ETH", 10));
        CollateralValue v = CollateralValue.of(holdings, PRICES, Map.of("BTC", 0.1, "USDT", 0.02));
        // 100,000 + 5,000·0.98 + 1,000 + 2.5·80,000·0.9 + 10·3,000
        assertThat(v.collateralValue()).isCloseTo(100_000 + 4_900 + 1_000 + 180_000 + 30_000, within(1e-9));
        assertThat(v.coinUsd()).containsExactly(Map.entry("BTC", 200_000.0), Map.entry("ETH", 30_000.0));
        assertThat(v.coinDeltaUsd()).isCloseTo(230_000, within(1e-9));
        assertThat(v.unvaluedAssets()).isEmpty();
        assertThat(v.unvaluedHoldings()).isZero();
    }

    @Test
    void anAssetWithoutAPriceIsReportedNeverCountedAsZero() {
        List<CollateralHolding> holdings = List.of(
                new CollateralHolding("deribit", "USDC", 1_000),
                new CollateralHolding("deribit", "SOL", 50),
                new CollateralHolding("derive", "SOL", 5),
                new CollateralHolding("derive", "DOGE", 1e6));
        CollateralValue v = CollateralValue.of(holdings, PRICES, Map.of());
        assertThat(v.collateralValue()).isEqualTo(1_000);
        assertThat(v.unvaluedAssets()).containsExactly("DOGE", "SOL");
        assertThat(v.unvaluedHoldings()).isEqualTo(3);
        // An underlying without a reference price yet is unvalued too.
        CollateralValue noPrice = CollateralValue.of(List.of(new CollateralHolding("deribit", "BTC", 1)), Map.of(), Map.of());
        assertThat(noPrice.unvaluedAssets()).containsExactly("BTC");
        assertThat(noPrice.coinUsd()).isEmpty();
    }

    @Test
    void aHaircutNeverShrinksADebt() {
        CollateralValue v = CollateralValue.of(List.of(new CollateralHolding("deribit", "BTC", -1)), PRICES,
                Map.of("BTC", 0.5));
        assertThat(v.collateralValue()).isEqualTo(-80_000);
        assertThat(v.coinUsd().get("BTC")).isEqualTo(-80_000);
    }

    @Test
    void theSumDoesNotDependOnTheOrderOfTheHoldings() {
        List<CollateralHolding> holdings = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 50; i++) {
            holdings.add(new CollateralHolding("v" + i, i % 3 == 0 ? "USDC" : i % 3 == 1 ? "BTC" : "ETH",
                    random.nextDouble() * 1e3));
        }
        double first = CollateralValue.of(holdings, PRICES, Map.of("ETH", 0.07)).collateralValue();
        Collections.shuffle(holdings, random);
        assertThat(CollateralValue.of(holdings, PRICES, Map.of("ETH", 0.07)).collateralValue()).isEqualTo(first);
    }

    @Test
    void badInputsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> CollateralValue.of(List.of(), PRICES, Map.of("BTC", 1.5)))
                .hasMessageContaining("BTC").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new CollateralHolding("deribit", "BTC", Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new CollateralHolding(" ", "BTC", 1)).hasMessageContaining("venue");
        assertThatThrownBy(() -> CollateralValue.of(List.of(new CollateralHolding("d", "BTC", 1)),
                Map.of("BTC", -5.0), Map.of())).hasMessageContaining("-5.0");
    }
}
