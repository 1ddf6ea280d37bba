package io.ballast.sandbox;

import io.ballast.config.BallastConfig;
import io.ballast.config.CommandLine;
import io.ballast.config.ConfigException;
import io.ballast.config.Help;
import io.ballast.config.ParsedArgs;
import io.ballast.testkit.JobRunner;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's command line: {@code --name value} options, then optionally {@code --} and options passed
 * to the Ballast job as they are (they override the sandbox's defaults for the job, e.g.
 * {@code -- --delivery.guarantee exactly-once}).
 */
public final class SandboxOptions {

    public static final ConfigOption<String> DURATION = ConfigOptions.key("duration").stringType().defaultValue("0")
            .withDescription("How long to simulate once READY: 60 (seconds), 90s, 5m, 1h; 0 runs until Ctrl-C.");
    public static final ConfigOption<Integer> PROVIDERS = ConfigOptions.key("providers").intType().defaultValue(3)
            .withDescription("Market makers simulated (mm1 .. mmN).");
    public static final ConfigOption<Double> RATE = ConfigOptions.key("rate").doubleType().defaultValue(10.0)
            .withDescription("Providers' fills per second, all providers together.");
    public static final ConfigOption<Long> SEED = ConfigOptions.key("seed").longType().defaultValue(42L)
            .withDescription("Seed of the market and of the providers' flow: the same seed, the same market.");
    public static final ConfigOption<Boolean> NO_SIMULATOR = ConfigOptions.key("no-simulator").booleanType()
            .defaultValue(false)
            .withDescription("Start the broker, the registry and the job only, for producers of your own.");
    public static final ConfigOption<Integer> KAFKA_PORT = ConfigOptions.key("kafka-port").intType().defaultValue(9092)
            .withDescription("Kafka broker port on 127.0.0.1 (0: a free one).");
    public static final ConfigOption<Integer> REGISTRY_PORT = ConfigOptions.key("registry-port").intType()
            .defaultValue(8085).withDescription("Schema registry port on 127.0.0.1 (0: a free one).");
    public static final ConfigOption<Integer> WEB_PORT = ConfigOptions.key("web-port").intType().defaultValue(8081)
            .withDescription("Flink web UI port on 127.0.0.1 (0: a free one).");
    public static final ConfigOption<Integer> ROUTER_LATENCY = ConfigOptions.key("router-latency").intType()
            .defaultValue(150).withDescription("Milliseconds between a hedge signal and its fill.");
    public static final ConfigOption<Double> ROUTER_SLIPPAGE_BPS = ConfigOptions.key("router-slippage-bps")
            .doubleType().defaultValue(1.0).withDescription("Mean slippage of a hedge against the mid, bps.");
    public static final ConfigOption<Double> ROUTER_FEE_BPS = ConfigOptions.key("router-fee-bps").doubleType()
            .defaultValue(2.0).withDescription("Fee of a hedge, bps of its notional.");
    public static final ConfigOption<Double> TIME_SCALE = ConfigOptions.key("time-scale").doubleType()
            .defaultValue(1.0)
            .withDescription("Market time per wall time for the price process (1: real time; 600: a stormy "
                    + "market, whose realized vol then reads sqrt(600) times the smile's).");
    public static final ConfigOption<String> OUT = ConfigOptions.key("out").stringType().noDefaultValue()
            .withDescription("Directory for the report, the summary and the logs; default: "
                    + "sandbox-runs/<time> beside the sandbox jar.");

    /** Stack traces of failures (also {@code BALLAST_DEBUG=1}). */
    public static final ConfigOption<Boolean> DEBUG = ParsedArgs.DEBUG;

    public static final List<ConfigOption<?>> ALL = List.of(DURATION, PROVIDERS, RATE, SEED, NO_SIMULATOR,
            KAFKA_PORT, REGISTRY_PORT, WEB_PORT, ROUTER_LATENCY, ROUTER_SLIPPAGE_BPS, ROUTER_FEE_BPS, TIME_SCALE, OUT,
            DEBUG);

    /** Boolean options that may be given without a value. */
    public static final Set<String> FLAGS = Set.of(NO_SIMULATOR.key(), DEBUG.key());

    /** The program name its one-line errors start with. */
    static final String PROGRAM = "sandbox";

    /**
     * What the command line asks for: run with {@code settings} (non-null), or end with {@code status}
     * (0 after --help, {@link CommandLine#BAD_CONFIGURATION} after one line on bad configuration).
     */
    public record CommandLineResult(Settings settings, boolean debug, int status) {
    }

    private static final Pattern DURATION_TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h)?");

    /** What was asked for, checked. */
    public record Settings(Duration duration, int providers, double rate, long seed, boolean simulator,
                           int kafkaPort, int registryPort, int webPort, long routerLatencyMillis,
                           double routerSlippageBps, double routerFeeBps, double timeScale, Path out,
                           Map<String, String> jobOverrides) {
    }

    private SandboxOptions() {
    }

    /** @throws ConfigException naming the option and the value */
    public static Settings parse(String... args) {
        List<String> own = new ArrayList<>();
        List<String> job = new ArrayList<>();
        boolean forJob = false;
        for (String a : args) {
            if (!forJob && a.equals("--")) {
                forJob = true;
            } else {
                (forJob ? job : own).add(a);
            }
        }
        ParsedArgs c = ParsedArgs.parse(own, ALL, FLAGS, true, System::getenv);
        if (!c.kafkaProperties().isEmpty()) {
            throw new ConfigException("Kafka client properties go to the job, after --: e.g. "
                    + "`-- --kafka.linger.ms 5`");
        }
        Duration duration = duration(c.get(DURATION));
        int providers = c.get(PROVIDERS);
        if (providers < 1 || providers > 50) {
            throw ParsedArgs.bad(PROVIDERS, providers, "expected 1 to 50 providers");
        }
        double rate = c.get(RATE);
        if (!(rate >= 0) || rate > 10_000) {
            throw ParsedArgs.bad(RATE, rate, "expected 0 to 10000 fills per second");
        }
        for (ConfigOption<Integer> port : List.of(KAFKA_PORT, REGISTRY_PORT, WEB_PORT)) {
            int p = c.get(port);
            if (p < 0 || p > 65535) {
                throw ParsedArgs.bad(port, p, "expected a port between 1 and 65535, or 0 for a free one");
            }
        }
        int latency = c.get(ROUTER_LATENCY);
        if (latency < 0) {
            throw ParsedArgs.bad(ROUTER_LATENCY, latency, "expected milliseconds >= 0");
        }
        for (ConfigOption<Double> bps : List.of(ROUTER_SLIPPAGE_BPS, ROUTER_FEE_BPS)) {
            double v = c.get(bps);
            if (!(v >= 0) || v > 1_000) {
                throw ParsedArgs.bad(bps, v, "expected 0 to 1000 bps");
            }
        }
        double timeScale = c.get(TIME_SCALE);
        if (!(timeScale > 0) || timeScale > 1_000_000) {
            throw ParsedArgs.bad(TIME_SCALE, timeScale, "expected a factor > 0 and <= 1000000");
        }
        String out = c.get(OUT);
        return new Settings(duration, providers, rate, c.get(SEED), !c.get(NO_SIMULATOR), c.get(KAFKA_PORT),
                c.get(REGISTRY_PORT), c.get(WEB_PORT), latency, c.get(ROUTER_SLIPPAGE_BPS), c.get(ROUTER_FEE_BPS),
                timeScale, out == null ? null : Path.of(out), checked(jobOverrides(job)));
    }

    /**
     * The job options after {@code --}, checked as the job will check them (with the sandbox's own for the
     * rest), so that a bad one stops the sandbox before anything starts.
     */
    private static Map<String, String> checked(Map<String, String> jobOptions) {
        try {
            BallastConfig.fromArgs(JobRunner.arguments("127.0.0.1:9092", "http://127.0.0.1:8085", 8081,
                    "file:///tmp/ballast-sandbox/checkpoints", jobOptions));
        } catch (ConfigException e) {
            throw new ConfigException("Job options after --: " + e.getMessage(), e);
        }
        return jobOptions;
    }

    /** Plain numbers are seconds; {@code ms}, {@code s}, {@code m}/{@code min} and {@code h} suffixes too. */
    static Duration duration(String text) {
        Matcher m = DURATION_TEXT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw ParsedArgs.bad(DURATION, text, "expected seconds (60), or 90s, 5m, 1h; 0 runs until Ctrl-C");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "m", "min" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static Map<String, String> jobOverrides(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("Unexpected job argument '" + a + "' after --: job options are given as "
                        + "--name value");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                value = "true";
            }
            options.put(name, value);
        }
        for (String reserved : List.of("bootstrap", "registry", "local", "web-port")) {
            if (options.containsKey(reserved)) {
                throw new ConfigException("Job option --" + reserved + " is set by the sandbox; use the sandbox's own "
                        + "options (--kafka-port, --registry-port, --web-port)");
            }
        }
        return options;
    }

    /**
     * The sandbox's command line: {@code --help} (or {@code -h}) before any {@code --} prints the options on
     * {@code out}; bad configuration prints one line on {@code err} (with {@code --debug} or
     * {@code BALLAST_DEBUG=1}, the stack trace too). Never exits.
     */
    public static CommandLineResult commandLine(String[] args, PrintStream out, PrintStream err,
                                                Function<String, String> env) {
        List<String> arguments = List.of(args);
        if (CommandLine.helpAsked(arguments)) {
            out.print(help().format());
            out.flush();
            return new CommandLineResult(null, false, 0);
        }
        boolean debug = CommandLine.debug(arguments, env);
        try {
            return new CommandLineResult(parse(args), debug, 0);
        } catch (ConfigException e) {
            CommandLine.report(PROGRAM, e, debug, err);
            return new CommandLineResult(null, debug, CommandLine.BAD_CONFIGURATION);
        }
    }

    /** The sandbox's --help: every option of {@link #ALL} with its default and description. */
    public static Help help() {
        Help help = Help.usage("java -jar sandbox/target/ballast-sandbox.jar [options] [-- job options]")
                .about("Ballast sandbox: Kafka, a schema registry, the Ballast job with the Flink web UI, "
                        + "a market simulator and a router simulator, on 127.0.0.1.");
        for (ConfigOption<?> o : ALL) {
            help.option(section(o), ParsedArgs.helpEntry(o, FLAGS.contains(o.key()), false));
        }
        return help.note("Options after -- go to the Ballast job (its --help lists them), e.g. "
                + "-- --delivery.guarantee exactly-once; --bootstrap, --registry, --local and --web-port are "
                + "the sandbox's.");
    }

    private static String section(ConfigOption<?> o) {
        if (o == KAFKA_PORT || o == REGISTRY_PORT || o == WEB_PORT) {
            return "Ports";
        }
        if (o == ROUTER_LATENCY || o == ROUTER_SLIPPAGE_BPS || o == ROUTER_FEE_BPS) {
            return "Router simulator";
        }
        if (o == OUT || o == DEBUG) {
            return "Output and diagnostics";
        }
        return "Run and market";
    }
}
