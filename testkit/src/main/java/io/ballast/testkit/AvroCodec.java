package io.ballast.testkit;

import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.RegistryConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records of the contract to and from the Confluent wire format, with the job's own serializer and
 * decoder against a registry (subjects {@code <topic>-value}), as a producer and a router would.
 * Thread-safe.
 */
public final class AvroCodec {

    /** A decoded output record with where it was in its topic. */
    public record Decoded<T>(String key, int partition, long offset, T value) {
    }

    private final RegistryConfig registry;
    private final Map<String, RegistryAvroSerializationSchema<?>> serializers = new HashMap<>();
    private final Map<Class<?>, ConfluentAvroDecoder<?>> decoders = new HashMap<>();

    public AvroCodec(String registryUrl) {
        this.registry = RegistryConfig.builder(registryUrl).build();
    }

    /** A record of {@code value} (may be null: a tombstone) in the Confluent wire format; key may be null. */
    public ProducerRecord<byte[], byte[]> record(String topic, String key, SpecificRecord value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : serialize(topic, value));
    }

    /** The Confluent wire format of {@code value} on {@code topic}, registered under {@code <topic>-value}. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends SpecificRecord> byte[] serialize(String topic, T value) {
        RegistryAvroSerializationSchema<T> s = (RegistryAvroSerializationSchema<T>) serializers.computeIfAbsent(
                topic + "/" + value.getClass().getName(),
                k -> RegistryAvroSerializationSchema.forSpecific((Class<T>) value.getClass(),
                        ConfluentSchemaCoder.Provider.forWriting(registry, topic + "-value")));
        return s.serialize(value);
    }

    /** The values, decoded, with their keys and where they were. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends SpecificRecord> List<Decoded<T>> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        ConfluentAvroDecoder<T> d = (ConfluentAvroDecoder<T>) decoders.computeIfAbsent(type,
                c -> new ConfluentAvroDecoder<>((Class<T>) c, ConfluentRegistryClient.shared(registry)));
        List<Decoded<T>> out = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(new Decoded<>(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                        r.partition(), r.offset(), d.decode(r.value())));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot decode " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
            }
        }
        return out;
    }

    /** The values only, decoded. */
    public <T extends SpecificRecord> List<T> values(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        return decode(records, type).stream().map(Decoded::value).toList();
    }
}
