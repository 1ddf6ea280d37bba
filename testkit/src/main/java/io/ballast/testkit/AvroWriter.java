package io.ballast.testkit;

import io.ballast.kafka.AvroKafkaSerializer;
import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.RegistryConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one record type to one topic as Confluent-framed Avro (subject {@code <topic>-value}), with
 * Ballast's own serde. Not thread-safe (the Avro encoder is reused): one per thread and topic. The
 * producer underneath is shared.
 */
public final class AvroWriter<T extends SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AvroWriter.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final RegistryAvroSerializationSchema<T> avro;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public AvroWriter(Producer<byte[], byte[]> producer, String topic, Class<T> recordClass, RegistryConfig registry) {
        this.producer = producer;
        this.topic = topic;
        this.avro = RegistryAvroSerializationSchema.forSpecific(recordClass,
                ConfluentSchemaCoder.Provider.forWriting(registry, AvroKafkaSerializer.subjectOf(topic)));
    }

    /** A producer for simulators and load: idempotent, all acks, a few ms of batching. */
    public static Producer<byte[], byte[]> producer(String bootstrap, String clientId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    public void send(String key, T value) {
        byte[] bytes = avro.serialize(value);
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), bytes), (metadata, error) -> {
            if (error == null) {
                sent.incrementAndGet();
            } else if (failed.incrementAndGet() % 1000 == 1) {
                LOG.warn("Cannot write to {} ({} failures so far)", topic, failed.get(), error);
            }
        });
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }
}
