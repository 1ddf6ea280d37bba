package io.ballast.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.avro.internal.InventoryMeta;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.throwable.ThrowableClassifier;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroStateSerializerSnapshotTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TypeSerializer<InventoryMeta> serializer =
            AvroStateType.of(InventoryMeta.class, "inventory/meta").createSerializer(new SerializerConfigImpl());

    /** The snapshot a savepoint would hold for state written with {@code schema}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TypeSerializerSnapshot<InventoryMeta> writtenWith(Schema schema) {
        return (TypeSerializerSnapshot) new AvroSerializer<>(GenericRecord.class, schema).snapshotConfiguration();
    }

    private static Schema edited(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(InventoryMeta.getClassSchema().toString());
        edit.accept(json);
        return new Schema.Parser().parse(JSON.writeValueAsString(json));
    }

    @Test
    void theSameSchemaRestoresAsIsFromFlinksOwnSnapshotAndFromItsOwn() throws Exception {
        TypeSerializerSnapshot<InventoryMeta> flinks = new AvroSerializer<>(InventoryMeta.class).snapshotConfiguration();
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(flinks).isCompatibleAsIs()).isTrue();

        DataOutputSerializer out = new DataOutputSerializer(1024);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<InventoryMeta> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(read).isInstanceOf(AvroStateSerializerSnapshot.class);
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();
        assertThat(flinks.resolveSchemaCompatibility(read).isCompatibleAsIs()).as("and back to Flink's serializer").isTrue();
        assertThat(read.restoreSerializer().deserialize(new DataInputDeserializer(bytesOf(sample()))))
                .isEqualTo(sample());
    }

    @Test
    void stateWrittenBeforeAFieldWithADefaultWasAddedIsMigrated() throws Exception {
        Schema older = edited(json -> ((ArrayNode) json.get("fields")).remove(json.get("fields").size() - 1));
        TypeSerializerSchemaCompatibility<InventoryMeta> c = serializer.snapshotConfiguration()
                .resolveSchemaCompatibility(writtenWith(older));
        assertThat(c.isCompatibleAfterMigration()).isTrue();
    }

    @Test
    void anIncompatibleChangeIsRefusedNamingTheStateTheFieldAndBothTypesAndIsNotWorthARestart() throws Exception {
        Schema retyped = edited(json -> json.get("fields").forEach(f -> {
            if (f.get("name").asText().equals("signalSequence")) {
                ((ObjectNode) f).put("type", "string");
                ((ObjectNode) f).remove("default");
            }
        }));
        assertThatThrownBy(() -> serializer.snapshotConfiguration().resolveSchemaCompatibility(writtenWith(retyped)))
                .isInstanceOf(IncompatibleStateException.class)
                .hasMessageContaining("State 'inventory/meta' (io.ballast.avro.internal.InventoryMeta)")
                .hasMessageContaining("field 'signalSequence' (was \"string\", now \"long\")")
                .hasMessageContaining("TYPE_MISMATCH")
                .satisfies(e -> assertThat(ThrowableClassifier.getThrowableType(e)).isEqualTo(ThrowableType.NonRecoverableError));
    }

    private static InventoryMeta sample() {
        return InventoryMeta.newBuilder().setProviderId("mm1").setUnderlying("BTC").setSignalSequence(7).build();
    }

    private byte[] bytesOf(InventoryMeta m) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(m, out);
        return out.getCopyOfBuffer();
    }
}
