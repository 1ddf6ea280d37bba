package io.ballast.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A provider's collateral valued in USD.
 *
 * <p>Price of an asset: 1 for {@code USD}, {@code USDC}, {@code USDT}; the reference price S of the
 * underlying of the same name; otherwise none: the asset is <b>unvalued</b> — it adds nothing and is named
 * in {@link #unvaluedAssets} (never a silent 0). An underlying without a reference price yet is unvalued too.
 * Haircut h ∈ [0, 1] per asset (default 0): a positive balance counts amount·price·(1 − h), a negative
 * one (a debt) amount·price in full — a haircut never shrinks a debt.
 *
 * @param collateralValue Σ of the valued balances after haircuts, USD
 * @param coinUsd per asset that is an underlying: Σ amount·S over venues, USD before haircut — the coin
 *     collateral's contribution to deltaUsd, and the exposure it adds to the stress grid
 * @param unvaluedAssets the assets that have no price, sorted
 * @param unvaluedHoldings how many balances (venue, asset) were left unvalued
 */
public record CollateralValue(double collateralValue, SortedMap<String, Double> coinUsd,
                              SortedSet<String> unvaluedAssets, int unvaluedHoldings) {

    private static final Comparator<CollateralHolding> ORDER =
            Comparator.comparing(CollateralHolding::asset).thenComparing(CollateralHolding::venue);

    /** Assets worth 1 USD a unit. */
    public static final Set<String> USD_ASSETS = Set.of("USD", "USDC", "USDT");

    public CollateralValue {
        coinUsd = Collections.unmodifiableSortedMap(new TreeMap<>(coinUsd));
        unvaluedAssets = Collections.unmodifiableSortedSet(new TreeSet<>(unvaluedAssets));
    }

    /** Σ amount·S of the coin collateral, USD before haircut: what it adds to the portfolio's deltaUsd. */
    public double coinDeltaUsd() {
        double sum = 0;
        for (double usd : coinUsd.values()) {
            sum += usd;
        }
        return sum;
    }

    /**
     * @param holdings the balances; summed in (asset, venue) order whatever the order given
     * @param referencePrices underlying → S (USD), each finite and &gt; 0 when present
     * @param haircuts asset → fraction in [0, 1]; an asset absent has none
     */
    public static CollateralValue of(Collection<CollateralHolding> holdings, Map<String, Double> referencePrices,
                                     Map<String, Double> haircuts) {
        Check.notNull(holdings, "holdings");
        Check.notNull(referencePrices, "referencePrices");
        Check.notNull(haircuts, "haircuts");
        haircuts.forEach((asset, h) -> {
            if (h == null || !(h >= 0 && h <= 1)) {
                throw new IllegalArgumentException("haircut of " + asset + " must be in [0, 1], was " + h);
            }
        });
        List<CollateralHolding> sorted = new ArrayList<>(holdings);
        sorted.sort(ORDER);
        double value = 0;
        TreeMap<String, Double> coins = new TreeMap<>();
        TreeSet<String> unvalued = new TreeSet<>();
        int unvaluedCount = 0;
        for (CollateralHolding c : sorted) {
            double price;
            if (USD_ASSETS.contains(c.asset())) {
                price = 1;
            } else {
                Double s = referencePrices.get(c.asset());
                if (s == null) {
                    unvalued.add(c.asset());
                    unvaluedCount++;
                    continue;
                }
                price = Check.positive(s, "referencePrices[" + c.asset() + "]");
                coins.merge(c.asset(), c.amount() * price, Double::sum);
            }
            double h = c.amount() > 0 ? haircuts.getOrDefault(c.asset(), 0.0) : 0;
            value += c.amount() * price * (1 - h);
        }
        return new CollateralValue(value, coins, unvalued, unvaluedCount);
    }
}
