package io.ballast.domain;

import io.ballast.avro.RiskLimits;

import java.util.function.Function;

/** Which risk limits apply to a book (CONTRACT.md, {@code RiskLimits}). */
public final class Limits {

    private Limits() {
    }

    /**
     * The limits of the book {@code bookKey} ({@link Keys#book}): its own record, else its provider's, else
     * the job's defaults. {@code lookup} answers a {@code risk-limits} key with its latest record, or null.
     */
    public static RiskLimits effective(String bookKey, String providerId, Function<String, RiskLimits> lookup,
                                       RiskLimits defaults) {
        RiskLimits l = lookup.apply(bookKey);
        if (l == null) {
            l = lookup.apply(providerId);
        }
        return l != null ? l : defaults;
    }

    /** Which limits are applied, to notice a change: who, when and a hash of every field. */
    public static String stamp(RiskLimits l) {
        return l.getProviderId() + "/" + l.getUnderlying() + "@" + l.getUpdatedAt().toEpochMilli() + "#" + l.hashCode();
    }
}
