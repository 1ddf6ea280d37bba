package io.ballast.domain;

/**
 * One position as a re-mark saw it, for the P&amp;L explain.
 *
 * @param key the position's identity (its instrument symbol), non-blank
 * @param quantity contracts, signed, finite: an interval explains only positions held through it
 * @param value the position's value at the mark, USD (options q·m·price; spot q·m·S; perpetuals and futures
 *     q·m·(mark − average entry)): only its change over an interval is used
 * @param vega the position's vega, USD per vol point (0 for a linear position)
 * @param vol the position's implied vol at the mark, decimal; NaN for a linear position (then vega must be 0)
 */
public record PositionMark(String key, double quantity, double value, double vega, double vol) {

    public PositionMark {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank, was '" + key + "'");
        }
        Check.finite(quantity, "quantity");
        Check.finite(value, "value");
        Check.finite(vega, "vega");
        if (Double.isNaN(vol) ? vega != 0 : !(vol >= 0 && Double.isFinite(vol))) {
            throw new IllegalArgumentException("vol of " + key + " must be finite and ≥ 0 (NaN only with vega 0), was "
                    + vol + " with vega " + vega);
        }
    }
}
