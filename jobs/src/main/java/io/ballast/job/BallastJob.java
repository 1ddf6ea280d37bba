package io.ballast.job;

import io.ballast.config.BallastConfig;
import io.ballast.config.CommandLine;
import io.ballast.config.ConfigException;
import io.ballast.config.JobOptions;
import io.ballast.kafka.KafkaIo;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.registry.RegistryException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The Ballast job. {@code main} only reads the configuration, checks the cluster and wires Kafka in and
 * out; the pipeline itself is built by {@link #build}.
 */
public final class BallastJob {

    public static final String JOB_NAME = "Ballast";

    /** The name the job's one-line errors start with. */
    static final String PROGRAM = "ballast";

    private static final String LOOPBACK = "127.0.0.1";

    private BallastJob() {
    }

    /**
     * {@code --help} (or {@code -h}) prints every option with its default and description on stdout and
     * returns. Otherwise the configuration is parsed and checked, logged once (secrets masked, see
     * {@link BallastConfig#effectiveConfiguration()}), the cluster checked, and the job built and run.
     *
     * <p>Bad configuration ends {@code main} with one line on stderr naming the option and the value, found
     * before anything touches the network, and a {@link ConfigException} carrying only that line, never
     * with {@code System.exit}: submitted to a session cluster, {@code main} runs inside the JobManager,
     * and an exit would take it down with every job on it. Started as a plain Java program, the JVM then
     * ends with status 1 and no stack trace. With {@code --debug} (or {@code BALLAST_DEBUG=1}) the original
     * exception is thrown, stack trace and cause included.
     */
    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (CommandLine.helpAsked(arguments)) {
            System.out.print(JobOptions.help(BallastJob.class.getName()).format());
            System.out.flush();
            return;
        }
        BallastConfig config;
        try {
            config = configure(arguments);
            KafkaIo.checkCluster(config, config.topics().all());
            checkRegistry(config.registry());
        } catch (ConfigException e) {
            boolean debug = CommandLine.debug(arguments, System::getenv);
            // One line; with --debug the exception that follows carries the stack trace (the launcher or
            // Flink's client prints it).
            CommandLine.report(PROGRAM, e, false, System.err);
            if (debug) {
                throw e;
            }
            if (launchedByTheJvm()) {
                // The line above said it all: the launcher would add the exception and its stack trace.
                Thread.currentThread().setUncaughtExceptionHandler((thread, error) -> {
                    if (!(error instanceof ConfigException)) {
                        error.printStackTrace();
                    }
                });
            }
            throw ConfigException.withoutTrace(CommandLine.oneLine(e));
        }
        StreamExecutionEnvironment env = environment(config);
        build(env, config);
        env.execute(JOB_NAME);
    }

    /**
     * Parses and checks the job's arguments and logs the effective configuration once, secrets masked;
     * nothing touches the network.
     */
    public static BallastConfig configure(List<String> args) {
        return configure(args, System::getenv);
    }

    /** As {@link #configure(List)}, with {@code env} answering the {@code ${env:NAME}} references of secret options. */
    public static BallastConfig configure(List<String> args, java.util.function.Function<String, String> env) {
        BallastConfig config = BallastConfig.fromArgs(args, env);
        // The logger only now: starting the logging framework takes most of a second, and a bad option
        // must fail before that (one line on stderr, see BadConfigurationFailsFastTest).
        Logger log = LoggerFactory.getLogger(BallastJob.class);
        log.info(config.effectiveConfiguration());
        return config;
    }

    /**
     * Asks the registry once ({@code GET /config}) before the job is submitted: an untrusted certificate,
     * a client certificate refused or credentials refused (HTTP 401 or 403) stop the job with a
     * {@link ConfigException} naming the options to look at. A registry that cannot be reached or answers
     * otherwise only gets a warning: it may be reachable from the TaskManagers alone, and the tasks retry.
     */
    public static void checkRegistry(RegistryConfig registry) {
        try {
            ConfluentRegistryClient.shared(registry).checkAccess();
        } catch (RegistryException e) {
            if (e.isTlsFailure()) {
                throw new ConfigException(e.getMessage(), e);
            }
            if (e.isAuthFailure()) {
                throw new ConfigException("The schema registry at --registry " + registry.url() + " refused the job's "
                        + "credentials (HTTP " + e.httpStatus() + "; check --registry.basic-auth.user-info, "
                        + "--registry.bearer-token or --registry.bearer-token-file): " + e.getMessage(), e);
            }
            LoggerFactory.getLogger(BallastJob.class).warn("Could not check the schema registry at {} before the start: {}", registry.url(), e.getMessage());
        } catch (java.io.IOException e) {
            LoggerFactory.getLogger(BallastJob.class).warn("Could not check the schema registry at {} before the start: {}", registry.url(), e.toString());
        } catch (IllegalArgumentException e) {
            // A trust or key store that cannot be loaded (a wrong password, a corrupt file).
            throw e instanceof ConfigException ? (ConfigException) e : new ConfigException(e.getMessage(), e);
        }
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
