package io.ballast.domain;

import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.SmileParams;
import io.ballast.quant.Greeks;

import java.util.List;

/**
 * Marks a book to market per CONTRACT.md. Each position reads the quote of its own {@code venue:symbol}. Linear
 * instruments have delta 1 per unit of underlying and no other greek; q inverse contracts of contract value cv have
 * delta q·cv/P, P the instrument's own mid (else S), and a mark value of q·cv USD (without a price they are unpriced
 * and add no delta). An option is priced with Black-76 on the forward of its own latest quote (else S), at
 * its own latest implied vol, else the fitted smile of its expiry at its strike; with neither it counts
 * in {@code unpricedPositions} and contributes nothing. Expired options are worth their intrinsic value
 * and have no greeks.
 */
public final class RiskCalculator {

    private final Greeks greeks = new Greeks();

    /** What a mark saw of each position, for the portfolio's summary (null: nobody listens). */
    interface Marks {
        /** A linear position with its mid per contract (NaN: unpriced). */
        void linear(Holdings.Held h, double units, double midPerContract);

        /** A priced option before expiry, with the greeks of one unit (in {@code g}). */
        void option(Holdings.Held h, double units, double forward, double tau, double vol, double rate, Greeks g);

        /** An expired option, worth its intrinsic value per unit. */
        void expired(Holdings.Held h, double units, double intrinsic);

        /** An option without a forward or a vol. */
        void unpriced(Holdings.Held h);
    }

    private Marks marks;

    /**
     * @param book positions with their quantities as doubles, in a fixed order (the sums depend on it)
     * @param snapshot the underlying's market, or null when none arrived yet
     * @param asOf event time of the evaluation
     */
    void compute(Holdings book, MarketSnapshot snapshot, long asOf, BookRisk out) {
        compute(book, snapshot, asOf, out, null);
    }

    /** {@link #compute} telling {@code marks} (may be null) what it saw of each position. */
    void compute(Holdings book, MarketSnapshot snapshot, long asOf, BookRisk out, Marks marks) {
        this.marks = marks;
        out.reset();
        out.referencePrice = snapshot == null || snapshot.getReferencePrice() == null ? Double.NaN : snapshot.getReferencePrice();
        out.rate = snapshot == null ? 0 : snapshot.getRate();
        double nearest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < book.size(); i++) {
            nearest = Math.min(nearest, add(book.get(i), snapshot, asOf, out));
        }
        out.nearestExpiry = Double.isInfinite(nearest) ? 0 : nearest;
    }

    /**
     * Adds one position to {@code out}.
     *
     * @return the option's time to expiry when it was priced with greeks, else +∞
     */
    private double add(Holdings.Held h, MarketSnapshot snapshot, long asOf, BookRisk out) {
        double s = out.referencePrice;
        double r = out.rate;
        double qty = h.quantity;
        if (qty == 0) {
            return Double.POSITIVE_INFINITY;
        }
        out.positions++;
        double units = qty * h.multiplier;
        if (h.inverse) {
            // q contracts of cv USD: delta q·cv/P units of underlying at the instrument's own mark P (its mid, else S).
            double mid = linearMid(snapshot, h, s);
            if (Double.isNaN(mid)) {
                out.unpricedPositions++;
            } else {
                out.netDelta += qty * h.contractValue / mid;
                out.markValue += qty * h.contractValue;
            }
            if (marks != null) {
                marks.linear(h, Double.isNaN(mid) ? Double.NaN : qty * h.contractValue / mid, mid);
            }
            return Double.POSITIVE_INFINITY;
        }
        if (!h.option) {
            out.netDelta += units;
            double mid = linearMid(snapshot, h, s);
            if (Double.isNaN(mid)) {
                out.unpricedPositions++;
            } else {
                out.markValue += qty * mid;
            }
            if (marks != null) {
                marks.linear(h, units, mid);
            }
            return Double.POSITIVE_INFINITY;
        }
        double tau = Pricing.timeToExpiry(h.optionExpiry, asOf);
        OptionIv quoted = snapshot == null ? null : Keys.lookup(snapshot.getOptions(), h.key, h.symbol);
        double forward = quoted != null && quoted.getForward() != null ? quoted.getForward() : s;
        boolean call = h.call;
        double strike = h.strike;
        if (Double.isNaN(forward)) {
            out.unpricedPositions++;
            if (marks != null) {
                marks.unpriced(h);
            }
            return Double.POSITIVE_INFINITY;
        }
        if (tau <= 0) {
            // Expired: intrinsic value, no greeks.
            double intrinsic = Math.max(0, call ? forward - strike : strike - forward);
            out.markValue += units * intrinsic;
            if (marks != null) {
                marks.expired(h, units, intrinsic);
            }
            return Double.POSITIVE_INFINITY;
        }
        double vol = quoted != null && quoted.getIv() != null ? quoted.getIv() : smileVol(snapshot, h);
        if (Double.isNaN(vol)) {
            out.unpricedPositions++;
            if (marks != null) {
                marks.unpriced(h);
            }
            return Double.POSITIVE_INFINITY;
        }
        double df = Math.exp(-r * tau);
        Pricing.greeks(call, forward, strike, tau, vol, df, greeks);
        out.netDelta += units * greeks.delta();
        out.gamma += units * greeks.gamma();
        out.vega += units * greeks.vega();
        out.theta += units * greeks.theta();
        out.markValue += units * greeks.price();
        out.addToExpiry(h.optionExpiry, units * greeks.delta(), units * greeks.gamma(),
                units * greeks.vega(), units * greeks.theta());
        if (marks != null) {
            marks.option(h, units, forward, tau, vol, r, greeks);
        }
        return tau;
    }

    private static double linearMid(MarketSnapshot snapshot, Holdings.Held h, double s) {
        if (snapshot != null) {
            LinearMark own = Keys.lookup(snapshot.getLinear(), h.key, h.symbol);
            if (own != null) {
                return own.getMid();
            }
        }
        return Double.isNaN(s) ? Double.NaN : s * h.multiplier;
    }

    private static double smileVol(MarketSnapshot snapshot, Holdings.Held h) {
        if (snapshot == null) {
            return Double.NaN;
        }
        long expiry = h.optionExpiry;
        List<SmileParams> smiles = snapshot.getSmiles();
        for (int i = 0; i < smiles.size(); i++) {
            SmileParams p = smiles.get(i);
            if (p.getExpiry() == expiry) {
                return SmileRecords.vol(p, h.strike);
            }
        }
        return Double.NaN;
    }
}
