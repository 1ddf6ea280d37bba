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

    /** Boolean options that may be given without a value. */
    public static final Set<String> FLAGS = Set.of(LOCAL.key());

    /** Every option the job's main understands. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(BallastOptions.ALL);
        all.addAll(PipelineOptions.ALL);
        all.add(LOCAL);
        all.add(WEB_PORT);
        return all;
    }
}
