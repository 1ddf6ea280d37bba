package io.ballast.kafka;

import io.ballast.avro.RejectedRecord;

import java.util.Arrays;
import java.util.Objects;

/**
 * A rejected input on its way to the {@code rejected} topic: the record, and the input's Kafka key
 * bytes exactly as received (null when the input had no key). A Flink POJO.
 */
public final class Rejection {

    private byte[] key;
    private RejectedRecord record;

    public Rejection() {
    }

    public Rejection(byte[] key, RejectedRecord record) {
        this.key = key;
        this.record = record;
    }

    public byte[] getKey() {
        return key;
    }

    public void setKey(byte[] key) {
        this.key = key;
    }

    public RejectedRecord getRecord() {
        return record;
    }

    public void setRecord(RejectedRecord record) {
        this.record = record;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Rejection)) {
            return false;
        }
        Rejection r = (Rejection) o;
        return Arrays.equals(key, r.key) && Objects.equals(record, r.record);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Objects.hashCode(record);
    }

    @Override
    public String toString() {
        return "Rejection{" + (record == null ? "null" : record.getReason() + " " + record.getSourceTopic() + "/"
                + record.getPartition() + "@" + record.getOffset() + ": " + record.getDetail()) + "}";
    }
}
