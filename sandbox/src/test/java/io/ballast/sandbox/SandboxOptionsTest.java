package io.ballast.sandbox;

import io.ballast.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SandboxOptionsTest {

    @Test
    void defaults() {
        SandboxOptions.Settings s = SandboxOptions.parse();
        assertThat(s.duration()).isZero();
        assertThat(s.providers()).isEqualTo(3);
        assertThat(s.rate()).isEqualTo(10.0);
        assertThat(s.seed()).isEqualTo(42L);
        assertThat(s.simulator()).isTrue();
        assertThat(s.kafkaPort()).isEqualTo(9092);
        assertThat(s.webPort()).isEqualTo(8081);
        assertThat(s.jobOverrides()).isEmpty();
    }

    @Test
    void flagsAndValues() {
        SandboxOptions.Settings s = SandboxOptions.parse("--duration", "60", "--providers", "5", "--rate", "2.5",
                "--seed", "7", "--no-simulator", "--kafka-port", "0", "--registry-port=0", "--web-port", "0");
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.providers()).isEqualTo(5);
        assertThat(s.rate()).isEqualTo(2.5);
        assertThat(s.seed()).isEqualTo(7L);
        assertThat(s.simulator()).isFalse();
        assertThat(s.kafkaPort()).isZero();
        assertThat(s.registryPort()).isZero();
    }

    @Test
    void durations() {
        assertThat(SandboxOptions.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SandboxOptions.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SandboxOptions.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SandboxOptions.duration("2 min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SandboxOptions.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(SandboxOptions.duration("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> SandboxOptions.parse("--duration", "soon"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--duration").hasMessageContaining("'soon'");
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> SandboxOptions.parse("--providers", "0")).hasMessageContaining("--providers");
        assertThatThrownBy(() -> SandboxOptions.parse("--rate", "-1")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> SandboxOptions.parse("--web-port", "70000")).hasMessageContaining("--web-port");
        assertThatThrownBy(() -> SandboxOptions.parse("--speed", "2")).hasMessageContaining("Unknown option --speed");
        assertThatThrownBy(() -> SandboxOptions.parse("--kafka.acks", "1")).hasMessageContaining("after --");
    }

    @Test
    void jobOptionsAfterTheSeparator() {
        SandboxOptions.Settings s = SandboxOptions.parse("--seed", "1", "--", "--delivery.guarantee", "exactly-once",
                "--checkpoint.interval=5 s");
        assertThat(s.jobOverrides()).isEqualTo(Map.of("delivery.guarantee", "exactly-once", "checkpoint.interval", "5 s"));
        assertThatThrownBy(() -> SandboxOptions.parse("--", "--bootstrap", "x:1")).hasMessageContaining("set by the sandbox");
    }
}
