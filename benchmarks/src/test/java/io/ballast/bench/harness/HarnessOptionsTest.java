package io.ballast.bench.harness;

import io.ballast.config.ParsedArgs;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness's --help and its bad values, through the entry point its main uses (main itself exits). */
class HarnessOptionsTest {

    private record Run(HarnessOptions.Result result, String out, List<String> err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        HarnessOptions.Result result = HarnessOptions.commandLine(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get);
        return new Run(result, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static String expectedDefault(ConfigOption<?> o) {
        Object d = o.defaultValue();
        String text = d instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : String.valueOf(d);
        return text.isEmpty() ? "\"\"" : text;
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndDescription() {
        for (String flag : List.of("--help", "-h")) {
            Run help = run(flag);
            assertThat(help.result().status()).isZero();
            assertThat(help.result().options()).isNull();
            assertThat(help.err()).isEmpty();
            assertThat(help.out()).startsWith("usage: " + Harness.COMMAND).doesNotContain("Description@");
            List<String> lines = help.out().lines().toList();
            String flat = help.out().replaceAll("\\s+", " ");
            for (ConfigOption<?> o : HarnessOptions.ALL) {
                assertThat(lines).as("--%s", o.key()).filteredOn(l -> l.startsWith("  --" + o.key() + " "))
                        .singleElement().asString().endsWith("default: " + expectedDefault(o));
                assertThat(flat).contains(ParsedArgs.describe(o).replaceAll("\\s+", " "));
            }
        }
    }

    @Test
    void aBadValueIsOneLineNamingTheOptionAndTheValueWithStatusTwo() {
        Run bad = run("--events", "lots");
        assertThat(bad.result().status()).isEqualTo(2);
        assertThat(bad.result().options()).isNull();
        assertThat(bad.err()).singleElement().asString().startsWith("harness: Invalid value 'lots' for option --events");
        assertThat(run("--phases", "throughput,warp").err()).singleElement().asString()
                .contains("--phases").contains("throughput,warp");
        assertThat(run("--job", "checkpoint.interval").err()).singleElement().asString().contains("--job");
        assertThat(run("--speed", "2").err()).singleElement().asString().startsWith("harness: Unknown option --speed");
        Run debug = run("--events", "lots", "--debug");
        assertThat(debug.err().get(0)).isEqualTo(bad.err().get(0));
        assertThat(debug.err()).anySatisfy(l -> assertThat(l).startsWith("\tat "));
    }

    @Test
    void theValuesTheHarnessReadsAsText() {
        Map<String, String> defaults = run().result().options();
        assertThat(defaults).containsEntry("events", "300000").containsEntry("checkpoint-interval", "10 s")
                .containsEntry("checkpoint-refresh-interval", "250 ms").containsEntry("latency-jvm", "same")
                .containsEntry("out", "").containsEntry("job", "").doesNotContainKey("debug");
        Map<String, String> given = run("--rate", "500", "--latency-jvm", "-Xms2g -Xmx2g", "--job",
                "checkpoint.interval=5 s").result().options();
        assertThat(Double.parseDouble(given.get("rate"))).isEqualTo(500.0);
        assertThat(given).containsEntry("latency-jvm", "-Xms2g -Xmx2g").containsEntry("job", "checkpoint.interval=5 s");
    }
}
