package io.ballast.domain;

/**
 * One position as a re-mark saw it, for the P&amp;L explain. Greeks in CONTRACT.md's units, for the
 * position (per contract × quantity × multiplier).
 *
 * @param key the position's identity ({@code venue:symbol}), non-blank
 * @param quantity contracts, signed, finite: an interval explains only positions held through it
 * @param price the price per unit of underlying its delta is taken against, USD, finite and &gt; 0: the
 *     option's forward F; for a linear position S (or its own mark per unit of underlying)
 * @param value the position's value at the mark, USD (options q·m·price; spot q·m·S; perpetuals and futures
 *     q·m·(mark − average entry)): only its change over an interval is used
 * @param delta ∂V/∂F, units of underlying (a linear position: q·m)
 * @param gamma ∂²V/∂F², per USD
 * @param vega USD per vol point (0 for a linear position)
 * @param theta USD per calendar day
 * @param vol the implied vol at the mark, decimal; NaN for a linear position (then vega must be 0)
 */
public record PositionMark(String key, double quantity, double price, double value, double delta, double gamma,
                           double vega, double theta, double vol) {

    public PositionMark {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank, was '" + key + "'");
        }
        Check.finite(quantity, "quantity");
        Check.positive(price, "price");
        Check.finite(value, "value");
        Check.finite(delta, "delta");
        Check.finite(gamma, "gamma");
        Check.finite(vega, "vega");
        Check.finite(theta, "theta");
        if (Double.isNaN(vol) ? vega != 0 : !(vol >= 0 && Double.isFinite(vol))) {
            throw new IllegalArgumentException("vol of " + key + " must be finite and ≥ 0 (NaN only with vega 0), was "
                    + vol + " with vega " + vega);
        }
    }

    /** A linear position (spot, perpetual, future): delta q·m, no other greek. */
    public static PositionMark linear(String key, double quantity, double multiplier, double price, double value) {
        return new PositionMark(key, quantity, price, value, quantity * Check.positive(multiplier, "multiplier"),
                0, 0, 0, Double.NaN);
    }
}
