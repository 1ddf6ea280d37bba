package io.ballast.job;

import io.ballast.config.BallastConfig;
import io.ballast.config.ConfigException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
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

    @Test
    void setsTheBufferTimeoutAndUnalignedCheckpointsFromItsOptions() {
        Configuration defaults = BallastJob.flinkConfiguration(BallastConfig.fromArgs("--bootstrap", "h:1", "--registry", "http://r"));
        assertThat(defaults.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(5));
        assertThat(defaults.get(ExecutionOptions.BUFFER_TIMEOUT_ENABLED)).isTrue();
        assertThat(defaults.get(CheckpointingOptions.ENABLE_UNALIGNED)).isTrue();
        assertThat(defaults.get(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT)).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.get(CheckpointingOptions.ENABLE_UNALIGNED_INTERRUPTIBLE_TIMERS)).isTrue();

        Configuration set = BallastJob.flinkConfiguration(BallastConfig.fromArgs("--bootstrap", "h:1", "--registry", "http://r",
                "--network.buffer-timeout", "0 ms", "--checkpoint.unaligned", "false"));
        assertThat(set.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ZERO);
        assertThat(set.get(CheckpointingOptions.ENABLE_UNALIGNED)).isFalse();
    }
}
