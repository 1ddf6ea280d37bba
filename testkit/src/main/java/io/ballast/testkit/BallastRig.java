package io.ballast.testkit;

import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Trade;
import io.ballast.avro.VolSkew;
import io.ballast.config.BallastConfig;
import io.ballast.job.BallastJob;
import io.ballast.job.BallastPipeline;
import io.ballast.job.Inputs;
import io.ballast.kafka.KafkaIo;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One Ballast job on topics of its own, for the integration tests: produce inputs with the Confluent
 * wire format, run the real job in the MiniCluster of the test ({@link BallastJob#build}; or the sources
 * of {@link Inputs#fromKafka}, one extra pass-through operator on the inputs (fault injection) and the
 * whole {@link BallastPipeline} with its Kafka sinks), and read the committed outputs back, decoded.
 */
public final class BallastRig {

    /** How long a test waits for the outputs it expects. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    public final KafkaBroker kafka;
    public final BallastTopics topics;
    public final String quotes;
    public final String trades;
    public final String limits;
    public final String signals;
    public final String risk;
    public final String skew;
    public final String rejected;
    public final String collateral;
    public final String portfolio;
    public final String txPrefix;
    private final String registryUrl;
    private final Path checkpoints;
    private final AvroCodec codec;

    /** New topics ({@code partitions} each, one for the limits) with unique names. */
    public BallastRig(KafkaBroker kafka, String registryUrl, Path checkpoints, int partitions) {
        this(kafka, registryUrl, checkpoints, partitions, KafkaBroker.uniqueName("ballast"));
    }

    /** Topics named {@code <prefix>-quotes} and so on; created unless they exist. */
    public BallastRig(KafkaBroker kafka, String registryUrl, Path checkpoints, int partitions, String prefix) {
        this.kafka = kafka;
        this.registryUrl = registryUrl;
        this.checkpoints = checkpoints;
        this.codec = new AvroCodec(registryUrl);
        topics = BallastTopics.withPrefix(prefix);
        quotes = topics.quotes();
        trades = topics.trades();
        limits = topics.limits();
        signals = topics.signals();
        risk = topics.risk();
        skew = topics.skew();
        rejected = topics.rejected();
        collateral = topics.collateral();
        portfolio = topics.portfolio();
        txPrefix = prefix + "-tx";
        if (!kafka.topics().contains(trades)) {
            kafka.createTopics(topics.forTests(partitions));
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
        List<String> args = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--registry", registryUrl));
        args.addAll(topics.args());
        args.addAll(List.of(
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

    /** Starts the real job ({@link BallastJob#build}), restart strategy "none"; {@code savepoint} (nullable) to resume from. */
    public JobClient start(BallastConfig config, int parallelism, String savepoint) throws Exception {
        return start(config, parallelism, savepoint, new Configuration(), null);
    }

    /**
     * Starts the real job with extra Flink settings (a restart strategy, ...) and, through {@code tweak}
     * (nullable), possibly one extra operator on the inputs (the pipeline itself is untouched).
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
        if (tweak == null) {
            BallastJob.build(env, config);
        } else {
            Inputs inputs = tweak.apply(Inputs.fromKafka(env, config));
            BallastPipeline.build(inputs, config).toKafka(config);
        }
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
        Await.until(Duration.ofSeconds(60), "job " + job.getJobID() + " to end", () -> terminal(job));
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

    // ------------------------------------------------------------------------------- inputs

    /** A record of {@code value} in the Confluent wire format, registered under {@code <topic>-value}. */
    public ProducerRecord<byte[], byte[]> record(String topic, String key, SpecificRecord value) {
        return codec.record(topic, key, value);
    }

    /** Sends and waits for the acknowledgements, in order. */
    public List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        return records.isEmpty() ? List.of() : kafka.send(records);
    }

    /** Sends one record and waits for its acknowledgement. */
    public void send(String topic, String key, SpecificRecord value) {
        send(List.of(record(topic, key, value)));
    }

    public void quote(Quote q) {
        send(quotes, q.getInstrument().getSymbol(), q);
    }

    public void trade(Trade t) {
        send(trades, t.getProviderId(), t);
    }

    /** A balance, keyed {@code provider/venue/asset}. */
    public void collateral(io.ballast.avro.Collateral c) {
        send(collateral, c.getProviderId() + "/" + c.getVenue() + "/" + c.getAsset(), c);
    }

    public List<io.ballast.avro.PortfolioRisk> portfolioUntil(Predicate<List<io.ballast.avro.PortfolioRisk>> done) {
        return until(portfolio, io.ballast.avro.PortfolioRisk.class, done);
    }

    public void limits(String key, RiskLimits l) {
        send(limits, key, l);
    }

    /** The Confluent wire format of {@code value} on {@code topic}. */
    public <T extends SpecificRecord> byte[] serialize(String topic, T value) {
        return codec.serialize(topic, value);
    }

    // ------------------------------------------------------------------------------ outputs

    public List<RebalanceSignal> signalsUntil(Predicate<List<RebalanceSignal>> done) {
        return until(signals, RebalanceSignal.class, done);
    }

    public List<RiskSnapshot> riskUntil(Predicate<List<RiskSnapshot>> done) {
        return until(risk, RiskSnapshot.class, done);
    }

    public List<VolSkew> skewUntil(Predicate<List<VolSkew>> done) {
        return until(skew, VolSkew.class, done);
    }

    public List<RejectedRecord> rejectedUntil(Predicate<List<RejectedRecord>> done) {
        return until(rejected, RejectedRecord.class, done);
    }

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
    public <T extends SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        return codec.values(records, type);
    }
}
