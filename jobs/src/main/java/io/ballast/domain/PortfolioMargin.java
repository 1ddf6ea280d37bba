package io.ballast.domain;

import java.util.function.DoubleUnaryOperator;

/**
 * The margin figures of one provider's portfolio at one instant (USD unless said):
 * <ul>
 *   <li>{@code equity} = collateralValue (after haircuts) + Σ option values q·m·mark + Σ spot values q·m·S
 *       + Σ perpetual/future unrealized q·m·(mark − average entry) ({@link #equity});</li>
 *   <li>{@code margin} = worstLoss of the portfolio's grid = max(0, −min cell);</li>
 *   <li>{@code marginUsage} = margin / equity, null when equity ≤ 0;</li>
 *   <li>{@code liquidationMoveDown} ≤ 0 and {@code liquidationMoveUp} ≥ 0: signed relative moves of every
 *       underlying together, vol unchanged ({@link Liquidation}); null when equity + P&amp;L stays &gt; 0;</li>
 *   <li>{@code bufferLossDown}, {@code bufferLossUp}: with a {@code minLiquidationMove} b and that side's
 *       liquidation move within b (|move| &lt; b), the largest loss of the moves in [−b, 0] or [0, b]
 *       ({@link Liquidation#maxLossWithin}, and the liquidation move itself); null otherwise. The
 *       buffer's restore amounts are computed from them ({@link PortfolioRules}).</li>
 * </ul>
 */
public record PortfolioMargin(double equity, double margin, Double marginUsage, double worstSpotShock,
                              double worstVolShock, Double liquidationMoveDown, Double liquidationMoveUp,
                              Double bufferLossDown, Double bufferLossUp) {

    public PortfolioMargin {
        Check.finite(equity, "equity");
        Check.nonNegative(margin, "margin");
    }

    /** collateralValue + optionValue + spotValue + linearUnrealized, each in USD and finite. */
    public static double equity(double collateralValue, double optionValue, double spotValue, double linearUnrealized) {
        return Check.finite(collateralValue, "collateralValue") + Check.finite(optionValue, "optionValue")
                + Check.finite(spotValue, "spotValue") + Check.finite(linearUnrealized, "linearUnrealized");
    }

    /**
     * @param equity USD
     * @param grid the portfolio's grid, coin collateral included
     * @param pnlOfMove the portfolio's P&amp;L of a move of every underlying together, vol unchanged
     * @param minLiquidationMove the limit b (&gt; 0), or null: then no buffer losses are computed
     */
    public static PortfolioMargin of(double equity, ScenarioGrid grid, DoubleUnaryOperator pnlOfMove,
                                     LiquidationSearch search, Double minLiquidationMove) {
        Check.finite(equity, "equity");
        return of(equity, grid, Liquidation.find(equity, pnlOfMove, search), pnlOfMove, search, minLiquidationMove);
    }

    /**
     * The same with the liquidation moves already found (on the same P&amp;L).
     *
     * @param moves {@link Liquidation#find} of {@code equity} and {@code pnlOfMove}
     */
    public static PortfolioMargin of(double equity, ScenarioGrid grid, Liquidation.Moves moves,
                                     DoubleUnaryOperator pnlOfMove, LiquidationSearch search, Double minLiquidationMove) {
        Check.finite(equity, "equity");
        Check.notNull(grid, "grid");
        Check.notNull(moves, "moves");
        double margin = grid.worstLoss();
        Double usage = equity > 0 ? margin / equity : null;
        Double down = null;
        Double up = null;
        if (minLiquidationMove != null) {
            // Only the restore amounts of a breached side read these: a side not within b costs no revaluation.
            double b = Check.positive(minLiquidationMove, "minLiquidationMove");
            if (moves.down() != null && Math.abs(moves.down()) < b) {
                down = bufferLoss(pnlOfMove, Math.max(-b, search.lowest()), search.scanStep(), moves.down());
            }
            if (moves.up() != null && Math.abs(moves.up()) < b) {
                up = bufferLoss(pnlOfMove, Math.min(b, search.highest()), search.scanStep(), moves.up());
            }
        }
        return new PortfolioMargin(equity, margin, usage, grid.worstSpotShock(), grid.worstVolShock(),
                moves.down(), moves.up(), down, up);
    }

    /** The largest loss on the scan points to {@code to}, and at the liquidation move when it lies within. */
    private static double bufferLoss(DoubleUnaryOperator pnl, double to, double step, Double liquidationMove) {
        double loss = Liquidation.maxLossWithin(pnl, to, step);
        if (liquidationMove != null && liquidationMove != 0 && Math.abs(liquidationMove) <= Math.abs(to)) {
            loss = Math.max(loss, -pnl.applyAsDouble(liquidationMove));
        }
        return loss;
    }
}
