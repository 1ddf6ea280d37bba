package io.ballast.domain;

import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.domain.LimitsUpdate;

/** What reaches every inventory (and portfolio) subtask: a market snapshot or a limits change. A Flink POJO. */
public final class BroadcastEvent {

    private MarketSnapshot market;
    private LimitsUpdate limits;

    public BroadcastEvent() {
    }

    public static BroadcastEvent of(MarketSnapshot market) {
        BroadcastEvent e = new BroadcastEvent();
        e.market = market;
        return e;
    }

    /**
     * The reference price of {@code market} alone (underlying, version, time, S, rate; no smiles, no marks):
     * what the portfolio stage reads of a snapshot, at a fraction of its size on the wire.
     */
    public static BroadcastEvent referencePrice(MarketSnapshot market) {
        return of(MarketSnapshot.newBuilder()
                .setUnderlying(market.getUnderlying())
                .setVersion(market.getVersion())
                .setAsOf(market.getAsOf())
                .setReferencePrice(market.getReferencePrice())
                .setRate(market.getRate())
                .setSmiles(java.util.List.of())
                .setOptions(java.util.Map.of())
                .setLinear(java.util.Map.of())
                .setIngestMicros(market.getIngestMicros())
                .build());
    }

    public static BroadcastEvent of(LimitsUpdate limits) {
        BroadcastEvent e = new BroadcastEvent();
        e.limits = limits;
        return e;
    }

    public MarketSnapshot getMarket() { return market; }
    public void setMarket(MarketSnapshot market) { this.market = market; }
    public LimitsUpdate getLimits() { return limits; }
    public void setLimits(LimitsUpdate limits) { this.limits = limits; }

    @Override
    public String toString() {
        return market != null ? "Market{" + market.getUnderlying() + " v" + market.getVersion() + "}" : String.valueOf(limits);
    }
}
