package io.ballast.kafka;

import io.ballast.avro.RejectedRecord;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.SourcedTrade;

import java.time.Instant;
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

    /**
     * A fill whose (venue, trade id) was already applied, as {@code DUPLICATE_TRADE} with its source
     * coordinates and original bytes; {@code firstSeen} is the first one's event time, if known.
     */
    public static Rejection duplicateTrade(SourcedTrade s, Long firstSeen) {
        Trade t = s.getTrade();
        RejectedRecord r = RejectedRecord.newBuilder()
                .setSourceTopic(s.getTopic())
                .setPartition(s.getPartition())
                .setOffset(s.getOffset())
                .setReason(RejectReason.DUPLICATE_TRADE.name())
                .setDetail("trade id '" + t.getTradeId() + "' on venue '" + t.getVenue() + "' was already applied"
                        + (firstSeen == null ? "" : " (event time " + Instant.ofEpochMilli(firstSeen) + ")"))
                .setPayload(s.getPayload())
                .setEventTime(Instant.ofEpochMilli(Math.max(0, s.getKafkaTimestamp())))
                .build();
        byte[] key = null;
        if (s.getKey() != null) {
            key = new byte[s.getKey().remaining()];
            s.getKey().duplicate().get(key);
        }
        return new Rejection(key, r);
    }
}
