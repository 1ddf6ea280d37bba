package io.ballast.state;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot;

/**
 * Flink's {@link AvroSerializer}, unchanged on the wire and in savepoints, whose snapshot explains an
 * incompatible restore ({@link AvroStateSerializerSnapshot}).
 */
public final class AvroStateSerializer<T> extends AvroSerializer<T> {

    private static final long serialVersionUID = 1L;

    private final String state;

    public AvroStateSerializer(Class<T> type, String state) {
        super(type);
        this.state = state;
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new AvroStateSerializerSnapshot<>((AvroSerializerSnapshot<T>) super.snapshotConfiguration(), getType(), state);
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return new AvroStateSerializer<>(getType(), state);
    }
}
