package io.ballast.registry;

import java.io.IOException;

/**
 * A message that is not a usable Confluent wire-format record: the bytes, not the infrastructure, are
 * at fault, so the record is rejected rather than retried.
 */
public final class WireFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the message. */
    public enum Kind {
        /** Fewer than the 5 header bytes. */
        TRUNCATED,
        /** The first byte is not 0. */
        BAD_MAGIC_BYTE,
        /** The registry does not know the schema id. */
        UNKNOWN_SCHEMA,
        /** The writer schema cannot be read as the expected record type. */
        INCOMPATIBLE_SCHEMA
    }

    private final Kind kind;

    public WireFormatException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public WireFormatException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
