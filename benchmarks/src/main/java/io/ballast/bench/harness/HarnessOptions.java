package io.ballast.bench.harness;

import io.ballast.config.CommandLine;
import io.ballast.config.ConfigException;
import io.ballast.config.Help;
import io.ballast.config.ParsedArgs;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The harness's command line: {@code --name value} options parsed by {@link ParsedArgs} (typed, so that a
 * bad value stops it before anything starts), shown by {@code --help} with their defaults.
 */
final class HarnessOptions {

    static final ConfigOption<Long> EVENTS = ConfigOptions.key("events").longType().defaultValue(300_000L)
            .withDescription("Throughput: simulated records preloaded (quotes, some fills, the limits) and read by both jobs.");
    static final ConfigOption<Integer> REPEAT = ConfigOptions.key("repeat").intType().defaultValue(3)
            .withDescription("Throughput: runs of the baseline and the full job, alternately, after a warm-up pair; medians reported.");
    static final ConfigOption<Double> RATE = ConfigOptions.key("rate").doubleType().defaultValue(0.0)
            .withDescription("Latency: quotes per second; 0: half the measured maximum throughput, capped at --rate-cap.");
    static final ConfigOption<Double> RATE_CAP = ConfigOptions.key("rate-cap").doubleType().defaultValue(2000.0)
            .withDescription("Latency: the highest quote rate --rate 0 chooses.");
    static final ConfigOption<Integer> KEYS = ConfigOptions.key("keys").intType().defaultValue(100_000)
            .withDescription("Checkpoint: provider/underlying keys, one fill each.");
    static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism").intType().defaultValue(2)
            .withDescription("Parallelism of every job the harness runs.");
    static final ConfigOption<Long> LATENCY_SECONDS = ConfigOptions.key("latency-seconds").longType().defaultValue(60L)
            .withDescription("Latency: how long the quotes stream in, seconds.");
    static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint-interval").durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint: the job's --checkpoint.interval.");
    static final ConfigOption<Long> CHECKPOINT_WAIT = ConfigOptions.key("checkpoint-wait").longType().defaultValue(60L)
            .withDescription("Checkpoint: how long to wait for completed checkpoints, seconds.");
    static final ConfigOption<Duration> CHECKPOINT_REFRESH_INTERVAL = ConfigOptions.key("checkpoint-refresh-interval")
            .durationType().defaultValue(Duration.ofMillis(250))
            .withDescription("Checkpoint: the job's --inventory.refresh-interval (its default).");
    static final ConfigOption<Duration> REFRESH_INTERVAL = ConfigOptions.key("refresh-interval").durationType()
            .defaultValue(Duration.ofMillis(10))
            .withDescription("Latency: the job's --inventory.refresh-interval.");
    static final ConfigOption<Duration> SNAPSHOT_INTERVAL = ConfigOptions.key("snapshot-interval").durationType()
            .defaultValue(Duration.ofMillis(10))
            .withDescription("Latency: the job's --market.snapshot-interval.");
    static final ConfigOption<Double> LATENCY_TIME_SCALE = ConfigOptions.key("latency-time-scale").doubleType()
            .defaultValue(100.0)
            .withDescription("Latency: market time per wall time of the simulated market; a stormy market makes "
                    + "quote-driven signals often enough to measure.");
    static final ConfigOption<String> PHASES = ConfigOptions.key("phases").stringType()
            .defaultValue("throughput,latency,checkpoint")
            .withDescription("The phases to run, comma-separated: throughput, latency, checkpoint.");
    static final ConfigOption<String> OUT = ConfigOptions.key("out").stringType().defaultValue("")
            .withDescription("Output directory (results.json, logs); empty: bench-runs/<time> beside the benchmarks jar.");
    static final ConfigOption<String> JOB = ConfigOptions.key("job").stringType().defaultValue("")
            .withDescription("Extra job options for every run: name=value[,name=value...].");
    static final ConfigOption<String> COMPARE = ConfigOptions.key("compare").stringType().defaultValue("")
            .withDescription("Throughput: also run the full job with these extra options (name=value[,name=value...]), "
                    + "as c, alternately with a and b, and report c/b (e.g. portfolio.enabled=true: the stage's cost).");
    static final ConfigOption<String> LATENCY_JVM = ConfigOptions.key("latency-jvm").stringType().defaultValue("same")
            .withDescription("Latency: run the job in this JVM (same), or in a JVM of its own started with these "
                    + "JVM options (e.g. '-Xms2g -Xmx2g'), as on a TaskManager, away from the simulator's, the "
                    + "broker's and the signal reader's garbage collections.");
    static final ConfigOption<Boolean> DEBUG = ParsedArgs.DEBUG;

    static final List<ConfigOption<?>> ALL = List.of(EVENTS, REPEAT, RATE, RATE_CAP, KEYS, PARALLELISM,
            LATENCY_SECONDS, CHECKPOINT_INTERVAL, CHECKPOINT_WAIT, CHECKPOINT_REFRESH_INTERVAL, REFRESH_INTERVAL,
            SNAPSHOT_INTERVAL, LATENCY_TIME_SCALE, PHASES, OUT, JOB, COMPARE, LATENCY_JVM, DEBUG);

    static final Set<String> FLAGS = Set.of(DEBUG.key());
    static final Set<String> PHASE_NAMES = Set.of("throughput", "latency", "checkpoint");
    static final String PROGRAM = "harness";

    /**
     * What the command line asks for: run with {@code options} (non-null: every option's value as text,
     * durations as {@code 10 s}), or end with {@code status} (0 after --help, 2 after one line on bad
     * configuration).
     */
    record Result(Map<String, String> options, boolean debug, int status) {
    }

    private HarnessOptions() {
    }

    /** Parses the command line; never exits. */
    static Result commandLine(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        List<String> arguments = List.of(args);
        if (CommandLine.helpAsked(arguments)) {
            out.print(help().format());
            out.flush();
            return new Result(null, false, 0);
        }
        boolean debug = CommandLine.debug(arguments, env);
        try {
            return new Result(parse(arguments, env), debug, 0);
        } catch (ConfigException e) {
            CommandLine.report(PROGRAM, e, debug, err);
            return new Result(null, debug, CommandLine.BAD_CONFIGURATION);
        }
    }

    /** Every option's value as text, in the order of {@link #ALL} ({@code --debug} left out). */
    static Map<String, String> parse(List<String> args, Function<String, String> env) {
        ParsedArgs parsed = ParsedArgs.parse(args, ALL, FLAGS, false, env);
        for (ConfigOption<Long> o : List.of(EVENTS, LATENCY_SECONDS, CHECKPOINT_WAIT)) {
            if (parsed.get(o) < 1) {
                throw ParsedArgs.bad(o, parsed.get(o), "must be >= 1");
            }
        }
        for (ConfigOption<Integer> o : List.of(REPEAT, KEYS, PARALLELISM)) {
            if (parsed.get(o) < 1) {
                throw ParsedArgs.bad(o, parsed.get(o), "must be >= 1");
            }
        }
        if (!(parsed.get(LATENCY_TIME_SCALE) > 0)) {
            throw ParsedArgs.bad(LATENCY_TIME_SCALE, parsed.get(LATENCY_TIME_SCALE), "must be > 0");
        }
        for (ConfigOption<Double> o : List.of(RATE, RATE_CAP, LATENCY_TIME_SCALE)) {
            double v = parsed.get(o);
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw ParsedArgs.bad(o, v, "must be a finite number >= 0");
            }
        }
        for (ConfigOption<Duration> o : List.of(CHECKPOINT_INTERVAL, CHECKPOINT_REFRESH_INTERVAL, REFRESH_INTERVAL,
                SNAPSHOT_INTERVAL)) {
            if (parsed.get(o).isNegative() || parsed.get(o).isZero()) {
                throw ParsedArgs.bad(o, parsed.get(o), "must be positive");
            }
        }
        String phases = parsed.get(PHASES);
        for (String phase : phases.split(",")) {
            if (!PHASE_NAMES.contains(phase.trim())) {
                throw ParsedArgs.bad(PHASES, phases, "expected a comma-separated list of throughput, latency, checkpoint");
            }
        }
        for (ConfigOption<String> o : List.of(JOB, COMPARE)) {
            for (String kv : parsed.get(o).split(",")) {
                if (!kv.isBlank() && kv.indexOf('=') < 1) {
                    throw ParsedArgs.bad(o, parsed.get(o), "expected name=value[,name=value...]");
                }
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (ConfigOption<?> o : ALL) {
            if (o != DEBUG) {
                Object v = parsed.get(o);
                options.put(o.key(), v instanceof String text ? text : ParsedArgs.show(v));
            }
        }
        return options;
    }

    /** The harness's --help: every option of {@link #ALL} with its default and description. */
    static Help help() {
        Help help = Help.usage(Harness.COMMAND + " [--name value]...")
                .about("The job's throughput against a read-and-decode baseline, quote-to-signal latency, and "
                        + "checkpoints at many keys, on the test kit's broker and registry; results on the console "
                        + "and in results.json (docs/performance.md).");
        for (ConfigOption<?> o : ALL) {
            help.option(section(o), ParsedArgs.helpEntry(o, FLAGS.contains(o.key()), false));
        }
        return help;
    }

    private static String section(ConfigOption<?> o) {
        String key = o.key();
        if (o == EVENTS || o == REPEAT || o == COMPARE) {
            return "Throughput";
        }
        if (key.startsWith("latency") || o == RATE || o == RATE_CAP || o == REFRESH_INTERVAL || o == SNAPSHOT_INTERVAL) {
            return "Latency";
        }
        if (key.startsWith("checkpoint") || o == KEYS) {
            return "Checkpoint";
        }
        return "Every phase";
    }
}
