package io.ballast.job;

import io.ballast.config.BallastConfig;
import io.ballast.config.ConfigException;
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
     * Bad configuration ends {@code main} with one line on stderr naming the option and the value, found
     * before anything touches the network, and a {@link ConfigException} carrying only that line, never
     * with {@code System.exit}: submitted to a session cluster, {@code main} runs inside the JobManager,
     * and an exit would take it down with every job on it. Started as a plain Java program, the JVM then
     * ends with status 1 and no stack trace.
     */
    public static void main(String[] args) throws Exception {
        BallastConfig config;
        try {
            config = BallastConfig.fromArgs(Arrays.asList(args));
            KafkaIo.checkCluster(config, config.topics().all());
        } catch (ConfigException e) {
            System.err.println("ballast: " + e.getMessage());
            if (launchedByTheJvm()) {
                // The line above said it all: the launcher would add the exception and its stack trace.
                Thread.currentThread().setUncaughtExceptionHandler((thread, error) -> {
                    if (!(error instanceof ConfigException)) {
                        error.printStackTrace();
                    }
                });
            }
            throw ConfigException.withoutTrace(e.getMessage());
        }
        StreamExecutionEnvironment env = environment(config);
        build(env, config);
        env.execute(JOB_NAME);
    }

    /** Whether this {@code main} was called by the Java launcher itself (not by Flink's client, a test or a tool). */
    private static boolean launchedByTheJvm() {
        StackTraceElement[] stack = Thread.currentThread().getStackTrace();
        StackTraceElement bottom = stack[stack.length - 1];
        return bottom.getClassName().equals(BallastJob.class.getName()) && bottom.getMethodName().equals("main");
    }

    /** All topics the job reads or writes. */
    public static List<String> topics(BallastConfig config) {
        return config.topics().all();
    }

    /**
     * The execution environment: the cluster's, or with {@code --local} an embedded MiniCluster with
     * the web UI on 127.0.0.1:{@code --web-port}. Checkpointing, state backend and parallelism are set
     * from the configuration either way.
     */
    public static StreamExecutionEnvironment environment(BallastConfig config) {
        Configuration flink = flinkConfiguration(config);
        StreamExecutionEnvironment env;
        if (config.local()) {
            // Everything of the embedded cluster on the loopback: web UI, RPC, blob server, data exchange.
            flink.set(RestOptions.BIND_ADDRESS, LOOPBACK);
            flink.set(RestOptions.ADDRESS, LOOPBACK);
            flink.set(RestOptions.PORT, config.webPort());
            flink.set(JobManagerOptions.BIND_HOST, LOOPBACK);
            flink.set(JobManagerOptions.ADDRESS, LOOPBACK);
            flink.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
            flink.set(TaskManagerOptions.HOST, LOOPBACK);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        }
        Integer parallelism = config.checkpoints().parallelism();
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        return env;
    }

    /** Checkpointing (exactly-once mode, RocksDB, incremental, unaligned under back pressure), max parallelism, no Kryo fallback, buffer timeout. */
    public static Configuration flinkConfiguration(BallastConfig config) {
        BallastConfig.Checkpoints c = config.checkpoints();
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, c.interval());
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.dir());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.ENABLE_UNALIGNED, c.unaligned());
        if (c.unaligned()) {
            flink.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, c.alignedTimeout());
            // A barrier may also interrupt a run of due timers (each book's refresh) rather than wait for all.
            flink.set(CheckpointingOptions.ENABLE_UNALIGNED_INTERRUPTIBLE_TIMERS, true);
        }
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(PipelineOptions.MAX_PARALLELISM, c.maxParallelism());
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        flink.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, java.time.Duration.ofMillis(50));
        flink.set(ExecutionOptions.BUFFER_TIMEOUT_ENABLED, true);
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, c.bufferTimeout());
        return flink;
    }

    /** Adds the whole job to {@code env}: Kafka inputs, the pipeline, Kafka outputs. */
    public static void build(StreamExecutionEnvironment env, BallastConfig config) {
        Inputs inputs = Inputs.fromKafka(env, config);
        Outputs outputs = BallastPipeline.build(inputs, config);
        outputs.toKafka(config);
    }
}
