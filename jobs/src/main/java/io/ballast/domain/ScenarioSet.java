package io.ballast.domain;

import io.ballast.quant.Black76;

import java.nio.ByteBuffer;

/**
 * What a book sends the portfolio to be revalued: its priced option positions as revaluation entries
 * (call or put, K, τ, units q·m, F, σ, discount e^{−rτ}, each at the mark it was taken at), its linear
 * exposure in USD (Σ q·m·S), and, precomputed from them, its grid column and its P&amp;L at the coarse points
 * of the liquidation search with a lower bound of the P&amp;L between two of them.
 *
 * <p>The book builds it by full revaluation ({@link #of}) at most every {@code portfolio.scenario-interval}
 * and sends it whole ({@link #encode}). In between it sends each fill alone, in the <i>fill form</i> (one
 * entry at the fill's mark, {@link #optionFill}, {@link #linearFill}: 64 bytes instead of the whole set), and
 * the portfolio adds it to the set it holds ({@link #addFills}, as {@link #addOption} / {@link #addLinear}
 * would): every figure here is exactly the revaluation of the entries it holds, so the grid column, the
 * coarse points and {@link #pnl} always agree with one another.
 *
 * <p><b>Coarse points and bounds.</b> The coarse points of a side are every {@link #COARSE}-th scan point of
 * the {@link LiquidationSearch} (m = ±min(j·C·h, bound), j = 0, 1, …: a subset of the scan points). On each
 * coarse step [a, b] the P&amp;L is at least Σ entries min(u·V(a), u·V(b)) − u·V(0) + min(L·a, L·b): a call's
 * Black-76 value rises with its forward and a put's falls (τ and σ fixed), so each entry is monotonic in m
 * and its smallest value on a step is at one of its ends. {@link Liquidation#find(double, java.util.List,
 * double, LiquidationSearch)} skips a step whose bound keeps equity above 0, and revalues the entries only
 * inside the steps it cannot rule out.
 *
 * <p>Heap only on the book's side (rebuilt after a restore). On the portfolio's it also keeps the P&amp;L it
 * has read at scan points and bisection midpoints ({@link #atScanPoint}, {@link #probe}); an added entry adds
 * its value to each, so a search after a fill revalues the new entry alone where it reads the same points.
 * Not thread-safe.
 */
public final class ScenarioSet {

    /** Scan points per coarse step. */
    public static final int COARSE = 5;

    private static final int VERSION = 1;
    /** Moves kept by {@link #probe}. */
    private static final int PROBES = 16;
    /** Bytes of one fill in the fill form: one entry. */
    public static final int FILL_BYTES = 8 * Double.BYTES;
    /** Tag of a linear fill in the fill form ({@link #linearFill}); an option's is its call field, 1 or 0. */
    private static final double LINEAR = 2;
    private static final int FIELDS = 8; // call, strike, tau, units, forward, vol, discount, base value

    private final ScenarioAxes axes;
    private final LiquidationSearch search;
    private int n;
    /** Entry i at [i·FIELDS, (i+1)·FIELDS): call (1/0), K, τ, units, F, σ, discount, units·V(0). */
    private double[] entries;
    private double linearUsd;
    private final double[] cells;
    /** P&amp;L at the coarse points of each side, index 0 is m = 0. */
    private final double[] down;
    private final double[] up;
    /** Lower bound of the P&amp;L on coarse step j (between points j and j+1) of each side. */
    private final double[] downBound;
    private final double[] upBound;
    /**
     * The options' P&amp;L at scan point k of each side as read so far (NaN: not yet), on the portfolio's side
     * only: a cache for {@link #atScanPoint}, carried over to the next set of the book by {@link #extend}.
     */
    private double[] scanDown;
    private double[] scanUp;
    /**
     * The options' P&amp;L at other moves read so far (the bisection's midpoints), on the portfolio's side only:
     * a cache for {@link #probe}, at most {@link #PROBES} moves, the oldest replaced first. The bisection of the
     * next search of the same portfolio mostly visits the same midpoints.
     */
    private final double[] probeMoves = new double[PROBES];
    private final double[] probeValues = new double[PROBES];
    private int probeCount;
    private int probeNext;

    private ScenarioSet(ScenarioAxes axes, LiquidationSearch search, int capacity) {
        this.axes = axes;
        this.search = search;
        this.entries = new double[Math.max(capacity, 4) * FIELDS];
        this.cells = new double[axes.spotCount() * axes.volCount()];
        this.down = new double[coarseSizes(search, true).length];
        this.up = new double[coarseSizes(search, false).length];
        this.downBound = new double[down.length - 1];
        this.upBound = new double[up.length - 1];
    }

    /** The set of {@code book} by full revaluation. */
    public static ScenarioSet of(UnderlyingPositions book, ScenarioAxes axes, LiquidationSearch search) {
        Check.notNull(book, "book");
        ScenarioSet set = new ScenarioSet(Check.notNull(axes, "axes"), Check.notNull(search, "search"),
                book.options().size());
        for (OptionPosition o : book.options()) {
            set.add(o, book.rate());
        }
        set.addLinear(book.linearUnits() * book.referencePrice());
        return set;
    }

    /** The coarse points' sizes |m| of one side, 0 first, the bound last. */
    static double[] coarseSizes(LiquidationSearch search, boolean down) {
        double bound = down ? -search.lowest() : search.highest();
        double h = search.scanStep();
        int points = 1;
        while (points * COARSE * h < bound) {
            points++;
        }
        double[] sizes = new double[points + 1];
        for (int j = 1; j <= points; j++) {
            sizes[j] = Math.min((j * COARSE) * h, bound);
        }
        return sizes;
    }

    /** Adds a priced option (a fill, or a held position): its entry and its share of every figure. */
    public void addOption(OptionPosition o, double rate) {
        add(Check.notNull(o, "option"), Check.finite(rate, "rate"));
    }

    private void add(OptionPosition o, double rate) {
        double discount = Math.exp(-rate * o.timeToExpiry());
        double u = o.units();
        addEntry(o.call(), o.strike(), o.timeToExpiry(), u, o.forward(), o.vol(), discount,
                u * Black76.price(o.call(), o.forward(), o.strike(), o.timeToExpiry(), o.vol(), discount));
    }

    /** Adds an option entry (its fields as {@link #entries} holds them) and its share of every figure. */
    private void addEntry(boolean call, double strike, double tau, double u, double forward, double vol,
                          double discount, double base) {
        if (entries.length < (n + 1) * FIELDS) {
            entries = java.util.Arrays.copyOf(entries, entries.length * 2);
        }
        int at = n * FIELDS;
        entries[at] = call ? 1 : 0;
        entries[at + 1] = strike;
        entries[at + 2] = tau;
        entries[at + 3] = u;
        entries[at + 4] = forward;
        entries[at + 5] = vol;
        entries[at + 6] = discount;
        entries[at + 7] = base;
        n++;
        int nv = axes.volCount();
        for (int i = 0; i < axes.spotCount(); i++) {
            double f = forward * (1 + axes.spotShock(i));
            for (int j = 0; j < nv; j++) {
                cells[i * nv + j] += u * Black76.price(call, f, strike, tau, vol * (1 + axes.volShock(j)), discount) - base;
            }
        }
        addCoarse(n - 1, true);
        addCoarse(n - 1, false);
        // What the portfolio has read stays read: each read point gains the new entry's value.
        updateRead(scanDown, n - 1, true);
        updateRead(scanUp, n - 1, false);
        for (int k = 0; k < probeCount; k++) {
            probeValues[k] += value(n - 1, probeMoves[k]);
        }
    }

    private void updateRead(double[] read, int entry, boolean downSide) {
        if (read == null) {
            return;
        }
        double bound = downSide ? -search.lowest() : search.highest();
        double sign = downSide ? -1 : 1;
        for (int k = 1; k < read.length; k++) {
            if (!Double.isNaN(read[k])) {
                read[k] += value(entry, sign * Math.min(k * search.scanStep(), bound));
            }
        }
    }

    private void addCoarse(int entry, boolean downSide) {
        double[] sizes = coarseSizes(search, downSide);
        double[] values = downSide ? down : up;
        double[] bounds = downSide ? downBound : upBound;
        double sign = downSide ? -1 : 1;
        double previous = 0;
        for (int j = 1; j < sizes.length; j++) {
            double v = value(entry, sign * sizes[j]);
            values[j] += v;
            bounds[j - 1] += Math.min(previous, v);
            previous = v;
        }
    }

    /** Adds linear exposure worth {@code usd} = q·m·S (a linear fill, or the held linear positions). */
    public void addLinear(double usd) {
        Check.finite(usd, "usd");
        linearUsd += usd;
        int nv = axes.volCount();
        for (int i = 0; i < axes.spotCount(); i++) {
            for (int j = 0; j < nv; j++) {
                cells[i * nv + j] += usd * axes.spotShock(i);
            }
        }
        for (boolean downSide : new boolean[] {true, false}) {
            double[] sizes = coarseSizes(search, downSide);
            double[] values = downSide ? down : up;
            double[] bounds = downSide ? downBound : upBound;
            double sign = downSide ? -1 : 1;
            for (int j = 1; j < sizes.length; j++) {
                values[j] += usd * sign * sizes[j];
                bounds[j - 1] += Math.min(usd * sign * sizes[j - 1], usd * sign * sizes[j]);
            }
        }
    }

    /** P&amp;L in USD of entry {@code i} for a move m of its forward: u·V(F·(1+m)) − u·V(F). */
    private double value(int i, double move) {
        int at = i * FIELDS;
        return entries[at + 3] * Black76.price(entries[at] == 1, entries[at + 4] * (1 + move), entries[at + 1],
                entries[at + 2], entries[at + 5], entries[at + 6]) - entries[at + 7];
    }

    /** P&amp;L in USD of a move m (&gt; −1) of every forward and of S together, vol unchanged, by full revaluation. */
    public double pnl(double move) {
        return optionsPnl(0, move) + linearUsd * move;
    }

    private double optionsPnl(int from, double move) {
        double sum = 0;
        for (int i = from; i < n; i++) {
            sum += value(i, move);
        }
        return sum;
    }

    /**
     * {@link #pnl} at scan point k of a side, m = ±min(k·h, bound) ({@code move}, as the search computes it),
     * each revalued once: a second read is the first one's figure.
     */
    double atScanPoint(boolean downSide, int k, double move) {
        double[] cache = downSide ? scanDown : scanUp;
        if (cache == null) {
            cache = new double[scanPoints(downSide) + 1];
            java.util.Arrays.fill(cache, Double.NaN);
            if (downSide) {
                scanDown = cache;
            } else {
                scanUp = cache;
            }
        }
        double v = cache[k];
        if (Double.isNaN(v)) {
            v = optionsPnl(0, move);
            cache[k] = v;
        }
        return v + linearUsd * move;
    }

    /**
     * {@link #pnl} at any move, each move revalued once while it is among the last {@link #PROBES} read: a
     * second read is the first one's figure (kept up to date when entries are added).
     */
    double probe(double move) {
        for (int k = 0; k < probeCount; k++) {
            if (probeMoves[k] == move) {
                return probeValues[k] + linearUsd * move;
            }
        }
        double v = optionsPnl(0, move);
        probeMoves[probeNext] = move;
        probeValues[probeNext] = v;
        probeNext = (probeNext + 1) % PROBES;
        probeCount = Math.min(probeCount + 1, PROBES);
        return v + linearUsd * move;
    }

    /** The number of scan points of a side after 0: the first k with min(k·h, bound) = bound. */
    private int scanPoints(boolean downSide) {
        double bound = downSide ? -search.lowest() : search.highest();
        int k = 1;
        while (k * search.scanStep() < bound) {
            k++;
        }
        return k;
    }

    /** The grid column: P&amp;L of every (spot, vol) cell, row-major. */
    public ScenarioGrid column() {
        return ScenarioGrid.of(axes, cells);
    }

    /** The revaluation entries held. */
    public int entries() {
        return n;
    }

    /** Σ q·m·S of the linear exposure, USD. */
    public double linearUsd() {
        return linearUsd;
    }

    /** The P&amp;L at the coarse points of one side, 0 first (a copy). */
    public double[] coarse(boolean downSide) {
        return (downSide ? down : up).clone();
    }

    /** The lower bounds of the P&amp;L on the coarse steps of one side, nearest 0 first (a copy). */
    public double[] bounds(boolean downSide) {
        return (downSide ? downBound : upBound).clone();
    }

    /** Adds this set's coarse points and bounds to the sums (same search). */
    void addCoarseTo(double[] downSum, double[] upSum, double[] downBoundSum, double[] upBoundSum) {
        addTo(down, downSum);
        addTo(up, upSum);
        addTo(downBound, downBoundSum);
        addTo(upBound, upBoundSum);
    }

    private static void addTo(double[] from, double[] sum) {
        for (int k = 0; k < from.length; k++) {
            sum[k] += from[k];
        }
    }

    // ----------------------------------------------------------------------------- fills since the set

    /**
     * An option fill in the fill form: one entry of {@link #FIELDS} big-endian doubles, as {@link #entries}
     * holds it (call 1 / put 0, K, τ, units, F, σ, discount, units·V(0)), valued at the fill's mark.
     */
    public static byte[] optionFill(OptionPosition o, double rate) {
        Check.notNull(o, "option");
        Check.finite(rate, "rate");
        double discount = Math.exp(-rate * o.timeToExpiry());
        double u = o.units();
        return fill(o.call() ? 1 : 0, o.strike(), o.timeToExpiry(), u, o.forward(), o.vol(), discount,
                u * Black76.price(o.call(), o.forward(), o.strike(), o.timeToExpiry(), o.vol(), discount));
    }

    /** A linear fill worth {@code usd} = q·m·S of exposure (an inverse one q·cv) in the fill form: tag 2, then the USD. */
    public static byte[] linearFill(double usd) {
        return fill(LINEAR, Check.finite(usd, "usd"), 0, 0, 0, 0, 0, 0);
    }

    private static byte[] fill(double... fields) {
        ByteBuffer b = ByteBuffer.allocate(FILL_BYTES);
        for (double f : fields) {
            b.putDouble(f);
        }
        return b.array();
    }

    /** The fills held by {@code fills} (one fill form after the other); -1 when it is not whole fills. */
    public static int fillCount(byte[] fills) {
        return fills == null ? 0 : fills.length % FILL_BYTES == 0 ? fills.length / FILL_BYTES : -1;
    }

    /** {@code first} then {@code next}: the fill form of both (either may be null). */
    public static byte[] concatFills(byte[] first, byte[] next) {
        if (first == null || first.length == 0) {
            return next;
        }
        if (next == null || next.length == 0) {
            return first;
        }
        byte[] out = java.util.Arrays.copyOf(first, first.length + next.length);
        System.arraycopy(next, 0, out, first.length, next.length);
        return out;
    }

    /**
     * Adds the fills of {@code fills} from the {@code from}-th on, each as {@link #addOption} or {@link #addLinear}
     * would (a fill entry is the option at the fill's mark), keeping what has been read up to date.
     *
     * @return false, adding nothing, when {@code fills} is not a sequence of fill forms
     */
    public boolean addFills(byte[] fills, int from) {
        int count = fillCount(fills);
        if (count < 0 || from < 0 || from > count) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(fills);
        for (int i = from; i < count; i++) {
            double tag = b.getDouble(i * FILL_BYTES);
            if (tag != 0 && tag != 1 && tag != LINEAR) {
                return false;
            }
        }
        double[] f = new double[FIELDS];
        for (int i = from; i < count; i++) {
            for (int k = 0; k < FIELDS; k++) {
                f[k] = b.getDouble((i * FIELDS + k) * Double.BYTES);
            }
            if (f[0] == LINEAR) {
                addLinear(f[1]);
            } else {
                addEntry(f[0] == 1, f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
            }
        }
        return true;
    }

    // ----------------------------------------------------------------------------- wire form

    /**
     * The set as the book's summary carries it and the portfolio stores it: version, counts, the linear
     * exposure, the entries, the grid column, the coarse points and bounds (big-endian doubles).
     */
    public byte[] encode() {
        int doubles = 1 + n * FIELDS + cells.length + down.length + up.length + downBound.length + upBound.length;
        ByteBuffer b = ByteBuffer.allocate(5 * Integer.BYTES + doubles * Double.BYTES);
        b.putInt(VERSION).putInt(n).putInt(down.length).putInt(up.length).putInt(cells.length);
        b.putDouble(linearUsd);
        for (int k = 0; k < n * FIELDS; k++) {
            b.putDouble(entries[k]);
        }
        for (double[] a : new double[][] {cells, down, up, downBound, upBound}) {
            for (double v : a) {
                b.putDouble(v);
            }
        }
        return b.array();
    }

    /**
     * A set from its {@link #encode wire form}; null when there is none or it was made for another search
     * or other axes (the portfolio then treats the book as without a column).
     */
    public static ScenarioSet decode(byte[] bytes, ScenarioAxes axes, LiquidationSearch search) {
        if (bytes == null || bytes.length < 5 * Integer.BYTES) {
            return null;
        }
        ByteBuffer wire = ByteBuffer.wrap(bytes);
        if (wire.getInt(0) != VERSION) {
            return null;
        }
        int n = wire.getInt(4);
        ScenarioSet set = new ScenarioSet(axes, search, n);
        if (n < 0 || wire.getInt(8) != set.down.length || wire.getInt(12) != set.up.length
                || wire.getInt(16) != set.cells.length
                || bytes.length != 5 * Integer.BYTES + (1 + n * FIELDS + set.cells.length
                        + 2 * (set.down.length + set.up.length) - 2) * Double.BYTES) {
            return null;
        }
        wire.position(5 * Integer.BYTES);
        set.linearUsd = wire.getDouble();
        set.n = n;
        for (int k = 0; k < n * FIELDS; k++) {
            set.entries[k] = wire.getDouble();
        }
        for (double[] a : new double[][] {set.cells, set.down, set.up, set.downBound, set.upBound}) {
            for (int k = 0; k < a.length; k++) {
                a[k] = wire.getDouble();
            }
        }
        return set;
    }
}
