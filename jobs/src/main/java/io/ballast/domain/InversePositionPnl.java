package io.ballast.domain;

import java.math.BigDecimal;

/**
 * Average-cost P&amp;L of a position in an inverse perpetual or future (USD-sized contracts settled in the
 * underlying, CONTRACT.md "Coin-quoted options and inverse contracts"), immutable. Units: quantities in contracts
 * (signed, BUY positive), prices in USD per unit of underlying, {@code contractValue} cv in USD per contract,
 * coin amounts in units of the underlying, USD amounts in USD.
 *
 * <p>A contract's coin P&amp;L from entry E to exit X is cv·(1/E − 1/X), so what averages is 1/price: the average
 * entry A is the contract-weighted harmonic mean of the entry prices. A fill of signed quantity q at price p
 * (position Q, average entry A before it):
 * <ul>
 *   <li>q of the sign of Q (or Q = 0): an increase; 1/A ← (Q/A + q/p)/(Q + q);</li>
 *   <li>q against Q with |q| ≤ |Q|: a close of c = −q contracts; realizedCoin += c·cv·(1/A − 1/p), and realized
 *       (USD) += that coin amount × p, the price it was realized at; A unchanged (0 when flat afterwards);</li>
 *   <li>q against Q with |q| &gt; |Q|: closes Q entirely and opens Q + q at A = p.</li>
 * </ul>
 * {@code unrealizedCoin(P) = Q·cv·(1/A − 1/P)}, {@code unrealized(P) = unrealizedCoin(P)·P} (USD at the current
 * mark P). fees += fee (USD, as on the fill).
 *
 * <p><b>Identity</b> (tested on random fills): realizedCoin + unrealizedCoin(P) = cv·(Σᵢ qᵢ/pᵢ − Q/P). Every rule
 * keeps realizedCoin = cv·(Σᵢ qᵢ/pᵢ − Q/A): an increase adds q/p to Q/A and to Σ; a close changes realizedCoin by
 * cv·(−q)·(1/A − 1/p) = cv·(q/p − q/A), the change of cv·(Σ − Q/A).
 */
public final class InversePositionPnl {

    private final double contractValue;
    private final BigDecimal exactQuantity;
    private final double quantity;
    private final double averageEntry;
    private final double realizedCoin;
    private final double realized;
    private final double fees;

    private InversePositionPnl(double contractValue, BigDecimal quantity, double averageEntry, double realizedCoin,
                               double realized, double fees) {
        this.contractValue = contractValue;
        this.exactQuantity = quantity;
        this.quantity = quantity.doubleValue();
        this.averageEntry = averageEntry;
        this.realizedCoin = realizedCoin;
        this.realized = realized;
        this.fees = fees;
    }

    /**
     * A flat position with nothing realized.
     *
     * @param contractValue USD per contract, finite and &gt; 0
     */
    public static InversePositionPnl flat(double contractValue) {
        Check.positive(contractValue, "contractValue");
        return new InversePositionPnl(contractValue, BigDecimal.ZERO, 0, 0, 0, 0);
    }

    /** A position as stored (the fields of a previous value, read back from state). */
    public static InversePositionPnl of(double contractValue, BigDecimal quantity, double averageEntry,
                                        double realizedCoin, double realized, double fees) {
        InversePositionPnl flat = flat(contractValue);
        Check.notNull(quantity, "quantity");
        Check.finite(averageEntry, "averageEntry");
        Check.finite(realizedCoin, "realizedCoin");
        Check.finite(realized, "realized");
        Check.finite(fees, "fees");
        if (quantity.signum() != 0 && !(averageEntry > 0)) {
            throw new IllegalArgumentException("averageEntry of an open inverse position must be > 0, was " + averageEntry);
        }
        return new InversePositionPnl(flat.contractValue, quantity, quantity.signum() == 0 ? 0 : averageEntry,
                realizedCoin, realized, fees);
    }

    /**
     * The position after one fill.
     *
     * @param signedQuantity contracts, positive for a BUY, negative for a SELL, finite and non-zero
     * @param price USD per unit of underlying, finite and &gt; 0
     * @param fee USD, finite (negative: a rebate)
     */
    public InversePositionPnl apply(double signedQuantity, double price, double fee) {
        if (!Double.isFinite(signedQuantity) || signedQuantity == 0) {
            throw new IllegalArgumentException("signedQuantity must be finite and non-zero, was " + signedQuantity);
        }
        Check.positive(price, "price");
        Check.finite(fee, "fee");
        double newFees = fees + fee;
        BigDecimal next = exactQuantity.add(new BigDecimal(signedQuantity));
        int sign = exactQuantity.signum();
        if (sign == 0 || sign == Math.signum(signedQuantity)) {
            double inverseAverage = (sign == 0 ? 0 : quantity / averageEntry) + signedQuantity / price;
            return new InversePositionPnl(contractValue, next, next.doubleValue() / inverseAverage, realizedCoin,
                    realized, newFees);
        }
        if (next.signum() == 0 || next.signum() == sign) {
            double coin = -signedQuantity * contractValue * (1 / averageEntry - 1 / price);
            return new InversePositionPnl(contractValue, next, next.signum() == 0 ? 0 : averageEntry,
                    realizedCoin + coin, realized + coin * price, newFees);
        }
        double coin = quantity * contractValue * (1 / averageEntry - 1 / price);
        return new InversePositionPnl(contractValue, next, price, realizedCoin + coin, realized + coin * price, newFees);
    }

    /** Q·cv·(1/A − 1/P), units of underlying; 0 when flat. {@code mark} P in USD per unit, finite and &gt; 0. */
    public double unrealizedCoin(double mark) {
        Check.positive(mark, "mark");
        return exactQuantity.signum() == 0 ? 0 : quantity * contractValue * (1 / averageEntry - 1 / mark);
    }

    /** {@link #unrealizedCoin} × P: USD at the current mark. */
    public double unrealized(double mark) {
        return unrealizedCoin(mark) * mark;
    }

    /** Delta in units of underlying at P: Q·cv/P. */
    public double delta(double mark) {
        Check.positive(mark, "mark");
        return quantity * contractValue / mark;
    }

    public double contractValue() {
        return contractValue;
    }

    /** Q, contracts, signed: the double nearest the exact sum of the fills. */
    public double quantity() {
        return quantity;
    }

    public BigDecimal exactQuantity() {
        return exactQuantity;
    }

    /** A, the harmonic-mean entry, USD per unit of underlying; 0 when flat. */
    public double averageEntry() {
        return averageEntry;
    }

    /** Cumulative realized P&amp;L in units of underlying, fees not included. */
    public double realizedCoin() {
        return realizedCoin;
    }

    /** Cumulative realized P&amp;L in USD, each close's coin amount at its closing price; fees not included. */
    public double realized() {
        return realized;
    }

    /** Cumulative fees, USD (rebates negative). */
    public double fees() {
        return fees;
    }

    @Override
    public String toString() {
        return "InversePositionPnl{quantity=" + quantity + ", averageEntry=" + averageEntry + ", realizedCoin="
                + realizedCoin + ", realized=" + realized + ", fees=" + fees + ", contractValue=" + contractValue + '}';
    }
}
