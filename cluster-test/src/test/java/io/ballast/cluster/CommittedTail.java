package io.ballast.cluster;

import io.ballast.avro.RiskSnapshot;
import io.ballast.testkit.AvroCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows {@code inventory-risk} as a downstream consumer would: {@code read_committed}, no consumer
 * group, from the beginning, on a thread of its own. It notes when each snapshot became visible, so
 * that the time from a failure to the first committed output of the recovered job can be measured, and
 * it keeps each provider's latest snapshot.
 */
final class CommittedTail implements AutoCloseable {

    /** A snapshot and the wall-clock time this reader received it. */
    record Seen(RiskSnapshot snapshot, long receivedAtMillis) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroCodec codec;
    private final Thread thread;
    private final List<Seen> seen = new ArrayList<>();
    private final Map<String, RiskSnapshot> latest = new HashMap<>();
    private volatile RuntimeException failure;
    private volatile boolean stopped;

    CommittedTail(String bootstrap, String topic, AvroCodec codec) {
        this.codec = codec;
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "committed-tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stopped) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                consumer.poll(Duration.ofMillis(50)).forEach(batch::add);
                if (batch.isEmpty()) {
                    continue;
                }
                long now = System.currentTimeMillis();
                List<AvroCodec.Decoded<RiskSnapshot>> decoded = codec.decode(batch, RiskSnapshot.class);
                synchronized (this) {
                    for (AvroCodec.Decoded<RiskSnapshot> d : decoded) {
                        RiskSnapshot r = d.value();
                        seen.add(new Seen(r, now));
                        latest.merge(r.getProviderId(), r, (a, b) -> b.getSequence() > a.getSequence() ? b : a);
                    }
                }
            }
        } catch (WakeupException closing) {
            // close()
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    /** The first snapshot received that was computed from input of {@code eventTime} or later. */
    synchronized Optional<Seen> firstAsOfAtLeast(Instant eventTime) {
        check();
        return seen.stream().filter(s -> !s.snapshot().getAsOf().isBefore(eventTime)).findFirst();
    }

    /** The latest snapshot (highest sequence) of each provider so far. */
    synchronized Map<String, RiskSnapshot> latest() {
        check();
        return new HashMap<>(latest);
    }

    synchronized int size() {
        check();
        return seen.size();
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("The committed-output reader failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
