package io.ballast.domain;

import io.ballast.quant.OtmQuotes;
import io.ballast.quant.Smile;
import io.ballast.quant.SmileFitter;

/**
 * The smile of one expiry as CONTRACT.md defines it: the out-of-the-money options ({@link OtmQuotes}),
 * raw SVI from {@link SmileFitter#MIN_SVI_POINTS} strikes, else linear in k. The market stage and the
 * chain tool both fit through {@link #fit}, so the tool prints exactly the job's smiles. (No Avro here:
 * the chain tool runs from the lean job jar; the state records of a fit are {@link SmileRecords}'.)
 */
public final class Smiles {

    private Smiles() {
    }

    /**
     * Fits the out-of-the-money options among the first {@code n} of one expiry; null when none has an
     * implied vol, or when the forward or τ is not positive.
     *
     * @param ivs implied vols, NaN where an option has none
     * @param start the last fit of this expiry, to start from (null: from scratch)
     * @param stats what the fit took is added here (may be null)
     */
    public static Smile fit(double forward, double timeToExpiry, double[] strikes, boolean[] calls, double[] ivs, int n,
                            SmileFitter.WarmStart start, SmileFitter.Stats stats) {
        if (n < 1 || !(forward > 0) || !(timeToExpiry > 0)) {
            return null;
        }
        OtmQuotes quotes = OtmQuotes.select(forward, strikes, calls, ivs, null, n);
        if (quotes.size() == 0) {
            return null;
        }
        return SmileFitter.fit(forward, timeToExpiry, quotes, start, stats);
    }
}
