package io.ballast.domain;

import java.util.function.DoubleUnaryOperator;

/**
 * Distance to liquidation: the smallest relative move m of every underlying together (vol unchanged)
 * at which equity + P&amp;L(m) ≤ 0, one on each side of 0, with P&amp;L(m) by full revaluation
 * ({@link PortfolioPositions#pnlOfMove}).
 *
 * <p>P&amp;L(m) of an options book need not be monotonic (a short straddle with long wings loses both ways
 * and then gains), so the search does not bisect the whole range. It scans outward from 0:
 * m_k = ±min(k·h, bound), k = 1, 2, …, and stops at the first point where equity + P&amp;L ≤ 0; the crossing
 * then lies in (m_{k−1}, m_k], which it bisects (keeping one end above 0 and one at or below) until the
 * bracket is at most {@code tolerance} wide, and returns the outer end: a move at which equity + P&amp;L ≤ 0,
 * within {@code tolerance} of a crossing. What it can miss, and says so: a dip below 0 that starts and
 * ends between two scan points (narrower than h), and within the bracketing step a crossing earlier than
 * the one bisection lands on. With equity ≤ 0 already, both moves are 0. Costs at most
 * (|lowest| + highest)/h + 2·log₂(h/tolerance) revaluations.
 */
public final class Liquidation {

    private Liquidation() {
    }

    /** Down and up moves; null where equity + P&amp;L stays &gt; 0 over the searched range. */
    public record Moves(Double down, Double up) {
    }

    /**
     * @param equity USD, finite
     * @param pnlOfMove P&amp;L in USD of a relative move m ∈ (−1, ∞), with P&amp;L(0) = 0
     */
    public static Moves find(double equity, DoubleUnaryOperator pnlOfMove, LiquidationSearch search) {
        Check.finite(equity, "equity");
        Check.notNull(pnlOfMove, "pnlOfMove");
        Check.notNull(search, "search");
        if (equity <= 0) {
            return new Moves(0.0, 0.0);
        }
        return new Moves(side(equity, pnlOfMove, search, -1), side(equity, pnlOfMove, search, +1));
    }

    private static Double side(double equity, DoubleUnaryOperator pnl, LiquidationSearch search, int direction) {
        double bound = direction < 0 ? -search.lowest() : search.highest();
        double h = search.scanStep();
        double inside = 0;
        for (int k = 1; ; k++) {
            double size = Math.min(k * h, bound);
            double m = direction * size;
            if (equity + value(pnl, m) <= 0) {
                double outside = m;
                while (Math.abs(outside - inside) > search.tolerance()) {
                    double mid = (inside + outside) / 2;
                    if (equity + value(pnl, mid) <= 0) {
                        outside = mid;
                    } else {
                        inside = mid;
                    }
                }
                return outside;
            }
            if (size >= bound) {
                return null;
            }
            inside = m;
        }
    }

    /**
     * The largest loss, USD (≥ 0), of the moves between 0 and {@code to} on the scan points
     * ±k·scanStep and {@code to} itself: max(0, −min P&amp;L). What the buffer rule compares equity with.
     */
    public static double maxLossWithin(DoubleUnaryOperator pnlOfMove, double to, double scanStep) {
        Check.notNull(pnlOfMove, "pnlOfMove");
        Check.finite(to, "to");
        Check.positive(scanStep, "scanStep");
        double bound = Math.abs(to);
        double direction = Math.signum(to);
        double worst = 0;
        for (int k = 1; bound > 0; k++) {
            double size = Math.min(k * scanStep, bound);
            worst = Math.min(worst, value(pnlOfMove, direction * size));
            if (size >= bound) {
                break;
            }
        }
        return -worst;
    }

    private static double value(DoubleUnaryOperator pnl, double m) {
        double v = pnl.applyAsDouble(m);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("P&L of move " + m + " is not finite: " + v);
        }
        return v;
    }
}
