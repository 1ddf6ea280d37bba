package io.ballast.job;

import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Trade;
import io.ballast.avro.VolSkew;
import io.ballast.config.BallastConfig;
import io.ballast.kafka.KafkaIo;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.RegistryConfig;
import io.ballast.testing.KafkaBrokerExtension;
import io.ballast.testing.SchemaRegistryExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One Ballast job against the shared test broker and registry, on topics of its own: produce inputs
 * with the Confluent wire format, run the real job ({@link BallastJob#build}), read and decode outputs.
 */
final class PipelineRig {

    static final Duration TIMEOUT = Duration.ofSeconds(90);

    final KafkaBrokerExtension kafka;
    final SchemaRegistryExtension registry;
    final String quotes = KafkaBrokerExtension.uniqueName("quotes");
    final String trades = KafkaBrokerExtension.uniqueName("trades");
    final String limits = KafkaBrokerExtension.uniqueName("risk-limits");
    final String signals = KafkaBrokerExtension.uniqueName("rebalance-signals");
    final String risk = KafkaBrokerExtension.uniqueName("inventory-risk");
    final String skew = KafkaBrokerExtension.uniqueName("vol-skew");
    final String rejected = KafkaBrokerExtension.uniqueName("rejected");
    final String txPrefix = KafkaBrokerExtension.uniqueName("tx");
    private final Path checkpoints;
    private final RegistryConfig registryConfig;
    private final Map<Class<?>, RegistryAvroSerializationSchema<?>> serializers = new HashMap<>();
    private final Map<Class<?>, ConfluentAvroDecoder<?>> decoders = new HashMap<>();

    PipelineRig(KafkaBrokerExtension kafka, SchemaRegistryExtension registry, Path checkpoints) {
        this.kafka = kafka;
        this.registry = registry;
        this.checkpoints = checkpoints;
        this.registryConfig = RegistryConfig.builder(registry.url()).build();
        kafka.createTopics(2, quotes, trades, signals, risk, skew, rejected);
        kafka.createTopics(1, limits);
    }

    BallastConfig config(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(),
                "--topic.quotes", quotes, "--topic.trades", trades, "--topic.risk-limits", limits,
                "--topic.rebalance-signals", signals, "--topic.inventory-risk", risk, "--topic.vol-skew", skew,
                "--topic.rejected", rejected,
                "--checkpoint.interval", "300 ms", "--checkpoint.dir", checkpoints.toUri().toString(),
                "--source.starting-offsets", "earliest", "--source.idleness", "300 ms",
                "--source.max-out-of-orderness", "0 ms",
                "--sink.transactional-id-prefix", txPrefix,
                "--market.snapshot-interval", "50 ms", "--inventory.refresh-interval", "50 ms"));
        args.addAll(List.of(extra));
        return BallastConfig.fromArgs(args.toArray(new String[0]));
    }

    /** Starts the real job; {@code savepoint} (nullable) to resume from. */
    JobClient start(BallastConfig config, int parallelism, String savepoint) throws Exception {
        KafkaIo.checkCluster(config, BallastJob.topics(config));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = BallastJob.flinkConfiguration(config);
        conf.setString("restart-strategy.type", "none");
        if (savepoint != null) {
            conf.setString("execution.state-recovery.path", savepoint);
        }
        env.configure(conf);
        env.setParallelism(parallelism);
        BallastJob.build(env, config);
        return env.executeAsync("ballast-it");
    }

    // ------------------------------------------------------------------------------- inputs

    void send(String topic, String key, SpecificRecord value) {
        kafka.send(List.of(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : serialize(topic, value))));
    }

    void send(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        kafka.send(records);
    }

    ProducerRecord<byte[], byte[]> record(String topic, String key, SpecificRecord value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), serialize(topic, value));
    }

    void quote(Quote q) {
        send(quotes, q.getInstrument().getSymbol(), q);
    }

    void trade(Trade t) {
        send(trades, t.getProviderId(), t);
    }

    void limits(String key, RiskLimits l) {
        send(limits, key, l);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> byte[] serialize(String topic, T value) {
        RegistryAvroSerializationSchema<T> s = (RegistryAvroSerializationSchema<T>) serializers.computeIfAbsent(value.getClass(),
                c -> RegistryAvroSerializationSchema.forSpecific((Class<T>) c,
                        ConfluentSchemaCoder.Provider.forWriting(registryConfig, topic + "-value")));
        return s.serialize(value);
    }

    // ------------------------------------------------------------------------------ outputs

    List<RebalanceSignal> signalsUntil(Predicate<List<RebalanceSignal>> done) {
        return until(signals, RebalanceSignal.class, done);
    }

    List<RiskSnapshot> riskUntil(Predicate<List<RiskSnapshot>> done) {
        return until(risk, RiskSnapshot.class, done);
    }

    List<VolSkew> skewUntil(Predicate<List<VolSkew>> done) {
        return until(skew, VolSkew.class, done);
    }

    List<RejectedRecord> rejectedUntil(Predicate<List<RejectedRecord>> done) {
        return until(rejected, RejectedRecord.class, done);
    }

    /** Everything on the topic now, decoded. */
    <T extends SpecificRecord> List<T> all(String topic, Class<T> type) {
        return decode(kafka.consumeToEnd(topic, Duration.ofSeconds(5)), type);
    }

    private <T extends SpecificRecord> List<T> until(String topic, Class<T> type, Predicate<List<T>> done) {
        List<ConsumerRecord<byte[], byte[]>> raw = kafka.consumeUntil(topic, records -> done.test(decode(records, type)), TIMEOUT);
        return decode(raw, type);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        ConfluentAvroDecoder<T> d = (ConfluentAvroDecoder<T>) decoders.computeIfAbsent(type,
                c -> new ConfluentAvroDecoder<>((Class<T>) c, ConfluentRegistryClient.shared(registryConfig)));
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(d.decode(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
