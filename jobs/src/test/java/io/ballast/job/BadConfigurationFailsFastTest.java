package io.ballast.job;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job started as a plain Java program with a bad pipeline option and an unreachable broker: it ends
 * before any network call (the broker check alone would wait 30 s), with one line on stderr naming the
 * option and the value, no stack trace, and a non-zero status.
 */
class BadConfigurationFailsFastTest {

    @Test
    void aNegativeSnapshotIntervalFailsBeforeTheBrokerIsContacted() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                BallastJob.class.getName(), "--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1",
                "--market.snapshot-interval", "-5 ms")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        long started = System.nanoTime();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        long millis = (System.nanoTime() - started) / 1_000_000;
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank()).toList();
        System.out.printf("bad configuration: exit %d after %d ms (JVM start included); stderr %s%n", p.exitValue(), millis, err);
        assertThat(p.exitValue()).isNotZero();
        assertThat(err).singleElement().asString()
                .startsWith("ballast: ")
                .contains("--market.snapshot-interval")
                .contains("-5 ms");
        assertThat(out).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(millis).as("ended before the broker check's 30 s timeout could have passed").isLessThan(20_000);
    }
}
