package io.ballast.domain;

/**
 * One collateral balance of a provider (the {@code collateral} topic, key {@code provider/venue/asset}).
 *
 * @param venue non-blank
 * @param asset e.g. {@code USDC}, {@code BTC}; non-blank
 * @param amount units of the asset, finite (negative: a debt)
 */
public record CollateralHolding(String venue, String asset, double amount) {

    public CollateralHolding {
        if (venue == null || venue.isBlank()) {
            throw new IllegalArgumentException("venue must not be blank, was '" + venue + "'");
        }
        if (asset == null || asset.isBlank()) {
            throw new IllegalArgumentException("asset must not be blank, was '" + asset + "'");
        }
        Check.finite(amount, "amount");
    }
}
