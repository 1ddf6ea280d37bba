package io.ballast.testing;

import io.ballast.config.BallastConfig;
import io.ballast.job.BallastJob;
import io.ballast.job.BallastPipeline;
import io.ballast.job.Inputs;
import io.ballast.kafka.KafkaIo;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.RegistryConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One Ballast job on topics of its own, for the fault, evolution and corpus tests: produce inputs with
 * the Confluent wire format, run the real job (sources of {@link Inputs#fromKafka}, the whole
 * {@link BallastPipeline}, the Kafka sinks), optionally with one extra pass-through operator on the
 * trades (fault injection), and read the committed outputs back, decoded.
 */
public final class BallastRig {

    /** How long a test waits for the outputs it expects. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    public final KafkaBrokerExtension kafka;
    public final String quotes;
    public final String trades;
    public final String limits;
    public final String signals;
    public final String risk;
    public final String skew;
    public final String rejected;
    public final String txPrefix;
    private final String registryUrl;
    private final Path checkpoints;
    private final RegistryConfig registryConfig;
    private final Map<String, RegistryAvroSerializationSchema<?>> serializers = new HashMap<>();
    private final Map<Class<?>, ConfluentAvroDecoder<?>> decoders = new HashMap<>();

    /** New topics ({@code partitions} each, one for the limits) with unique names. */
    public BallastRig(KafkaBrokerExtension kafka, String registryUrl, Path checkpoints, int partitions) {
        this(kafka, registryUrl, checkpoints, partitions, KafkaBrokerExtension.uniqueName("ballast"));
    }

    /** Topics named {@code <prefix>-quotes} and so on; created unless they exist. */
    public BallastRig(KafkaBrokerExtension kafka, String registryUrl, Path checkpoints, int partitions, String prefix) {
        this.kafka = kafka;
        this.registryUrl = registryUrl;
        this.checkpoints = checkpoints;
        this.registryConfig = RegistryConfig.builder(registryUrl).build();
        quotes = prefix + "-quotes";
        trades = prefix + "-trades";
        limits = prefix + "-risk-limits";
        signals = prefix + "-rebalance-signals";
        risk = prefix + "-inventory-risk";
        skew = prefix + "-vol-skew";
        rejected = prefix + "-rejected";
        txPrefix = prefix + "-tx";
        if (!kafka.topics().contains(trades)) {
            kafka.createTopics(partitions, quotes, trades, signals, risk, skew, rejected);
            kafka.createTopics(1, limits);
        }
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** The job's options for these topics, fast checkpoints and timers; {@code extra} may override any. */
    public BallastConfig config(String... extra) {
        return BallastConfig.fromArgs(args(extra).toArray(new String[0]));
    }

    /** The arguments of {@link #config}, e.g. for a job in another JVM. */
    public List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap", kafka.bootstrapServers(), "--registry", registryUrl,
                "--topic.quotes", quotes, "--topic.trades", trades, "--topic.risk-limits", limits,
                "--topic.rebalance-signals", signals, "--topic.inventory-risk", risk, "--topic.vol-skew", skew,
                "--topic.rejected", rejected,
                "--checkpoint.interval", "300 ms", "--checkpoint.dir", checkpoints.toUri().toString(),
                "--source.starting-offsets", "earliest", "--source.idleness", "300 ms",
                "--source.max-out-of-orderness", "0 ms",
                "--sink.transactional-id-prefix", txPrefix,
                "--market.snapshot-interval", "50 ms", "--inventory.refresh-interval", "50 ms"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            int at = args.indexOf(extra[i]);
            if (at >= 0) {
                args.set(at + 1, extra[i + 1]);
            } else {
                args.add(extra[i]);
                args.add(extra[i + 1]);
            }
        }
        return args;
    }

    /** Starts the real job: restart strategy "none" unless {@code flink} says otherwise. */
    public JobClient start(BallastConfig config, int parallelism, String savepoint) throws Exception {
        return start(config, parallelism, savepoint, new Configuration(), UnaryOperator.identity());
    }

    /**
     * Starts the real job with extra Flink settings (a restart strategy, ...) and, through {@code tweak},
     * possibly one extra operator on the inputs (the pipeline itself is untouched).
     */
    public JobClient start(BallastConfig config, int parallelism, String savepoint, Configuration flink,
                           UnaryOperator<Inputs> tweak) throws Exception {
        KafkaIo.checkCluster(config, BallastJob.topics(config));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = BallastJob.flinkConfiguration(config);
        conf.setString("restart-strategy.type", "none");
        conf.addAll(flink);
        if (savepoint != null) {
            conf.setString("execution.state-recovery.path", savepoint);
        }
        env.configure(conf);
        env.setParallelism(parallelism);
        Inputs inputs = tweak.apply(Inputs.fromKafka(env, config));
        BallastPipeline.build(inputs, config).toKafka(config);
        return env.executeAsync("ballast-" + trades);
    }

    /** Cancels the job and waits until it is gone, so that nothing writes into its directories any more. */
    public static void cancel(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
        if (!status.isGloballyTerminalState()) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Finished in the meantime.
            }
        }
        await(Duration.ofSeconds(60), "job " + job.getJobID() + " to end", () -> terminal(job));
    }

    private static boolean terminal(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (Exception e) {
            return true; // no longer known to the cluster
        }
    }

    /** How often the job has been restarted: the highest execution attempt number of its tasks. */
    public static int restarts(MiniCluster cluster, JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
        int max = 0;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }

    /** How many checkpoints of the job have completed. */
    public static long completedCheckpoints(MiniCluster cluster, JobID job) {
        try {
            return cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS).getCheckpointStatsSnapshot().getCounts()
                    .getNumberOfCompletedCheckpoints();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Waits for {@code condition}, polling; fails with {@code what} at the deadline. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50); // polling interval, not a wait for something to happen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }

    // ------------------------------------------------------------------------------- inputs

    /** A record of {@code value} in the Confluent wire format, registered under {@code <topic>-value}. */
    public ProducerRecord<byte[], byte[]> record(String topic, String key, SpecificRecord value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : serialize(topic, value));
    }

    /** Sends and waits for the acknowledgements, in order. */
    public List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        return records.isEmpty() ? List.of() : kafka.send(records);
    }

    /** The Confluent wire format of {@code value} on {@code topic}. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> byte[] serialize(String topic, T value) {
        RegistryAvroSerializationSchema<T> s = (RegistryAvroSerializationSchema<T>) serializers.computeIfAbsent(
                topic + "|" + value.getClass().getName(),
                k -> RegistryAvroSerializationSchema.forSpecific((Class<T>) value.getClass(),
                        ConfluentSchemaCoder.Provider.forWriting(registryConfig, topic + "-value")));
        return s.serialize(value);
    }

    // ------------------------------------------------------------------------------ outputs

    /** Everything committed on the topic now, decoded. */
    public <T extends SpecificRecord> List<T> all(String topic, Class<T> type) {
        return decode(kafka.consumeToEnd(topic, Duration.ofSeconds(10)), type);
    }

    /** Reads the topic from its beginning until {@code done} holds for the decoded records. */
    public <T extends SpecificRecord> List<T> until(String topic, Class<T> type, Predicate<List<T>> done) {
        return until(topic, type, done, TIMEOUT);
    }

    public <T extends SpecificRecord> List<T> until(String topic, Class<T> type, Predicate<List<T>> done,
                                                    Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> raw = kafka.consumeUntil(topic, records -> done.test(decode(records, type)),
                timeout);
        return decode(raw, type);
    }

    /** Decodes Confluent wire-format values. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        ConfluentAvroDecoder<T> d = (ConfluentAvroDecoder<T>) decoders.computeIfAbsent(type,
                c -> new ConfluentAvroDecoder<>((Class<T>) c, ConfluentRegistryClient.shared(registryConfig)));
        List<T> out = new ArrayList<>(records.size());
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
