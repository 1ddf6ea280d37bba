package io.ballast.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.Serializable;

/**
 * Turns a decoded, valid record into what the pipeline carries, with access to the Kafka metadata
 * (key, partition, offset, raw value), and says what a null value means on the topic.
 */
public interface SourceRecordMapper<T, R> extends Serializable {

    R map(T value, ConsumerRecord<byte[], byte[]> record);

    /**
     * What a null value (tombstone) means; null (the default) rejects it as
     * {@link RejectReason#NULL_VALUE}. On a compacted topic a tombstone can be meaningful.
     */
    default R onNullValue(ConsumerRecord<byte[], byte[]> record) {
        return null;
    }

    @SuppressWarnings("unchecked")
    static <T> SourceRecordMapper<T, T> identity() {
        return (SourceRecordMapper<T, T>) Identity.INSTANCE;
    }

    /** The identity mapping: the decoded record itself. */
    final class Identity implements SourceRecordMapper<Object, Object> {
        private static final long serialVersionUID = 1L;
        static final Identity INSTANCE = new Identity();

        @Override
        public Object map(Object value, ConsumerRecord<byte[], byte[]> record) {
            return value;
        }

        private Object readResolve() {
            return INSTANCE;
        }
    }
}
