package io.ballast.domain;

/**
 * One listed option as the option-hedge rule sees it: its terms and its latest quote, from the market
 * snapshot of the book's underlying (CONTRACT.md, "GAMMA_HEDGE / VEGA_HEDGE").
 *
 * <p>Units follow the wire contract: {@code bid} and {@code ask} in quote currency per contract (as in
 * {@code Quote}; NaN or 0 for an empty side); {@code multiplier} units of underlying per contract;
 * {@code iv} the implied vol of the quote's mid (decimal, NaN when none); {@code forward} the forward the
 * venue priced the option on (NaN: the rule uses the reference price S); {@code expiry} epoch ms.
 *
 * <p>{@code InventoryBook} builds these with {@link #of} from the {@code OptionIv} of each option of the
 * market snapshot ({@code bid}, {@code ask}, {@code strike}, {@code expiry}, {@code call}, {@code multiplier},
 * {@code iv}, {@code forward}).
 */
public record HedgeCandidate(String symbol, String underlying, boolean call, double strike, long expiry,
                             double multiplier, double bid, double ask, double iv, double forward) {

    public HedgeCandidate {
        if (symbol == null || symbol.isBlank()) {
            throw new IllegalArgumentException("symbol must not be blank");
        }
        if (underlying == null || underlying.isBlank()) {
            throw new IllegalArgumentException("underlying must not be blank (" + symbol + ")");
        }
    }

    /** From nullable fields, as a snapshot holds them: null becomes NaN (a multiplier of null becomes 1). */
    public static HedgeCandidate of(String symbol, String underlying, boolean call, double strike, long expiry,
                                    Double multiplier, Double bid, Double ask, Double iv, Double forward) {
        return new HedgeCandidate(symbol, underlying, call, strike, expiry, multiplier == null ? 1.0 : multiplier,
                nan(bid), nan(ask), nan(iv), nan(forward));
    }

    /** A live two-sided quote: 0 &lt; bid ≤ ask, both finite (the contract's condition for a mid). */
    public boolean twoSided() {
        return bid > 0 && bid <= ask && Double.isFinite(ask);
    }

    /** (ask − bid)/2, quote currency per contract; NaN without a two-sided quote. */
    public double halfSpread() {
        return twoSided() ? (ask - bid) / 2 : Double.NaN;
    }

    private static double nan(Double x) {
        return x == null ? Double.NaN : x;
    }
}
