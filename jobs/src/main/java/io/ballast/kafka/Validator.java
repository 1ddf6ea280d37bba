package io.ballast.kafka;

import java.io.Serializable;

/**
 * Checks a decoded record against the contract. Returns null when the record is fine, otherwise a
 * message naming the field and its bad value, which becomes {@code RejectedRecord.detail} under
 * {@link RejectReason#INVALID_FIELD}.
 */
@FunctionalInterface
public interface Validator<T> extends Serializable {

    /**
     * @param key the Kafka key bytes as received (may be null)
     * @param nowMillis the wall clock, for the bound on event times in the future
     */
    String problem(T value, byte[] key, long nowMillis);
}
