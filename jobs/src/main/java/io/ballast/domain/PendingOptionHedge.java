package io.ballast.domain;

/**
 * A hedge signalled and not yet (fully) filled, with the greeks it will bring per contract, frozen at the
 * decision (the hedge is short-lived: it stops counting after {@code hedgeTimeoutMs}). It counts its
 * {@code remaining × perContract} delta, gamma and vega as pending until a fill carrying its signal id
 * brings {@code remaining} to zero, or the event time reaches {@code expiresAt}.
 *
 * <p>The domain form of the state record {@code io.ballast.avro.internal.PendingHedge}
 * ({@code instrument, remaining, deltaPerContract, expiresAt}, and {@code kind} (default {@code DELTA}),
 * {@code gammaPerContract} and {@code vegaPerContract} (default 0.0)), so a perpetual hedge is a
 * {@link HedgeKind#DELTA} record with no gamma and no vega, and a savepoint written before reads back unchanged.
 *
 * @param remaining signed contracts still to fill (BUY positive)
 * @param deltaPerContract ∂V/∂F of one contract (discounted Black-76 delta × multiplier; 1 × multiplier for a linear instrument)
 * @param gammaPerContract ∂²V/∂F² of one contract (× multiplier)
 * @param vegaPerContract ∂V/∂σ/100 of one contract (× multiplier)
 * @param expiresAt event time (epoch ms) from which it no longer counts
 */
public record PendingOptionHedge(String signalId, HedgeKind kind, String instrument, double remaining,
                                 double deltaPerContract, double gammaPerContract, double vegaPerContract,
                                 long expiresAt) {

    /** A remainder this small a fraction of what was left is filled (the router's rounding); as InventoryBook. */
    public static final double FILLED_TOLERANCE = 1e-9;

    public PendingOptionHedge {
        if (signalId == null || kind == null || instrument == null) {
            throw new IllegalArgumentException("signalId, kind and instrument must be set");
        }
        if (!Double.isFinite(remaining) || remaining == 0) {
            throw new IllegalArgumentException("remaining must be finite and non-zero: " + remaining);
        }
    }

    /** Whether it still counts at event time {@code asOf}. */
    public boolean live(long asOf) {
        return expiresAt > asOf;
    }

    public double delta() {
        return remaining * deltaPerContract;
    }

    public double gamma() {
        return remaining * gammaPerContract;
    }

    public double vega() {
        return remaining * vegaPerContract;
    }

    /**
     * After a fill of {@code signedQuantity} contracts (BUY positive) carrying this hedge's signal id: the
     * hedge with what is left, or null when it is filled (or overfilled, or filled to within
     * {@link #FILLED_TOLERANCE}).
     */
    public PendingOptionHedge afterFill(double signedQuantity) {
        double left = remaining - signedQuantity;
        if (Math.abs(left) <= FILLED_TOLERANCE * Math.abs(remaining) || Math.signum(left) != Math.signum(remaining)) {
            return null;
        }
        return new PendingOptionHedge(signalId, kind, instrument, left, deltaPerContract, gammaPerContract,
                vegaPerContract, expiresAt);
    }
}
