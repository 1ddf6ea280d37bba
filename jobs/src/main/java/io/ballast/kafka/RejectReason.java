package io.ballast.kafka;

/**
 * The stable codes of {@code RejectedRecord.reason}. Routers and dashboards match on these names:
 * add codes, never rename one.
 */
public enum RejectReason {
    /** The value is null (a tombstone) on a topic where that means nothing. */
    NULL_VALUE,
    /** The value is larger than {@code input.max-record-bytes}. */
    OVERSIZED,
    /** Fewer than the 5 bytes of the Confluent header. */
    TRUNCATED,
    /** The first byte is not 0x00. */
    BAD_MAGIC_BYTE,
    /** The schema id is unknown to the registry. */
    UNKNOWN_SCHEMA,
    /** The writer schema is not the topic's record type, or cannot be read as it. */
    INCOMPATIBLE_SCHEMA,
    /** An enum symbol this version of the contract does not know. */
    UNKNOWN_ENUM_SYMBOL,
    /** The bytes do not decode under their writer schema. */
    CORRUPT_AVRO,
    /** Decoded, but a field breaks the contract (NaN, non-positive quantity, crossed quote, ...). */
    INVALID_FIELD,
    /** A trade id already applied for this venue. */
    DUPLICATE_TRADE
}
