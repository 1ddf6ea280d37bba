package io.ballast.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * P&amp;L attribution (USD) since {@code since}: the sum over re-mark intervals of
 * <pre>
 *   delta = Δ·dS            gamma = ½·Γ·dS²          theta = Θ·dt (dt in days, 86,400,000 ms)
 *   vega  = Σ positions ν·dσ (ν in USD per vol point, dσ = 100·(σ_end − σ_start), each position's own IV)
 *   total = Σ positions value_end − value_start (the positions held through the interval: fills excluded)
 *   unexplained = total − delta − gamma − vega − theta
 * </pre>
 * with every greek the one at the start of the interval. Δ and Γ are CONTRACT.md's ∂V/∂F and ∂²V/∂F²
 * summed over positions, so Δ·dS and ½Γ·dS² are read per position: Σ Δᵢ·dFᵢ and Σ ½Γᵢ·dFᵢ², with dFᵢ
 * the change of the price the position's delta is taken against ({@link PositionMark#price()}: its
 * forward, or S). When every such price moves by the same dS this is exactly the book's Δ·dS and ½Γ·dS²;
 * when forwards move by other than S (a basis move) it keeps that move in delta rather than in unexplained.
 * What stays unexplained: higher-order terms (speed, vanna, volga), the cross term of spot and vol moves,
 * and the difference between Θ·dt and the actual decay.
 *
 * <p>Intervals add ({@link #plus}); a day's figure restarts at the day start ({@link #accumulate}): an
 * interval counts in the day in which it ends.
 */
public record PnlExplain(long since, double total, double delta, double gamma, double vega, double theta,
                         double unexplained) {

    public static final long MILLIS_PER_DAY = 86_400_000L;

    /** Nothing since {@code since}. */
    public static PnlExplain zero(long since) {
        return new PnlExplain(since, 0, 0, 0, 0, 0, 0);
    }

    /**
     * One interval: {@code end} must hold the same positions with the same quantities as {@code start}
     * (re-mark the old positions at the new market before applying a fill); {@code since} = start.asOf.
     */
    public static PnlExplain between(BookMark start, BookMark end) {
        Check.notNull(start, "start");
        Check.notNull(end, "end");
        if (end.asOf() < start.asOf()) {
            throw new IllegalArgumentException("end.asOf " + end.asOf() + " is before start.asOf " + start.asOf());
        }
        if (start.positions().size() != end.positions().size()) {
            throw new IllegalArgumentException("the marks hold " + start.positions().size() + " and "
                    + end.positions().size() + " positions: an interval explains the positions held through it");
        }
        // Both marks list the book's positions in its order, mostly the same: matched by index, by key otherwise.
        Map<String, PositionMark> after = null;
        double total = 0;
        double delta = 0;
        double gamma = 0;
        double vega = 0;
        double theta = 0;
        double days = (end.asOf() - start.asOf()) / (double) MILLIS_PER_DAY;
        List<PositionMark> ends = end.positions();
        for (int i = 0; i < start.positions().size(); i++) {
            PositionMark a = start.positions().get(i);
            PositionMark b = ends.get(i);
            if (!b.key().equals(a.key())) {
                if (after == null) {
                    after = new HashMap<>();
                    for (PositionMark p : ends) {
                        after.put(p.key(), p);
                    }
                }
                b = after.get(a.key());
            }
            if (b == null || b.quantity() != a.quantity()) {
                throw new IllegalArgumentException("position " + a.key() + " of quantity " + a.quantity()
                        + " is " + (b == null ? "missing" : "of quantity " + b.quantity()) + " at the end of the interval");
            }
            double dF = b.price() - a.price();
            total += b.value() - a.value();
            delta += a.delta() * dF;
            gamma += 0.5 * a.gamma() * dF * dF;
            if (a.vega() != 0 && !Double.isNaN(b.vol())) { // no IV at the end: the move stays unexplained
                vega += a.vega() * 100 * (b.vol() - a.vol());
            }
            theta += a.theta() * days;
        }
        return new PnlExplain(start.asOf(), total, delta, gamma, vega, theta, total - delta - gamma - vega - theta);
    }

    /** Piece by piece sum (other books, further intervals); since = the earlier of the two. */
    public PnlExplain plus(PnlExplain other) {
        return new PnlExplain(Math.min(since, other.since), total + other.total, delta + other.delta,
                gamma + other.gamma, vega + other.vega, theta + other.theta, unexplained + other.unexplained);
    }

    /**
     * The start of the day containing {@code at}: days run from {@code offsetMillis} after 00:00 UTC
     * (0: the UTC day), epoch ms.
     *
     * @param offsetMillis in [0, 86,400,000)
     */
    public static long dayStart(long at, long offsetMillis) {
        if (offsetMillis < 0 || offsetMillis >= MILLIS_PER_DAY) {
            throw new IllegalArgumentException("offsetMillis must be in [0, 86400000), was " + offsetMillis);
        }
        return Math.floorDiv(at - offsetMillis, MILLIS_PER_DAY) * MILLIS_PER_DAY + offsetMillis;
    }

    /**
     * The day's explain after one more interval ending at {@code intervalEnd}: {@code soFar} plus the interval
     * when {@code soFar} is of the same day, else the interval alone; {@code since} = the day start. An
     * interval that ends in a day before {@code soFar}'s is of a day already over: {@code soFar} is returned.
     *
     * @param soFar the day's figure so far, or null
     */
    public static PnlExplain accumulate(PnlExplain soFar, PnlExplain interval, long intervalEnd, long offsetMillis) {
        Check.notNull(interval, "interval");
        long day = dayStart(intervalEnd, offsetMillis);
        if (soFar != null && soFar.since() > day) {
            return soFar;
        }
        PnlExplain base = soFar == null || soFar.since() < day ? zero(day) : soFar;
        PnlExplain sum = base.plus(interval);
        return new PnlExplain(day, sum.total, sum.delta, sum.gamma, sum.vega, sum.theta, sum.unexplained);
    }
}
