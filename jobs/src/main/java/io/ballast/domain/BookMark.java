package io.ballast.domain;

import java.util.List;

/**
 * One book (provider, underlying) as a re-mark saw it: the book's greeks (CONTRACT.md units, summed
 * over positions) and each position. Two marks of the same positions make an interval of the explain
 * ({@link PnlExplain#between}).
 *
 * @param asOf event time of the mark, epoch ms
 * @param referencePrice S, USD, finite and &gt; 0
 * @param netDelta Δ, units of underlying
 * @param gamma Γ, per USD
 * @param theta Θ, USD per calendar day
 * @param positions in a fixed order (copied)
 */
public record BookMark(long asOf, double referencePrice, double netDelta, double gamma, double theta,
                       List<PositionMark> positions) {

    public BookMark {
        Check.positive(referencePrice, "referencePrice");
        Check.finite(netDelta, "netDelta");
        Check.finite(gamma, "gamma");
        Check.finite(theta, "theta");
        Check.notNull(positions, "positions");
        positions = List.copyOf(positions);
    }

    /** Σ value of the positions, USD. */
    public double value() {
        double sum = 0;
        for (PositionMark p : positions) {
            sum += p.value();
        }
        return sum;
    }
}
