package io.ballast.sandbox.monitor;

import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.VolSkew;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Ballast's outputs (and the limits it was given) back from Kafka, as a router or a dashboard
 * would: read_committed, no offsets committed, from the beginning; and records them. One thread.
 */
public final class OutputMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputMonitor.class);

    /** The topics read, by role. */
    public record Topics(String risk, String signals, String skew, String rejected, String limits, String portfolio) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final RunRecorder recorder;
    private final ConfluentAvroDecoder<RiskSnapshot> riskDecoder;
    private final ConfluentAvroDecoder<RebalanceSignal> signalDecoder;
    private final ConfluentAvroDecoder<VolSkew> skewDecoder;
    private final ConfluentAvroDecoder<RejectedRecord> rejectedDecoder;
    private final ConfluentAvroDecoder<RiskLimits> limitsDecoder;
    private final ConfluentAvroDecoder<PortfolioRisk> portfolioDecoder;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    public OutputMonitor(String bootstrap, RegistryConfig registry, Topics topics, RunRecorder recorder) {
        this.consumer = consumer(bootstrap, "ballast-sandbox-monitor");
        this.topics = topics;
        this.recorder = recorder;
        ConfluentRegistryClient client = ConfluentRegistryClient.shared(registry);
        this.riskDecoder = new ConfluentAvroDecoder<>(RiskSnapshot.class, client);
        this.signalDecoder = new ConfluentAvroDecoder<>(RebalanceSignal.class, client);
        this.skewDecoder = new ConfluentAvroDecoder<>(VolSkew.class, client);
        this.rejectedDecoder = new ConfluentAvroDecoder<>(RejectedRecord.class, client);
        this.limitsDecoder = new ConfluentAvroDecoder<>(RiskLimits.class, client);
        this.portfolioDecoder = new ConfluentAvroDecoder<>(PortfolioRisk.class, client);
        assignFromBeginning(consumer, List.of(topics.risk(), topics.signals(), topics.skew(), topics.rejected(),
                topics.limits(), topics.portfolio()));
        this.thread = new Thread(this::run, "sandbox-output-monitor");
        this.thread.setDaemon(true);
    }

    /** A verifying consumer: no group, no auto-commit, read_committed. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String clientId) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** Assigns every partition of the topics, from their beginning. */
    public static void assignFromBeginning(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public OutputMonitor start() {
        started = true;
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    handle(r);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            LOG.error("The output monitor stopped", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        try {
            if (topic.equals(topics.limits())) {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                if (key != null) {
                    recorder.limits(key, r.value() == null ? null : limitsDecoder.decode(r.value()));
                }
                return;
            }
            if (r.value() == null) {
                recorder.undecodable();
                return;
            }
            if (topic.equals(topics.risk())) {
                recorder.risk(riskDecoder.decode(r.value()));
            } else if (topic.equals(topics.signals())) {
                recorder.signal(signalDecoder.decode(r.value()));
            } else if (topic.equals(topics.skew())) {
                recorder.skew(skewDecoder.decode(r.value()));
            } else if (topic.equals(topics.rejected())) {
                recorder.rejected(rejectedDecoder.decode(r.value()).getReason());
            } else if (topic.equals(topics.portfolio())) {
                recorder.portfolio(portfolioDecoder.decode(r.value()));
            }
        } catch (Exception e) {
            recorder.undecodable();
            LOG.warn("Cannot decode a record of {} at {}:{}", topic, r.partition(), r.offset(), e);
        }
    }

    /** Stops reading; waits for the thread to finish. */
    @Override
    public void close() {
        if (!started) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
