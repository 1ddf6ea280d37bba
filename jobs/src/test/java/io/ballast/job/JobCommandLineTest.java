package io.ballast.job;

import io.ballast.config.ConfigException;
import io.ballast.config.JobOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job's command line as a person meets it: --help ends with status 0, a bad value gives one line on
 * stderr (in process: main throws, never exits), and --debug adds the stack trace.
 */
class JobCommandLineTest {

    @Test
    void aBadValueInProcessPrintsOneLineAndMainThrowsWithoutExiting() {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> BallastJob.main(new String[] {"--bootstrap", "127.0.0.1:9", "--registry",
                    "http://127.0.0.1:9", "--sink.linger", "5 fortnights"}))
                    .isInstanceOf(ConfigException.class);
        } finally {
            System.setErr(original);
        }
        List<String> err = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(err).singleElement().asString().startsWith("ballast: ").contains("--sink.linger")
                .contains("'5 fortnights'");
    }

    @Test
    void aMissingRequiredOptionAndAnUnknownOneAreOneLineEach() {
        for (String[] args : List.of(new String[] {"--registry", "http://r"},
                new String[] {"--bootstrap", "h:1", "--registry", "http://r", "--no-such-option", "1"})) {
            PrintStream original = System.err;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                assertThatThrownBy(() -> BallastJob.main(args)).isInstanceOf(ConfigException.class);
            } finally {
                System.setErr(original);
            }
            assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                    .startsWith("ballast: ").containsAnyOf("--bootstrap is required", "Unknown option --no-such-option");
        }
    }

    @Test
    void helpInItsOwnJvmExitsWithStatusZero() throws Exception {
        Run run = java("--help");
        assertThat(run.status).isZero();
        assertThat(run.err).isEmpty();
        assertThat(run.out.get(0)).startsWith("usage: ");
        JobOptions.all().forEach(o -> assertThat(String.join("\n", run.out)).contains("--" + o.key()));
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        Run run = java("--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1", "--checkpoint.interval", "soon",
                "--debug");
        assertThat(run.status).isNotZero();
        assertThat(run.err.get(0)).startsWith("ballast: ").contains("--checkpoint.interval").contains("'soon'");
        assertThat(run.err).anySatisfy(l -> assertThat(l).contains("ConfigException"))
                .anySatisfy(l -> assertThat(l).startsWith("\tat "));
    }

    private record Run(int status, List<String> out, List<String> err) {
    }

    private static Run java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BallastJob.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().remove("BALLAST_DEBUG");
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        List<String> err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank()).toList();
        return new Run(p.exitValue(), out, err);
    }
}
