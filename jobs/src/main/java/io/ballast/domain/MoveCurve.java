package io.ballast.domain;

import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;

/**
 * The P&amp;L of a joint relative move m of every underlying (vol unchanged) as a summary a book can send
 * instead of its positions: the full-revaluation P&amp;L and its slope dP&amp;L/dm at the scan points of a
 * {@link LiquidationSearch} (m = ±min(k·h, bound), k = 0, 1, …), and between them the cubic Hermite
 * interpolant of those values and slopes. Immutable.
 *
 * <p>Curves on the same search add point by point ({@link #plus}), like grid columns: the portfolio's curve
 * is the sum of its books' and its coins' curves. At the scan points {@link #pnl} is the full revaluation
 * itself, so {@link Liquidation#find} finds the same first scan point as with the positions; only its
 * bisection inside that step reads the interpolant, whose error is O(h⁴·d⁴P&amp;L/dm⁴) — for Black-76
 * books far below the 1e-4 the search resolves, except for options expiring within a step's move of the
 * money in a few hours, where the curve bends sharply.
 *
 * <p>Slopes: an option position q·m·Black76(F·(1+m), …) has slope q·m·F·Δ(F·(1+m)) with Δ = ∂V/∂F
 * (discounted); a linear position q·m·S; coin collateral worth amount·S, amount·S.
 */
public final class MoveCurve {

    private final LiquidationSearch search;
    /** |m| of the scan points of each side, 0 first. */
    private final double[] downSizes;
    private final double[] upSizes;
    /** Index 0 is m = 0; index k the k-th scan point down. */
    private final double[] downPnl;
    private final double[] downSlope;
    private final double[] upPnl;
    private final double[] upSlope;

    private MoveCurve(LiquidationSearch search, double[] downPnl, double[] downSlope, double[] upPnl, double[] upSlope) {
        this.search = search;
        this.downSizes = sizes(search, -search.lowest());
        this.upSizes = sizes(search, search.highest());
        this.downPnl = downPnl;
        this.downSlope = downSlope;
        this.upPnl = upPnl;
        this.upSlope = upSlope;
    }

    /** Scan points on one side: 0, then min(k·h, bound) for k = 1, 2, … up to the bound (sizes, ≥ 0). */
    static double[] sizes(LiquidationSearch search, double bound) {
        double h = search.scanStep();
        int n = 1; // the number of scan points: the first k with min(k·h, bound) = bound, as Liquidation scans
        while (n * h < bound) {
            n++;
        }
        double[] sizes = new double[n + 1];
        for (int k = 1; k <= n; k++) {
            sizes[k] = Math.min(k * h, bound);
        }
        return sizes;
    }

    /** The curve of one book, by full revaluation at every scan point. */
    public static MoveCurve of(UnderlyingPositions book, LiquidationSearch search) {
        Check.notNull(book, "book");
        Check.notNull(search, "search");
        double[] down = sizes(search, -search.lowest());
        double[] up = sizes(search, search.highest());
        double[] dp = new double[down.length];
        double[] ds = new double[down.length];
        double[] up0 = new double[up.length];
        double[] us = new double[up.length];
        Greeks g = new Greeks();
        for (int k = 0; k < down.length; k++) {
            dp[k] = book.pnl(-down[k], 0);
            ds[k] = slope(book, -down[k], g);
        }
        for (int k = 0; k < up.length; k++) {
            up0[k] = book.pnl(up[k], 0);
            us[k] = slope(book, up[k], g);
        }
        return new MoveCurve(search, dp, ds, up0, us);
    }

    /** The curve of coin collateral worth {@code usdValue} = amount·S: usdValue·m. */
    public static MoveCurve collateral(double usdValue, LiquidationSearch search) {
        Check.finite(usdValue, "usdValue");
        double[] down = sizes(search, -search.lowest());
        double[] up = sizes(search, search.highest());
        double[] dp = new double[down.length];
        double[] ds = new double[down.length];
        double[] up0 = new double[up.length];
        double[] us = new double[up.length];
        for (int k = 0; k < down.length; k++) {
            dp[k] = -usdValue * down[k];
            ds[k] = usdValue;
        }
        for (int k = 0; k < up.length; k++) {
            up0[k] = usdValue * up[k];
            us[k] = usdValue;
        }
        return new MoveCurve(search, dp, ds, up0, us);
    }

    /** Nothing: the curve of an empty portfolio. */
    public static MoveCurve zero(LiquidationSearch search) {
        return collateral(0, search);
    }

    private static double slope(UnderlyingPositions book, double move, Greeks g) {
        double sum = book.linearUnits() * book.referencePrice();
        for (OptionPosition o : book.options()) {
            double f = o.forward() * (1 + move);
            Black76.greeks(o.call(), f, o.strike(), o.timeToExpiry(), o.vol(),
                    Math.exp(-book.rate() * o.timeToExpiry()), g);
            sum += o.units() * o.forward() * g.delta();
        }
        return sum;
    }

    /** Point-by-point sum; both on the same search. */
    public MoveCurve plus(MoveCurve other) {
        if (!search.equals(other.search)) {
            throw new IllegalArgumentException("curves on different searches: " + search + " and " + other.search);
        }
        return new MoveCurve(search, add(downPnl, other.downPnl), add(downSlope, other.downSlope),
                add(upPnl, other.upPnl), add(upSlope, other.upSlope));
    }

    private static double[] add(double[] a, double[] b) {
        double[] sum = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            sum[k] = a[k] + b[k];
        }
        return sum;
    }

    public LiquidationSearch search() {
        return search;
    }

    /**
     * P&amp;L in USD of the move m ∈ [lowest, highest]: the revalued figure at a scan point, the cubic Hermite
     * interpolant between two.
     */
    public double pnl(double move) {
        if (!(move >= search.lowest() && move <= search.highest())) {
            throw new IllegalArgumentException("move must be in [" + search.lowest() + ", " + search.highest()
                    + "], was " + move);
        }
        boolean down = move < 0;
        double size = Math.abs(move);
        double[] sizes = down ? downSizes : upSizes;
        double[] values = down ? downPnl : upPnl;
        double[] slopes = down ? downSlope : upSlope;
        int k = (int) Math.min(Math.floor(size / search.scanStep()), sizes.length - 2);
        while (k > 0 && size < sizes[k]) {
            k--;
        }
        while (k < sizes.length - 2 && size > sizes[k + 1]) {
            k++;
        }
        double a = sizes[k];
        double b = sizes[k + 1];
        if (size == a) {
            return values[k];
        }
        if (size == b) {
            return values[k + 1];
        }
        double w = b - a;
        double t = (size - a) / w;
        double t2 = t * t;
        double t3 = t2 * t;
        // Slopes are per unit of m; along |m| they carry the side's sign.
        double sign = down ? -1 : 1;
        return (2 * t3 - 3 * t2 + 1) * values[k] + (t3 - 2 * t2 + t) * w * sign * slopes[k]
                + (-2 * t3 + 3 * t2) * values[k + 1] + (t3 - t2) * w * sign * slopes[k + 1];
    }

    /** The revalued P&amp;L at the scan points of one side, 0 first (a copy): what a book's summary carries. */
    public double[] pnlAtScanPoints(boolean down) {
        return (down ? downPnl : upPnl).clone();
    }

    /** The slopes dP&amp;L/dm at the scan points of one side, 0 first (a copy). */
    public double[] slopeAtScanPoints(boolean down) {
        return (down ? downSlope : upSlope).clone();
    }

    /** A curve from a summary's arrays (copied), as {@link #pnlAtScanPoints}/{@link #slopeAtScanPoints} gave them. */
    public static MoveCurve of(LiquidationSearch search, double[] downPnl, double[] downSlope, double[] upPnl,
                               double[] upSlope) {
        Check.notNull(search, "search");
        int nd = sizes(search, -search.lowest()).length;
        int nu = sizes(search, search.highest()).length;
        check(downPnl, nd, "downPnl");
        check(downSlope, nd, "downSlope");
        check(upPnl, nu, "upPnl");
        check(upSlope, nu, "upSlope");
        return new MoveCurve(search, downPnl.clone(), downSlope.clone(), upPnl.clone(), upSlope.clone());
    }

    private static void check(double[] values, int length, String name) {
        Check.notNull(values, name);
        if (values.length != length) {
            throw new IllegalArgumentException(name + " must have " + length + " entries, had " + values.length);
        }
        for (int k = 0; k < length; k++) {
            Check.finite(values[k], name + "[" + k + "]");
        }
    }
}
