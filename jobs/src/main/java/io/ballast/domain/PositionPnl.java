package io.ballast.domain;

import java.math.BigDecimal;

/**
 * Average-cost P&amp;L of one position (one instrument of one provider), immutable: {@link #apply} returns a
 * new value. Units: quantities in contracts (signed, BUY positive), prices in USD per contract as the
 * venue quotes them, {@code multiplier} in units of underlying per contract, P&amp;L and fees in USD.
 *
 * <p>A fill of signed quantity q at price p (position Q, average entry A before it):
 * <ul>
 *   <li>q of the sign of Q (or Q = 0): an increase; A ← (Q·A + q·p)/(Q + q);</li>
 *   <li>q against Q with |q| ≤ |Q|: a close of c = −q contracts (c has the sign of Q); realized += (p − A)·c·m;
 *       A unchanged (0 when the position is flat afterwards);</li>
 *   <li>q against Q with |q| &gt; |Q|: crosses zero; closes Q entirely (realized += (p − A)·Q·m) and opens
 *       Q + q at p (A ← p).</li>
 * </ul>
 * fees += fee (a negative fee is a rebate). {@code unrealized(mark) = Q·m·(mark − A)}. Q is kept as the
 * exact sum of the fills (as {@link Exact} keeps positions), so fills that close a position leave it at 0
 * whatever their order, not at a rounding residue.
 *
 * <p><b>Identity</b> (tested on random fills): with cash flows C = −Σᵢ qᵢ·pᵢ·m − Σᵢ feeᵢ (what the fills
 * paid out, fees included),
 * <pre>
 *   realized + unrealized(mark) − fees = C + Q·m·mark.
 * </pre>
 * Proof: every rule above keeps the invariant realized = m·(Q·A − Σᵢ qᵢ·pᵢ): an increase adds q·p to
 * Q·A and to Σ; a close changes realized by (p − A)·(−q)·m = m·(q·A − q·p), which is the change of
 * m·(Q·A − Σ); a crossing is a close followed by an opening. Adding Q·m·(mark − A) − fees to both sides
 * gives the identity.
 *
 * <p>Linear and option positions; an inverse perpetual or future averages 1/price instead ({@link InversePositionPnl}).
 */
public final class PositionPnl {

    private final double multiplier;
    private final BigDecimal exactQuantity;
    private final double quantity;
    private final double averageEntry;
    private final double realized;
    private final double fees;

    private PositionPnl(double multiplier, BigDecimal quantity, double averageEntry, double realized, double fees) {
        this.multiplier = multiplier;
        this.exactQuantity = quantity;
        this.quantity = quantity.doubleValue();
        this.averageEntry = averageEntry;
        this.realized = realized;
        this.fees = fees;
    }

    /**
     * A flat position with nothing realized.
     *
     * @param multiplier units of underlying per contract, finite and &gt; 0
     */
    public static PositionPnl flat(double multiplier) {
        if (!(multiplier > 0) || !Double.isFinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be positive and finite, was " + multiplier);
        }
        return new PositionPnl(multiplier, BigDecimal.ZERO, 0, 0, 0);
    }

    /**
     * A position as stored: its exact quantity, average entry, realized P&amp;L and fees (the fields of a
     * previous value, read back from state).
     */
    public static PositionPnl of(double multiplier, BigDecimal quantity, double averageEntry, double realized, double fees) {
        PositionPnl flat = flat(multiplier);
        Check.notNull(quantity, "quantity");
        Check.finite(averageEntry, "averageEntry");
        Check.finite(realized, "realized");
        Check.finite(fees, "fees");
        return new PositionPnl(flat.multiplier, quantity, quantity.signum() == 0 ? 0 : averageEntry, realized, fees);
    }

    /**
     * The position after one fill.
     *
     * @param signedQuantity contracts, positive for a BUY, negative for a SELL, finite and non-zero
     * @param price USD per contract, finite and &gt; 0
     * @param fee USD, finite (negative: a rebate)
     */
    public PositionPnl apply(double signedQuantity, double price, double fee) {
        if (!Double.isFinite(signedQuantity) || signedQuantity == 0) {
            throw new IllegalArgumentException("signedQuantity must be finite and non-zero, was " + signedQuantity);
        }
        if (!(price > 0) || !Double.isFinite(price)) {
            throw new IllegalArgumentException("price must be positive and finite, was " + price);
        }
        if (!Double.isFinite(fee)) {
            throw new IllegalArgumentException("fee must be finite, was " + fee);
        }
        double q = quantity;
        double newFees = fees + fee;
        BigDecimal next = exactQuantity.add(new BigDecimal(signedQuantity));
        int sign = exactQuantity.signum();
        if (sign == 0 || sign == Math.signum(signedQuantity)) {
            double average = (q * averageEntry + signedQuantity * price) / next.doubleValue();
            return new PositionPnl(multiplier, next, average, realized, newFees);
        }
        if (next.signum() == 0 || next.signum() == sign) {
            double closed = -signedQuantity; // has the sign of Q
            double r = realized + (price - averageEntry) * closed * multiplier;
            return new PositionPnl(multiplier, next, next.signum() == 0 ? 0 : averageEntry, r, newFees);
        }
        double r = realized + (price - averageEntry) * q * multiplier;
        return new PositionPnl(multiplier, next, price, r, newFees);
    }

    /**
     * The same fill with a multiplier the caller read from the trade's instrument: it must be this
     * position's.
     */
    public PositionPnl apply(double signedQuantity, double price, double multiplier, double fee) {
        if (multiplier != this.multiplier) {
            throw new IllegalArgumentException("multiplier of the fill (" + multiplier
                    + ") is not the position's (" + this.multiplier + ")");
        }
        return apply(signedQuantity, price, fee);
    }

    /** Q·m·(mark − A), USD; 0 when flat. {@code mark} in USD per contract, finite. */
    public double unrealized(double mark) {
        if (!Double.isFinite(mark)) {
            throw new IllegalArgumentException("mark must be finite, was " + mark);
        }
        return exactQuantity.signum() == 0 ? 0 : quantity * multiplier * (mark - averageEntry);
    }

    /** Units of underlying per contract. */
    public double multiplier() {
        return multiplier;
    }

    /** Q, contracts, signed: the double nearest the exact sum of the fills. */
    public double quantity() {
        return quantity;
    }

    /** Q exactly: the sum of the fills' signed quantities. */
    public BigDecimal exactQuantity() {
        return exactQuantity;
    }

    /** A, USD per contract; 0 when flat. */
    public double averageEntry() {
        return averageEntry;
    }

    /** Cumulative realized P&amp;L, USD, fees not included. */
    public double realized() {
        return realized;
    }

    /** Cumulative fees, USD (rebates negative). */
    public double fees() {
        return fees;
    }

    @Override
    public String toString() {
        return "PositionPnl{quantity=" + quantity + ", averageEntry=" + averageEntry + ", realized=" + realized
                + ", fees=" + fees + ", multiplier=" + multiplier + '}';
    }
}
