package io.ballast.serde;

import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.PortfolioInput;
import io.ballast.domain.BroadcastEvent;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * The type of a stream whose records cross the network between operators with a hand-written
 * serializer ({@link MarketTickSerializer}, {@link BroadcastEventSerializer}, {@link PortfolioInputSerializer}) instead of Flink's
 * Avro/POJO serializers, which spend most of the hop in Avro's resolving decoder. Only for streams:
 * state keeps its Avro serializers ({@code AvroStateType}), so savepoints are unaffected.
 */
public final class NetworkType<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SerializableSupplier<TypeSerializer<T>> serializer;

    private NetworkType(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    /** The output of the implied-vol stage, keyed into the market stage. */
    public static NetworkType<MarketTick> marketTick() {
        return new NetworkType<>(MarketTick.class, () -> MarketTickSerializer.INSTANCE);
    }

    /** Market snapshots and limits changes, broadcast to the inventory stage. */
    public static NetworkType<BroadcastEvent> broadcastEvent() {
        return new NetworkType<>(BroadcastEvent.class, BroadcastEventSerializer::new);
    }

    /** Books' summaries and collateral changes, keyed into the portfolio stage. */
    public static NetworkType<PortfolioInput> portfolioInput() {
        return new NetworkType<>(PortfolioInput.class, () -> PortfolioInputSerializer.INSTANCE);
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.get();
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public String toString() {
        return "NetworkType<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof NetworkType && ((NetworkType<?>) obj).type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof NetworkType;
    }
}
