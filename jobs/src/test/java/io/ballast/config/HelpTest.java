package io.ballast.config;

import io.ballast.job.BallastJob;
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

/** The job's --help names every option of {@link JobOptions#all()} with its default and its description. */
class HelpTest {

    /** The default as help must show it, rendered here from the option itself. */
    static String expectedDefault(ConfigOption<?> o, boolean required) {
        if (!o.hasDefaultValue()) {
            return required ? "(required)" : "(none)";
        }
        Object d = o.defaultValue();
        String text = d instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : String.valueOf(d);
        return text.isEmpty() ? "\"\"" : text;
    }

    /** Every option has one header line with its default, and its description (wrapped) follows. */
    static void assertListsEveryOption(String help, List<ConfigOption<?>> options, java.util.Set<String> required) {
        List<String> lines = help.lines().toList();
        String flat = help.replaceAll("\\s+", " ");
        assertThat(help).doesNotContain("Description@").doesNotContain("<p>").doesNotContain("&lt;");
        for (ConfigOption<?> o : options) {
            List<String> headers = lines.stream()
                    .filter(l -> l.equals("  --" + o.key()) || l.startsWith("  --" + o.key() + " ")).toList();
            assertThat(headers).as("the header line of --%s", o.key()).hasSize(1);
            assertThat(headers.get(0)).as("--%s", o.key())
                    .endsWith("default: " + expectedDefault(o, required.contains(o.key())));
            assertThat(flat).as("the description of --%s", o.key())
                    .contains(ParsedArgs.describe(o).replaceAll("\\s+", " ").trim());
        }
    }

    @Test
    void theJobsHelpListsEveryOptionWithItsDefaultAndDescriptionAndEndsMainNormally() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            String help = capturedStdout(() -> BallastJob.main(new String[] {flag}));
            assertThat(help).startsWith("usage: flink run -d <jar> --bootstrap");
            assertListsEveryOption(help, JobOptions.all(), JobOptions.REQUIRED);
            assertThat(help).contains("--kafka.<property>").contains(CommandLine.DEBUG_ENV);
            assertThat(help).contains("\nKafka and the registry:\n").contains("\nTopics:\n")
                    .contains("\nDefault risk limits:\n");
            assertThat(help.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Help.WIDTH));
        }
        // --help wins over everything else, bad options included.
        assertThat(capturedStdout(() -> BallastJob.main(new String[] {"--checkpoint.interval", "soon", "--help"})))
                .startsWith("usage:");
    }

    @Test
    void sectionsFollowTheOperationsGuideAndLoseNothing() {
        Help help = JobOptions.help(BallastJob.class.getName());
        assertThat(help.entries()).extracting(Help.Entry::key)
                .containsExactlyInAnyOrderElementsOf(JobOptions.all().stream().map(ConfigOption::key).toList());
    }

    @Test
    void wrapsLongDescriptionsAndKeepsLongWordsWhole() {
        String text = Help.usage("x").option("S", new Help.Entry("a-rather-long-option-name-for-the-column", "<text>",
                "d", "word ".repeat(60) + "x".repeat(120))).format();
        assertThat(text).contains("  --a-rather-long-option-name-for-the-column <text>  default: d\n");
        assertThat(text.lines().filter(l -> l.startsWith("      word"))).hasSizeGreaterThan(2)
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Help.WIDTH));
        assertThat(text).contains("\n      " + "x".repeat(120) + "\n");
    }

    @Test
    void helpAndDebugAreFoundBeforeTheSeparatorOnly() {
        assertThat(CommandLine.helpAsked(List.of("--rate", "1", "-h"))).isTrue();
        assertThat(CommandLine.helpAsked(List.of("--", "--help"))).isFalse();
        Map<String, String> none = Map.of();
        assertThat(CommandLine.debug(List.of("--debug"), none::get)).isTrue();
        assertThat(CommandLine.debug(List.of("--debug", "false"), none::get)).isFalse();
        assertThat(CommandLine.debug(List.of("--debug=true"), none::get)).isTrue();
        assertThat(CommandLine.debug(List.of("--", "--debug"), none::get)).isFalse();
        assertThat(CommandLine.debug(List.of(), Map.of(CommandLine.DEBUG_ENV, "1")::get)).isTrue();
        assertThat(CommandLine.debug(List.of(), Map.of(CommandLine.DEBUG_ENV, "0")::get)).isFalse();
    }

    @Test
    void aFailureIsReportedOnOneLineAndWithItsStackTraceOnlyWhenDebugging() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConfigException e = new ConfigException("Invalid value 'x'\nfor option --y", new RuntimeException("cause"));
        CommandLine.report("prog", e, false, err);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("prog: Invalid value 'x' for option --y"
                + System.lineSeparator());
        bytes.reset();
        CommandLine.report("prog", e, true, err);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("prog: Invalid value 'x' for option --y")
                .contains("\tat ").contains("Caused by: java.lang.RuntimeException: cause");
    }

    interface Body {
        void run() throws Exception;
    }

    static String capturedStdout(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
