package io.ballast.domain;

import java.util.List;

/**
 * One book (provider, underlying) as a re-mark saw it: its positions with their greeks. Two marks of the
 * same positions make an interval of the explain ({@link PnlExplain#between}).
 *
 * @param asOf event time of the mark, epoch ms
 * @param referencePrice S, USD, finite and &gt; 0 (reported; the explain reads each position's own price)
 * @param positions in a fixed order (copied)
 */
public record BookMark(long asOf, double referencePrice, List<PositionMark> positions) {

    public BookMark {
        Check.positive(referencePrice, "referencePrice");
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

    /** Σ delta, units of underlying: the book's Δ. */
    public double netDelta() {
        double sum = 0;
        for (PositionMark p : positions) {
            sum += p.delta();
        }
        return sum;
    }
}
