package io.ballast.state;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * The type of an Avro state value: Flink's {@link AvroTypeInfo} (same serializer format, same
 * savepoint bytes), with a serializer that refuses to restore state its schema cannot read with a
 * message saying which state and what changed, and without restarts ({@link IncompatibleStateException}).
 * Use it for every state descriptor whose values are Avro records.
 */
public final class AvroStateType<T extends SpecificRecordBase> extends AvroTypeInfo<T> {

    private static final long serialVersionUID = 1L;

    private final String state;

    private AvroStateType(Class<T> type, String state) {
        super(type);
        this.state = state;
    }

    /**
     * @param state where the state lives, for messages: {@code operator-uid/state-name}
     */
    public static <T extends SpecificRecordBase> AvroStateType<T> of(Class<T> type, String state) {
        return new AvroStateType<>(type, state);
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new AvroStateSerializer<>(getTypeClass(), state);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof AvroStateType && super.equals(obj) && state.equals(((AvroStateType<?>) obj).state);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + state.hashCode();
    }
}
