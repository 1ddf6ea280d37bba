package io.ballast.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Options of the job's {@code main}, beyond {@link BallastOptions}. */
public final class JobOptions {

    private JobOptions() {
    }

    public static final ConfigOption<Boolean> LOCAL = ConfigOptions.key("local")
            .booleanType().defaultValue(false)
            .withDescription("Run in an embedded Flink MiniCluster with the web UI, instead of submitting to a cluster.");

    public static final ConfigOption<Integer> WEB_PORT = ConfigOptions.key("web-port")
            .intType().defaultValue(8081)
            .withDescription("Port of the Flink web UI with --local (bound to 127.0.0.1).");

    /** Stack traces of failures, bad configuration included (also {@code BALLAST_DEBUG=1}). */
    public static final ConfigOption<Boolean> DEBUG = ParsedArgs.DEBUG;

    /** Boolean options that may be given without a value. */
    public static final Set<String> FLAGS = Set.of(LOCAL.key(), DEBUG.key());

    /** Options the job cannot start without. */
    public static final Set<String> REQUIRED = Set.of(BallastOptions.BOOTSTRAP.key(), BallastOptions.REGISTRY.key());

    /** Every option the job's main understands. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(BallastOptions.ALL);
        all.addAll(PipelineOptions.ALL);
        all.add(LOCAL);
        all.add(WEB_PORT);
        all.add(DEBUG);
        return all;
    }

    /**
     * The job's {@code --help}: every option of {@link #all()}, in the sections of the operations guide.
     *
     * @param mainClass the job's main class, named in the text (it lives a layer up)
     */
    public static Help help(String mainClass) {
        Help help = Help.usage("flink run -d <jar> --bootstrap host:port --registry URL [--name value]...")
                .about("The Ballast job (" + mainClass + "): quotes and fills from Kafka in, inventory risk, "
                        + "vol skew and rebalance signals out. Options are given as --name value or --name=value; "
                        + "--local runs it in an embedded Flink cluster with its web UI (java -cp <jar and Flink> "
                        + mainClass + " --local ...). Every option: docs/operations.md.");
        String[] titles = {"Kafka and the registry", "Topics", "Delivery and checkpoints", "Sources and input",
                "Market, inventory and signals", "Default risk limits", "Parallelism, local runs and diagnostics"};
        java.util.Map<String, List<ConfigOption<?>>> sections = new java.util.LinkedHashMap<>();
        for (String title : titles) {
            sections.put(title, new ArrayList<>());
        }
        for (ConfigOption<?> o : all()) {
            sections.computeIfAbsent(section(o.key()), t -> new ArrayList<>()).add(o);
        }
        sections.forEach((title, options) -> options.forEach(o ->
                help.option(title, ParsedArgs.helpEntry(o, FLAGS.contains(o.key()), REQUIRED.contains(o.key())))));
        return help.note("Kafka client properties: --kafka.<property> value passes <property> to every Kafka client of "
                        + "the job (security.protocol, sasl.*, ssl.*, config.providers*, client tuning), e.g. "
                        + "--kafka.security.protocol SASL_SSL.")
                .note("The job logs its effective configuration at start, secrets masked. Bad configuration stops it "
                        + "with one line naming the option and the value; --debug (or " + CommandLine.DEBUG_ENV
                        + "=1) adds the stack trace.");
    }

    /** The help section of an option, by its name: the sections of docs/operations.md. */
    private static String section(String key) {
        String first = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        return switch (first) {
            case "bootstrap", "registry" -> "Kafka and the registry";
            case "topic" -> "Topics";
            case "delivery", "sink", "checkpoint", "network" -> "Delivery and checkpoints";
            case "source", "input" -> "Sources and input";
            case "market", "inventory", "signals" -> "Market, inventory and signals";
            case "defaults" -> "Default risk limits";
            default -> "Parallelism, local runs and diagnostics";
        };
    }
}
