package io.ballast.sandbox.market;

import io.ballast.avro.Collateral;
import io.ballast.domain.Keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The collateral the sandbox publishes for each provider at start, on the simulated venue: a USDC balance
 * and a coin balance (the underlyings in turn: mm1 BTC, mm2 ETH, mm3 BTC, ...). Sized so that margin usage
 * reads in tens of percent: the coin alone loses {@code 0.30 * COIN_USD} in the −30% scenario, and the books'
 * deltas and options move that up or down as they wander.
 */
public final class CollateralPlan {

    /** USDC per provider, USD. */
    static final double USDC = 150_000;
    /** Value of each provider's coin balance at the underlying's starting price, USD. */
    static final double COIN_USD = 200_000;

    private CollateralPlan() {
    }

    public static List<Collateral> balances(List<String> providers, List<UnderlyingSpec> underlyings, Instant now) {
        List<Collateral> all = new ArrayList<>();
        for (int p = 0; p < providers.size(); p++) {
            UnderlyingSpec coin = underlyings.get(p % underlyings.size());
            all.add(balance(providers.get(p), "USDC", USDC, now));
            all.add(balance(providers.get(p), coin.name(), COIN_USD / coin.spot(), now));
        }
        return all;
    }

    /** The Kafka key of a collateral record, per the contract. */
    public static String key(Collateral c) {
        return Keys.collateral(c.getProviderId(), c.getVenue(), c.getAsset());
    }

    private static Collateral balance(String provider, String asset, double amount, Instant now) {
        return Collateral.newBuilder().setProviderId(provider).setVenue(ProviderFlow.VENUE).setAsset(asset)
                .setAmount(amount).setUpdatedAt(now).build();
    }
}
