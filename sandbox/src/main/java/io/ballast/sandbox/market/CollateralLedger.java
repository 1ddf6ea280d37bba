package io.ballast.sandbox.market;

import io.ballast.avro.Collateral;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.avro.PriceUnit;
import io.ballast.domain.InversePositionPnl;
import io.ballast.domain.PositionPnl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated venue's cash account of each provider: its USDC balance from {@link CollateralPlan}, moved by
 * every fill as a venue settles it, so that the balance the sandbox publishes stays what the venue would
 * report. Per fill (price per contract, signed quantity q, BUY positive):
 * <ul>
 *   <li>spot and options settle at the trade: cash −= q·price;</li>
 *   <li>perpetuals and futures settle their P&amp;L: cash += the P&amp;L the fill realizes (average cost, as
 *       {@link PositionPnl}); what is still open is unrealized and in the position, not in the cash;</li>
 *   <li>every fee is paid in cash: cash −= fee.</li>
 * </ul>
 * The coin venue's fills ({@link CoinVenue}) go into the same USD account, converted the simplest honest way:
 * <ul>
 *   <li>a coin-quoted option ({@code priceUnit} UNDERLYING, price and fee in coin): its premium and fee at the
 *       fill's {@code underlyingPrice} F: cash −= (q·price + fee)·F;</li>
 *   <li>an inverse perpetual: the coin P&amp;L a fill realizes (average entry the harmonic mean,
 *       {@link InversePositionPnl}) at the price it closes at, as the job counts it: cash += realized USD; its fee
 *       is USD already.</li>
 * </ul>
 * A real coin venue would keep that coin as a coin balance (its value then moves with the price); here it is
 * cash at the fill's price.
 * Funding and expiry settlement are not simulated. Thread-safe: the market's and the router's fills arrive
 * on their own threads.
 */
public final class CollateralLedger {

    /** The asset the account is kept in. */
    public static final String CASH = "USDC";

    private final Map<String, Double> cash = new HashMap<>();
    /** The venue each account is kept on (its balance's key), whatever venue a fill names. */
    private final Map<String, String> venue = new HashMap<>();
    private final Map<String, PositionPnl> linear = new HashMap<>();
    private final Map<String, InversePositionPnl> inverse = new HashMap<>();

    /** @param balances the balances published at start; the {@link #CASH} ones open the accounts */
    public CollateralLedger(List<Collateral> balances) {
        for (Collateral c : balances) {
            if (CASH.equals(c.getAsset())) {
                cash.merge(c.getProviderId(), c.getAmount(), Double::sum);
                venue.put(c.getProviderId(), c.getVenue());
            }
        }
    }

    /**
     * Settles a fill.
     *
     * @return the provider's cash balance after it, as the record to publish (at the fill's time, on the
     *     account's venue); null for a provider without an account
     */
    public synchronized Collateral apply(Trade t) {
        Double before = cash.get(t.getProviderId());
        if (before == null) {
            return null;
        }
        double q = t.getSide() == Side.BUY ? t.getQuantity() : -t.getQuantity();
        double fee = t.getFee() == null ? 0 : t.getFee();
        double change;
        InstrumentKind kind = t.getInstrument().getKind();
        String key = t.getProviderId() + "/" + t.getVenue() + "/" + t.getInstrument().getSymbol();
        if (t.getInstrument().getInverse()) {
            InversePositionPnl now = inverse.getOrDefault(key, InversePositionPnl.flat(t.getInstrument().getContractValue()));
            InversePositionPnl next = now.apply(q, t.getPrice(), fee);
            inverse.put(key, next);
            change = next.realized() - now.realized() - fee;
        } else if (t.getInstrument().getPriceUnit() == PriceUnit.UNDERLYING) {
            change = (-q * t.getPrice() - fee) * t.getUnderlyingPrice();
        } else if (kind == InstrumentKind.PERPETUAL || kind == InstrumentKind.FUTURE) {
            PositionPnl now = linear.getOrDefault(key, PositionPnl.flat(t.getInstrument().getMultiplier()));
            PositionPnl next = now.apply(q, t.getPrice(), fee);
            linear.put(key, next);
            change = next.realized() - now.realized() - fee;
        } else {
            change = -q * t.getPrice() - fee;
        }
        double after = before + change;
        cash.put(t.getProviderId(), after);
        return Collateral.newBuilder().setProviderId(t.getProviderId()).setVenue(venue.get(t.getProviderId())).setAsset(CASH)
                .setAmount(after).setUpdatedAt(t.getEventTime()).build();
    }

    /** Every provider's cash balance now, by provider. */
    public synchronized Map<String, Double> balances() {
        return new java.util.TreeMap<>(cash);
    }

    /** The provider's cash balance now; NaN without an account. */
    public synchronized double cash(String providerId) {
        Double c = cash.get(providerId);
        return c == null ? Double.NaN : c;
    }
}
