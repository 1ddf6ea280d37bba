package io.ballast.kafka;

import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.RegistryConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes elements to one topic as Confluent-framed Avro under the subject {@code <topic>-value}, with
 * a key computed from the element.
 *
 * @param <IN> the element type
 * @param <V> the Avro record written as the value
 */
public final class AvroKafkaSerializer<IN, V extends SpecificRecord> implements KafkaRecordSerializationSchema<IN> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<IN, byte[]> key;
    private final SerializableFunction<IN, V> value;
    private final RegistryAvroSerializationSchema<V> avro;

    public AvroKafkaSerializer(String topic, Class<V> valueClass, RegistryConfig registry,
                               SerializableFunction<IN, byte[]> key, SerializableFunction<IN, V> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.avro = RegistryAvroSerializationSchema.forSpecific(valueClass,
                ConfluentSchemaCoder.Provider.forWriting(registry, subjectOf(topic)));
    }

    /** The TopicNameStrategy subject of a topic's values. */
    public static String subjectOf(String topic) {
        return topic + "-value";
    }

    public String topic() {
        return topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        avro.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(IN element, KafkaSinkContext context, Long timestamp) {
        Long ts = timestamp != null && timestamp >= 0 ? timestamp : null;
        return new ProducerRecord<>(topic, null, ts, key.apply(element), avro.serialize(value.apply(element)));
    }
}
