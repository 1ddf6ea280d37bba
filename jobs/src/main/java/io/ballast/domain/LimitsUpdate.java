package io.ballast.domain;

import io.ballast.avro.RiskLimits;

import java.util.Objects;

/**
 * A change of the compacted {@code risk-limits} topic: new limits for a key, or (limits null) a
 * tombstone deleting them, so that the next level of the override order applies again. A Flink POJO.
 */
public final class LimitsUpdate {

    /** {@code provider} or {@code provider/UNDERLYING}. */
    private String key;
    /** Null: deleted. */
    private RiskLimits limits;
    private long offset;

    public LimitsUpdate() {
    }

    public LimitsUpdate(String key, RiskLimits limits, long offset) {
        this.key = key;
        this.limits = limits;
        this.offset = offset;
    }

    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
    public RiskLimits getLimits() { return limits; }
    public void setLimits(RiskLimits limits) { this.limits = limits; }
    public long getOffset() { return offset; }
    public void setOffset(long offset) { this.offset = offset; }

    public boolean isDeletion() {
        return limits == null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LimitsUpdate)) {
            return false;
        }
        LimitsUpdate u = (LimitsUpdate) o;
        return offset == u.offset && Objects.equals(key, u.key) && Objects.equals(limits, u.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, limits, offset);
    }

    @Override
    public String toString() {
        return "LimitsUpdate{" + key + (limits == null ? " deleted" : " " + limits) + "}";
    }
}
