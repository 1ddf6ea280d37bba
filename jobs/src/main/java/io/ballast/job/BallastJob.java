package io.ballast.job;

import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import io.ballast.config.ConfigException;
import io.ballast.config.JobOptions;
import io.ballast.kafka.KafkaIo;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Arrays;
import java.util.List;

/**
 * The Ballast job. {@code main} only reads the configuration, checks the cluster and wires Kafka in and
 * out; the pipeline itself is built by {@link #build}.
 */
public final class BallastJob {

    public static final String JOB_NAME = "Ballast";

    private static final String LOOPBACK = "127.0.0.1";

    private BallastJob() {
    }

    /**
     * Bad configuration ends {@code main} with a {@link ConfigException} naming the option and value,
     * never with {@code System.exit}: submitted to a session cluster, {@code main} runs inside the
     * JobManager, and an exit would take it down with every job on it.
     */
    public static void main(String[] args) throws Exception {
        BallastConfig config;
        try {
            config = BallastConfig.fromArgs(Arrays.asList(args), JobOptions.all(), JobOptions.FLAGS);
            KafkaIo.checkCluster(config, topics(config));
        } catch (ConfigException e) {
            System.err.println("ballast: " + e.getMessage());
            throw e;
        }
        StreamExecutionEnvironment env = environment(config);
        build(env, config);
        env.execute(JOB_NAME);
    }

    /** All topics the job reads or writes. */
    public static List<String> topics(BallastConfig config) {
        return List.of(config.get(BallastOptions.TOPIC_QUOTES), config.get(BallastOptions.TOPIC_TRADES),
                config.get(BallastOptions.TOPIC_RISK_LIMITS), config.get(BallastOptions.TOPIC_SIGNALS),
                config.get(BallastOptions.TOPIC_RISK), config.get(BallastOptions.TOPIC_VOL_SKEW),
                config.get(BallastOptions.TOPIC_REJECTED));
    }

    /**
     * The execution environment: the cluster's, or with {@code --local} an embedded MiniCluster with
     * the web UI on 127.0.0.1:{@code --web-port}. Checkpointing, state backend and parallelism are set
     * from the configuration either way.
     */
    public static StreamExecutionEnvironment environment(BallastConfig config) {
        Configuration flink = flinkConfiguration(config);
        StreamExecutionEnvironment env;
        if (config.get(JobOptions.LOCAL)) {
            // Everything of the embedded cluster on the loopback: web UI, RPC, blob server, data exchange.
            flink.set(RestOptions.BIND_ADDRESS, LOOPBACK);
            flink.set(RestOptions.ADDRESS, LOOPBACK);
            flink.set(RestOptions.PORT, config.get(JobOptions.WEB_PORT));
            flink.set(JobManagerOptions.BIND_HOST, LOOPBACK);
            flink.set(JobManagerOptions.ADDRESS, LOOPBACK);
            flink.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
            flink.set(TaskManagerOptions.HOST, LOOPBACK);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        }
        Integer parallelism = config.get(BallastOptions.PARALLELISM);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        return env;
    }

    /** Checkpointing (exactly-once mode, RocksDB, incremental, unaligned under back pressure), max parallelism, no Kryo fallback, buffer timeout. */
    public static Configuration flinkConfiguration(BallastConfig config) {
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(BallastOptions.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(BallastOptions.CHECKPOINT_DIR));
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        boolean unaligned = config.get(BallastOptions.CHECKPOINT_UNALIGNED);
        flink.set(CheckpointingOptions.ENABLE_UNALIGNED, unaligned);
        if (unaligned) {
            flink.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, config.get(BallastOptions.CHECKPOINT_ALIGNED_TIMEOUT));
            // A barrier may also interrupt a run of due timers (each book's refresh) rather than wait for all.
            flink.set(CheckpointingOptions.ENABLE_UNALIGNED_INTERRUPTIBLE_TIMERS, true);
        }
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(PipelineOptions.MAX_PARALLELISM, config.get(BallastOptions.MAX_PARALLELISM));
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        flink.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, java.time.Duration.ofMillis(50));
        flink.set(ExecutionOptions.BUFFER_TIMEOUT_ENABLED, true);
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, config.get(BallastOptions.BUFFER_TIMEOUT));
        return flink;
    }

    /** Adds the whole job to {@code env}: Kafka inputs, the pipeline, Kafka outputs. */
    public static void build(StreamExecutionEnvironment env, BallastConfig config) {
        Inputs inputs = Inputs.fromKafka(env, config);
        Outputs outputs = BallastPipeline.build(inputs, config);
        outputs.toKafka(config);
    }
}
