package io.ballast.job;

import io.ballast.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BallastJobTest {

    /** Run inside a session cluster's JobManager, main must not exit the JVM on bad configuration. */
    @Test
    void badConfigurationEndsMainWithAnExceptionNotAnExit() {
        assertThatThrownBy(() -> BallastJob.main(new String[] {
                "--bootstrap", "127.0.0.1:9", "--registry", "http://127.0.0.1:9", "--checkpoint.interval", "soon"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'soon'").hasMessageContaining("--checkpoint.interval");
    }
}
