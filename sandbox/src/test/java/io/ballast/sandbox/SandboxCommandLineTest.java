package io.ballast.sandbox;

import io.ballast.config.CommandLine;
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

/** The sandbox's --help and its bad values, through the entry point its main uses (main itself exits). */
class SandboxCommandLineTest {

    private record Run(SandboxOptions.CommandLineResult result, String out, List<String> err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SandboxOptions.CommandLineResult result = SandboxOptions.commandLine(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.<String, String>of()::get);
        return new Run(result, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static String expectedDefault(ConfigOption<?> o) {
        if (!o.hasDefaultValue()) {
            return "(none)";
        }
        Object d = o.defaultValue();
        String text = d instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : String.valueOf(d);
        return text.isEmpty() ? "\"\"" : text;
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndDescription() {
        for (String flag : List.of("--help", "-h")) {
            Run help = run("--seed", "1", flag, "--", "--delivery.guarantee", "exactly-once");
            assertThat(help.result().status()).isZero();
            assertThat(help.result().settings()).isNull();
            assertThat(help.err()).isEmpty();
            assertThat(help.out()).startsWith("usage: java -jar sandbox/target/ballast-sandbox.jar")
                    .doesNotContain("Description@");
            List<String> lines = help.out().lines().toList();
            String flat = help.out().replaceAll("\\s+", " ");
            for (ConfigOption<?> o : SandboxOptions.ALL) {
                assertThat(lines).as("--%s", o.key()).filteredOn(l -> l.startsWith("  --" + o.key() + " "))
                        .singleElement().asString().endsWith("default: " + expectedDefault(o));
                assertThat(flat).contains(ParsedArgs.describe(o).replaceAll("\\s+", " "));
            }
        }
        // After --, --help belongs to the job: the sandbox runs.
        assertThat(run("--", "--help").err()).singleElement().asString().startsWith("sandbox: Job options after --");
    }

    @Test
    void aBadValueIsOneLineNamingTheOptionAndTheValueWithStatusTwo() {
        Run bad = run("--providers", "many");
        assertThat(bad.result().status()).isEqualTo(CommandLine.BAD_CONFIGURATION).isNotZero();
        assertThat(bad.result().settings()).isNull();
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).singleElement().asString().startsWith("sandbox: Invalid value 'many' for option --providers");

        Run range = run("--web-port", "70000");
        assertThat(range.err()).singleElement().asString().contains("--web-port").contains("70000");

        Run job = run("--", "--checkpoint.interval", "soon");
        assertThat(job.result().status()).isNotZero();
        assertThat(job.err()).singleElement().asString().startsWith("sandbox: Job options after --: ")
                .contains("--checkpoint.interval").contains("'soon'");

        Run debug = run("--providers", "many", "--debug");
        assertThat(debug.err().get(0)).isEqualTo(bad.err().get(0));
        assertThat(debug.err()).anySatisfy(l -> assertThat(l).startsWith("\tat "));
    }

    @Test
    void goodOptionsRun() {
        Run ok = run("--duration", "60", "--debug", "--", "--delivery.guarantee", "exactly-once");
        assertThat(ok.result().status()).isZero();
        assertThat(ok.result().debug()).isTrue();
        assertThat(ok.result().settings().duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ok.err()).isEmpty();
    }
}
