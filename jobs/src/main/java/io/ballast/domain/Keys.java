package io.ballast.domain;

import io.ballast.avro.SignalType;

/**
 * The keys of the contract (CONTRACT.md, "Topics"), built and parsed in this one place: the
 * {@code provider/UNDERLYING} of a book, of its Kafka records and of a {@code risk-limits} override,
 * the {@code UNDERLYING/expiry-epoch-millis} of a smile, and signal ids.
 */
public final class Keys {

    /** Separates the parts of a key; it may not appear inside a provider id or an underlying. */
    public static final char SEPARATOR = '/';

    /** Separates a venue from its trade id in the dedupe state: a character no id contains in practice. */
    private static final char TRADE_ID_SEPARATOR = '\u001f';

    private Keys() {
    }

    /** {@code provider/UNDERLYING}: the key of a book, and of its signals and risk records. */
    public static String book(String providerId, String underlying) {
        return providerId + SEPARATOR + underlying;
    }

    /** The key of a {@code risk-limits} record: {@code provider}, or {@code provider/UNDERLYING}. */
    public static String limits(String providerId, String underlying) {
        return underlying == null ? providerId : book(providerId, underlying);
    }

    /**
     * The parts of a {@code risk-limits} key: {@code [provider]} or {@code [provider, UNDERLYING]};
     * null when it is neither (blank parts, or more than one separator).
     */
    public static String[] parseLimits(String key) {
        String[] parts = key.split(String.valueOf(SEPARATOR), -1);
        if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
            return null;
        }
        return parts;
    }

    /** {@code provider/venue/asset}: the key of a {@code collateral} record. */
    public static String collateral(String providerId, String venue, String asset) {
        return providerId + SEPARATOR + venue + SEPARATOR + asset;
    }

    /**
     * The parts of a {@code collateral} key: {@code [provider, venue, asset]}; null when it is not three
     * non-blank parts.
     */
    public static String[] parseCollateral(String key) {
        String[] parts = key.split(String.valueOf(SEPARATOR), -1);
        if (parts.length != 3) {
            return null;
        }
        for (String part : parts) {
            if (part.isBlank()) {
                return null;
            }
        }
        return parts;
    }

    /** {@code UNDERLYING/expiry-epoch-millis}: the key of a {@code vol-skew} record. */
    public static String smile(String underlying, long expiryMillis) {
        return underlying + SEPARATOR + expiryMillis;
    }

    /** {@code provider/UNDERLYING/TYPE/sequence}: a signal id, unique per key as long as the sequence is. */
    public static String signal(String providerId, String underlying, SignalType type, long sequence) {
        return book(providerId, underlying) + SEPARATOR + type.name() + SEPARATOR + sequence;
    }

    /** A fill's identity for dedupe: trade ids are unique per venue. */
    public static String trade(String venue, String tradeId) {
        return venue + TRADE_ID_SEPARATOR + tradeId;
    }
}
