package io.ballast.domain;

import java.util.List;
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

    /**
     * The same moves for a portfolio of books' {@link ScenarioSet}s and coin collateral worth {@code coinUsd}
     * (= Σ amount·S), found with fewer revaluations: a coarse step of the sets whose lower bound keeps
     * equity + P&amp;L above 0 holds no scan point at or below 0, so it is skipped; in the others every scan
     * point is read (the coarse points from the sets' sums, the rest by full revaluation of every entry) and
     * the first one at or below 0 is bisected by full revaluation, as {@link #find(double, DoubleUnaryOperator,
     * LiquidationSearch)} does. The sets keep what they revalued ({@link ScenarioSet#atScanPoint},
     * {@link ScenarioSet#probe}), so the next search after a fill revalues only the fill's entry at the points
     * it reads again. The result is that method's on {@code P(m) = Σ sets' pnl(m) + coinUsd·m}, up to
     * the rounding of sums taken in another order.
     */
    public static Moves find(double equity, List<ScenarioSet> books, double coinUsd, LiquidationSearch search) {
        return find(equity, books, coinUsd, search, null);
    }

    /**
     * As {@link #find(double, List, double, LiquidationSearch)}, trying first the moves of the portfolio's
     * previous search ({@code hint}, may be null): when a side's crossing is still in the same scan step, its
     * previous final cell is checked first ({@link #guidedBisect}); the sets keep the P&amp;L at its ends, so
     * after a fill the check revalues only the fill's entries. The result does not depend on the hint.
     */
    public static Moves find(double equity, List<ScenarioSet> books, double coinUsd, LiquidationSearch search,
                             Moves hint) {
        Check.finite(equity, "equity");
        Check.notNull(books, "books");
        Check.finite(coinUsd, "coinUsd");
        Check.notNull(search, "search");
        if (equity <= 0) {
            return new Moves(0.0, 0.0);
        }
        double[] downSizes = ScenarioSet.coarseSizes(search, true);
        double[] upSizes = ScenarioSet.coarseSizes(search, false);
        double[] down = new double[downSizes.length];
        double[] up = new double[upSizes.length];
        double[] downBound = new double[downSizes.length - 1];
        double[] upBound = new double[upSizes.length - 1];
        for (ScenarioSet b : books) {
            b.addCoarseTo(down, up, downBound, upBound);
        }
        DoubleUnaryOperator pnl = m -> {
            double sum = 0;
            for (int i = 0; i < books.size(); i++) {
                sum += books.get(i).probe(m); // the midpoints the last search read are mostly read again
            }
            return sum + coinUsd * m;
        };
        return new Moves(coarseSide(equity, books, pnl, search, -1, downSizes, down, downBound, coinUsd,
                        hint == null ? null : hint.down()),
                coarseSide(equity, books, pnl, search, +1, upSizes, up, upBound, coinUsd, hint == null ? null : hint.up()));
    }

    /** P&amp;L in USD of a move m of every underlying together, vol unchanged: Σ sets' pnl(m) + coinUsd·m. */
    public static DoubleUnaryOperator pnlOfMove(List<ScenarioSet> books, double coinUsd) {
        return m -> {
            double sum = 0;
            for (int i = 0; i < books.size(); i++) {
                sum += books.get(i).pnl(m);
            }
            return sum + coinUsd * m;
        };
    }

    private static Double coarseSide(double equity, List<ScenarioSet> books, DoubleUnaryOperator pnl,
                                     LiquidationSearch search, int direction, double[] sizes, double[] coarse,
                                     double[] bounds, double coinUsd, Double hint) {
        double bound = direction < 0 ? -search.lowest() : search.highest();
        double h = search.scanStep();
        double inside = 0;
        double insideValue = 0; // P&L at inside
        int k = 0; // the scan index reached: scan point k is min(k·h, bound)
        for (int j = 0; j + 1 < sizes.length; j++) {
            double a = direction * sizes[j];
            double b = direction * sizes[j + 1];
            int last = j + 1 == sizes.length - 1 ? Integer.MAX_VALUE : (j + 1) * ScenarioSet.COARSE;
            if (equity + bounds[j] + Math.min(coinUsd * a, coinUsd * b) > 0) {
                inside = b; // no scan point of (a, b] at or below 0
                insideValue = coarse[j + 1] + coinUsd * b;
                k = last;
                continue;
            }
            while (true) {
                k++;
                double size = Math.min(k * h, bound);
                double m = direction * size;
                boolean coarsePoint = k >= last || size >= bound;
                double value = coarsePoint ? coarse[j + 1] + coinUsd * b : atScanPoint(books, direction < 0, k, m, coinUsd);
                if (equity + value <= 0) {
                    return guidedBisect(equity, pnl, search, inside, equity + insideValue, coarsePoint ? b : m,
                            equity + value, hint);
                }
                inside = coarsePoint ? b : m;
                insideValue = value;
                if (coarsePoint) {
                    break;
                }
            }
        }
        return null;
    }

    /**
     * What {@link #bisect} returns, with fewer revaluations when the crossing is the only one in the bracket.
     * Bisection halves the bracket down to a cell of width ≤ tolerance, and returns its outer end; each
     * halving compares a midpoint with the one crossing. This predicts the crossing, walks the halvings to the
     * cell that holds the prediction, and checks that cell by revaluing its ends (equity + P&amp;L &gt; 0 at the
     * inner one, ≤ 0 at the outer one): checked, it is the cell bisection ends in (its ends are the midpoints
     * bisection keeps), so the result is the same move. Predictions, in turn: {@code hint} (the previous
     * search's move, when in the bracket); regula falsi (the chord through the bracket's ends, then once more
     * through the value at that prediction: one revaluation). None checked, plain bisection runs. With several
     * crossings in the bracket the result is still a move at or below 0 within tolerance of one of them, as
     * bisection's is.
     *
     * @param fInside equity + P&amp;L at {@code inside}, &gt; 0
     * @param fOutside equity + P&amp;L at {@code outside}, ≤ 0
     * @param hint a move expected near the crossing, or null
     */
    static double guidedBisect(double equity, DoubleUnaryOperator pnl, LiquidationSearch search, double inside,
                               double fInside, double outside, double fOutside, Double hint) {
        if (hint != null && (hint - inside) * (outside - inside) > 0 && Math.abs(hint - inside) <= Math.abs(outside - inside)) {
            Double checked = checkedCell(equity, pnl, search, inside, outside, hint);
            if (checked != null) {
                return checked;
            }
        }
        double in = inside;
        double out = outside;
        double fIn = fInside;
        double fOut = fOutside;
        double guess = chord(in, fIn, out, fOut);
        if (Math.abs(out - in) > search.tolerance()) {
            double fGuess = equity + value(pnl, guess);
            if (fGuess <= 0) {
                out = guess;
                fOut = fGuess;
            } else {
                in = guess;
                fIn = fGuess;
            }
            guess = chord(in, fIn, out, fOut);
        }
        Double checked = checkedCell(equity, pnl, search, inside, outside, guess);
        return checked != null ? checked : bisect(equity, pnl, search, inside, outside);
    }

    /**
     * The outer end of bisection's last cell when the crossing is in the cell that holds {@code guess}
     * (checked by revaluing that cell's ends); null when it is not.
     */
    private static Double checkedCell(double equity, DoubleUnaryOperator pnl, LiquidationSearch search,
                                      double inside, double outside, double guess) {
        double lo = inside;
        double hi = outside;
        double dir = Math.signum(outside - inside);
        while (Math.abs(hi - lo) > search.tolerance()) {
            double mid = (lo + hi) / 2;
            if ((mid - guess) * dir >= 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        boolean loAbove = lo == inside || equity + value(pnl, lo) > 0;
        return loAbove && (hi == outside || equity + value(pnl, hi) <= 0) ? hi : null;
    }

    /** Where the chord through (a, fa) and (b, fb), fa &gt; 0 ≥ fb, crosses 0; within [a, b]. */
    private static double chord(double a, double fa, double b, double fb) {
        double t = fa / (fa - fb);
        return !(t >= 0 && t <= 1) ? (a + b) / 2 : a + (b - a) * t;
    }

    private static double atScanPoint(List<ScenarioSet> books, boolean down, int k, double m, double coinUsd) {
        double sum = 0;
        for (int i = 0; i < books.size(); i++) {
            sum += books.get(i).atScanPoint(down, k, m);
        }
        sum += coinUsd * m;
        if (!Double.isFinite(sum)) {
            throw new IllegalArgumentException("P&L of move " + m + " is not finite: " + sum);
        }
        return sum;
    }

    static double bisect(double equity, DoubleUnaryOperator pnl, LiquidationSearch search, double inside,
                                 double outside) {
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

    private static Double side(double equity, DoubleUnaryOperator pnl, LiquidationSearch search, int direction) {
        double bound = direction < 0 ? -search.lowest() : search.highest();
        double h = search.scanStep();
        double inside = 0;
        for (int k = 1; ; k++) {
            double size = Math.min(k * h, bound);
            double m = direction * size;
            if (equity + value(pnl, m) <= 0) {
                return bisect(equity, pnl, search, inside, m);
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
