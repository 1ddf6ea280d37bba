package io.ballast.serde;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * What the hand-written network serializers ({@link MarketTickSerializer}, {@link BroadcastEventSerializer},
 * {@link PortfolioInputSerializer}) share: mutable records of variable length, never reused (a record read
 * may still be referenced downstream, or held in broadcast state), copied in serialized form by reading and writing them, and equal to
 * any other instance of the same class (their layout is the class's: {@link LayoutSnapshot}).
 */
abstract class NetworkSerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    /** A new record: the reused one may still be referenced downstream or held in broadcast state. */
    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode();
    }
}
