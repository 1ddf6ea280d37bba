package io.ballast.domain;

import io.ballast.avro.SignalType;

/**
 * The keys of the contract (CONTRACT.md, "Topics"), built and parsed in this one place: the
 * {@code provider/UNDERLYING} of a book, of its Kafka records and of a {@code risk-limits} override,
 * the {@code UNDERLYING/expiry-epoch-millis} of a smile, signal ids, and the {@code venue:symbol} that
 * identifies an instrument listed on a venue (positions, latest quotes and marks, IVs, hedge instruments).
 */
public final class Keys {

    /** Separates the parts of a key; it may not appear inside a provider id or an underlying. */
    public static final char SEPARATOR = '/';

    /** Separates a venue from its trade id in the dedupe state: a character no id contains in practice. */
    private static final char TRADE_ID_SEPARATOR = '\u001f';

    /**
     * Separates a venue from a symbol in an instrument's identity {@code venue:symbol}: a venue may not
     * contain it (quotes and trades with such a venue are rejected, INVALID_FIELD); a symbol may.
     */
    public static final char VENUE_SEPARATOR = ':';

    private Keys() {
    }

    /** {@code venue:symbol}: the identity of an instrument on a venue. */
    public static String instrument(String venue, String symbol) {
        return venue + VENUE_SEPARATOR + symbol;
    }

    /** Whether {@code key} names a venue ({@code venue:symbol}); a bare symbol (state of before venues) does not. */
    public static boolean hasVenue(String key) {
        return key.indexOf(VENUE_SEPARATOR) >= 0;
    }

    /** The venue of {@code venue:symbol}; null for a bare symbol. */
    public static String venueOf(String key) {
        int at = key.indexOf(VENUE_SEPARATOR);
        return at < 0 ? null : key.substring(0, at);
    }

    /** The symbol of {@code venue:symbol} (after the first separator); a bare symbol as is. */
    public static String symbolOf(String key) {
        int at = key.indexOf(VENUE_SEPARATOR);
        return at < 0 ? key : key.substring(at + 1);
    }

    /**
     * The value of {@code venue:symbol} in {@code byKey}, else of the bare {@code symbol}: a market snapshot
     * broadcast before venues (restored from a savepoint, until the market stage sends its next) is keyed by
     * symbol alone. The market stage itself never writes a bare key.
     */
    public static <V> V lookup(java.util.Map<String, V> byKey, String key, String symbol) {
        V v = byKey.get(key);
        return v != null || key.equals(symbol) ? v : byKey.get(symbol);
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
