package io.ballast.domain;

import io.ballast.avro.Collateral;

import java.util.Objects;

/**
 * A change of the compacted {@code collateral} topic: a new balance for {@code provider/venue/asset}, or
 * (collateral null) a tombstone deleting it. A Flink POJO; {@code providerId} is the portfolio key.
 */
public final class CollateralUpdate {

    private String providerId;
    /** {@code venue/asset}: the balance's key within the provider. */
    private String holding;
    /** Null: deleted. */
    private Collateral collateral;
    private long offset;

    public CollateralUpdate() {
    }

    public CollateralUpdate(String providerId, String holding, Collateral collateral, long offset) {
        this.providerId = providerId;
        this.holding = holding;
        this.collateral = collateral;
        this.offset = offset;
    }

    /** The update of a record. */
    public static CollateralUpdate of(Collateral c, long offset) {
        return new CollateralUpdate(c.getProviderId(), holding(c.getVenue(), c.getAsset()), c, offset);
    }

    /** The deletion a tombstone keyed {@code provider/venue/asset} stands for; null for another key. */
    public static CollateralUpdate deletion(String key, long offset) {
        String[] parts = Keys.parseCollateral(key);
        return parts == null ? null : new CollateralUpdate(parts[0], holding(parts[1], parts[2]), null, offset);
    }

    /** {@code venue/asset}. */
    public static String holding(String venue, String asset) {
        return venue + Keys.SEPARATOR + asset;
    }

    public String getProviderId() { return providerId; }
    public void setProviderId(String providerId) { this.providerId = providerId; }
    public String getHolding() { return holding; }
    public void setHolding(String holding) { this.holding = holding; }
    public Collateral getCollateral() { return collateral; }
    public void setCollateral(Collateral collateral) { this.collateral = collateral; }
    public long getOffset() { return offset; }
    public void setOffset(long offset) { this.offset = offset; }

    public boolean isDeletion() {
        return collateral == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollateralUpdate u && offset == u.offset && Objects.equals(providerId, u.providerId)
                && Objects.equals(holding, u.holding) && Objects.equals(collateral, u.collateral);
    }

    @Override
    public int hashCode() {
        return Objects.hash(providerId, holding, collateral, offset);
    }

    @Override
    public String toString() {
        return "CollateralUpdate{" + providerId + "/" + holding + (collateral == null ? " deleted" : " " + collateral.getAmount()) + "}";
    }
}
