package io.ballast.domain;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a provider's portfolio revalues: its books, one per underlying, and its coin collateral as USD
 * exposures amount·S per asset (before haircut; see {@link CollateralValue#coinUsd()}).
 *
 * <p>{@link #grid} is Σ books' {@link UnderlyingPositions#column columns} + Σ coins' collateral columns, in
 * the order of {@code books} and then of the assets; {@link #pnlOfMove} is the same P&amp;L at one spot
 * shock m with vol unchanged: Σ books pnl(m, 0) + Σ coins amount·S·m.
 *
 * @param books one per underlying (a copy is kept), in a fixed order
 * @param coinUsd asset → amount·S in USD of the coin collateral that is an underlying (copied, sorted)
 */
public record PortfolioPositions(List<UnderlyingPositions> books, Map<String, Double> coinUsd) {

    public PortfolioPositions {
        Check.notNull(books, "books");
        Check.notNull(coinUsd, "coinUsd");
        books = List.copyOf(books);
        TreeMap<String, Double> coins = new TreeMap<>();
        coinUsd.forEach((asset, usd) -> coins.put(Check.notNull(asset, "coinUsd asset"),
                Check.finite(Check.notNull(usd, "coinUsd[" + asset + "]"), "coinUsd[" + asset + "]")));
        coinUsd = Collections.unmodifiableSortedMap(coins);
    }

    /** The portfolio's grid, coin collateral included. */
    public ScenarioGrid grid(ScenarioAxes axes) {
        ScenarioGrid sum = ScenarioGrid.zero(axes);
        for (UnderlyingPositions b : books) {
            sum = sum.plus(b.column(axes));
        }
        for (double usd : coinUsd.values()) {
            sum = sum.plus(ScenarioGrid.collateral(axes, usd));
        }
        return sum;
    }

    /** P&amp;L in USD of every underlying moved by {@code move} together, vol unchanged; {@code move} &gt; −1. */
    public double pnlOfMove(double move) {
        double sum = 0;
        for (UnderlyingPositions b : books) {
            sum += b.pnl(move, 0);
        }
        for (double usd : coinUsd.values()) {
            sum += usd * move;
        }
        return sum;
    }
}
