package io.ballast.domain;

import java.util.Arrays;

/**
 * P&amp;L in USD of a book or a portfolio on the cells of {@link ScenarioAxes}, row-major spot × vol: cell
 * (i, j) at index {@code i · volCount + j} is the P&amp;L of spot shock i and vol shock j. Immutable.
 *
 * <p>Grids on the same axes add cell by cell ({@link #plus}): the portfolio's grid is the sum of its
 * underlyings' columns and of its coin collateral's columns ({@link #collateral}), because every shock
 * moves all underlyings together and each cell is linear in the quantities.
 *
 * <p>worstLoss = max(0, −min cell); worstSpotShock and worstVolShock are the shocks of the minimum cell,
 * the first in row-major order on a tie, reported even when no cell loses.
 */
public final class ScenarioGrid {

    private final ScenarioAxes axes;
    private final double[] cells;
    private final int worst;

    private ScenarioGrid(ScenarioAxes axes, double[] cells) {
        this.axes = axes;
        this.cells = cells;
        int w = 0;
        for (int k = 1; k < cells.length; k++) {
            if (cells[k] < cells[w]) {
                w = k;
            }
        }
        this.worst = w;
    }

    /** A grid from its cells, row-major spot × vol (copied); each finite. */
    public static ScenarioGrid of(ScenarioAxes axes, double[] cells) {
        Check.notNull(axes, "axes");
        Check.notNull(cells, "cells");
        if (cells.length != axes.spotCount() * axes.volCount()) {
            throw new IllegalArgumentException("cells must have " + axes.spotCount() + " × " + axes.volCount()
                    + " entries, had " + cells.length);
        }
        for (int k = 0; k < cells.length; k++) {
            Check.finite(cells[k], "cells[" + k + "]");
        }
        return new ScenarioGrid(axes, cells.clone());
    }

    /** All cells 0: the grid of an empty portfolio. */
    public static ScenarioGrid zero(ScenarioAxes axes) {
        return of(axes, new double[axes.spotCount() * axes.volCount()]);
    }

    /**
     * The column of coin collateral worth {@code usdValue} = amount·S today: usdValue·s in every cell of
     * spot shock s, whatever the vol shock (CONTRACT.md: coin collateral moves by amount·S·s, before haircut).
     */
    public static ScenarioGrid collateral(ScenarioAxes axes, double usdValue) {
        Check.notNull(axes, "axes");
        Check.finite(usdValue, "usdValue");
        int nv = axes.volCount();
        double[] cells = new double[axes.spotCount() * nv];
        for (int i = 0; i < axes.spotCount(); i++) {
            Arrays.fill(cells, i * nv, (i + 1) * nv, usdValue * axes.spotShock(i));
        }
        return new ScenarioGrid(axes, cells);
    }

    /** Cell-by-cell sum; both grids on equal axes. */
    public ScenarioGrid plus(ScenarioGrid other) {
        if (!axes.equals(other.axes)) {
            throw new IllegalArgumentException("grids on different axes: " + axes + " and " + other.axes);
        }
        double[] sum = new double[cells.length];
        for (int k = 0; k < sum.length; k++) {
            sum[k] = cells[k] + other.cells[k];
        }
        return new ScenarioGrid(axes, sum);
    }

    public ScenarioAxes axes() {
        return axes;
    }

    /** P&amp;L in USD of spot shock i and vol shock j. */
    public double pnl(int spotIndex, int volIndex) {
        if (spotIndex < 0 || spotIndex >= axes.spotCount() || volIndex < 0 || volIndex >= axes.volCount()) {
            throw new IllegalArgumentException("no cell (" + spotIndex + ", " + volIndex + ") on " + axes);
        }
        return cells[spotIndex * axes.volCount() + volIndex];
    }

    /** A copy of the cells, row-major spot × vol. */
    public double[] cells() {
        return cells.clone();
    }

    /** max(0, −min cell), USD. */
    public double worstLoss() {
        return Math.max(0, -cells[worst]);
    }

    /** The spot shock of the minimum cell. */
    public double worstSpotShock() {
        return axes.spotShock(worst / axes.volCount());
    }

    /** The vol shock of the minimum cell. */
    public double worstVolShock() {
        return axes.volShock(worst % axes.volCount());
    }

    @Override
    public String toString() {
        return "ScenarioGrid{" + axes + ", cells=" + Arrays.toString(cells) + '}';
    }
}
