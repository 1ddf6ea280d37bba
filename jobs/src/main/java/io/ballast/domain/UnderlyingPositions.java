package io.ballast.domain;

import java.util.List;

/**
 * One provider's positions in one underlying, as the portfolio revalues them: the priced option positions
 * and the linear exposure (spot, perpetuals, futures), at the underlying's reference price S.
 *
 * <p>P&amp;L of a shock (s, v), USD, by full revaluation:
 * <pre>
 *   pnl(s, v) = Σ options units·[Black76(F·(1+s), K, τ, σ·(1+v), e^{−rτ}) − Black76(F, K, τ, σ, e^{−rτ})]
 *             + linearUnits·S·s
 * </pre>
 * τ unchanged (the shock is instantaneous). pnl(0, 0) = 0 exactly. Every term is linear in the
 * quantities, so the P&amp;L of several underlyings moved by the same (s, v) is the sum of their P&amp;Ls:
 * that is what lets a portfolio add the columns its books computed alone.
 *
 * @param underlying e.g. {@code BTC}, non-blank
 * @param referencePrice S, USD, finite and &gt; 0
 * @param rate r per year, continuously compounded, finite (discount factor e^{−rτ})
 * @param options the priced option positions (a copy is kept), in a fixed order: sums depend on it
 * @param linearUnits Σ quantity·multiplier of the spot, perpetual and future positions, units of underlying
 */
public record UnderlyingPositions(String underlying, double referencePrice, double rate, List<OptionPosition> options,
                                  double linearUnits) {

    public UnderlyingPositions {
        if (underlying == null || underlying.isBlank()) {
            throw new IllegalArgumentException("underlying must not be blank, was '" + underlying + "'");
        }
        Check.positive(referencePrice, "referencePrice");
        Check.finite(rate, "rate");
        Check.finite(linearUnits, "linearUnits");
        Check.notNull(options, "options");
        for (int i = 0; i < options.size(); i++) {
            Check.notNull(options.get(i), "options[" + i + "]");
        }
        options = List.copyOf(options);
    }

    /** P&amp;L in USD of every S and option forward × (1 + spotShock) and every option vol × (1 + volShock). */
    public double pnl(double spotShock, double volShock) {
        checkShocks(spotShock, volShock);
        double sum = 0;
        for (int i = 0; i < options.size(); i++) {
            OptionPosition o = options.get(i);
            sum += o.value(spotShock, volShock, rate) - o.value(0, 0, rate);
        }
        return sum + linearUnits * referencePrice * spotShock;
    }

    /** Today's value of the option positions, USD: Σ units · Black76(F, K, τ, σ). */
    public double optionValue() {
        double sum = 0;
        for (int i = 0; i < options.size(); i++) {
            sum += options.get(i).value(0, 0, rate);
        }
        return sum;
    }

    /** This underlying's column of the grid: {@link #pnl} at every (spot, vol) cell, row-major spot × vol. */
    public ScenarioGrid column(ScenarioAxes axes) {
        int nv = axes.volCount();
        double[] cells = new double[axes.spotCount() * nv];
        double[] base = new double[options.size()];
        for (int k = 0; k < base.length; k++) {
            base[k] = options.get(k).value(0, 0, rate);
        }
        for (int i = 0; i < axes.spotCount(); i++) {
            double s = axes.spotShock(i);
            for (int j = 0; j < nv; j++) {
                double v = axes.volShock(j);
                double sum = 0;
                for (int k = 0; k < base.length; k++) {
                    sum += options.get(k).value(s, v, rate) - base[k];
                }
                cells[i * nv + j] = sum + linearUnits * referencePrice * s;
            }
        }
        return ScenarioGrid.of(axes, cells);
    }

    static void checkShocks(double spotShock, double volShock) {
        if (!(spotShock > -1) || !Double.isFinite(spotShock)) {
            throw new IllegalArgumentException("spotShock must be finite and > -1, was " + spotShock);
        }
        if (!(volShock >= -1) || !Double.isFinite(volShock)) {
            throw new IllegalArgumentException("volShock must be finite and ≥ -1, was " + volShock);
        }
    }
}
