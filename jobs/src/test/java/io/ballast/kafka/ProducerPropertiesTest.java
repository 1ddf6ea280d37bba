package io.ballast.kafka;

import io.ballast.config.BallastConfig;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerPropertiesTest {

    private static Properties of(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--bootstrap";
        args[1] = "h:1";
        args[2] = "--registry";
        args[3] = "http://r";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return KafkaIo.producerProperties(BallastConfig.fromArgs(args));
    }

    @Test
    void defaultsAreIdempotentAllAcksAndAFiveMillisecondLinger() {
        Properties p = of();
        assertThat(p.getProperty("enable.idempotence")).isEqualTo("true");
        assertThat(p.getProperty("acks")).isEqualTo("all");
        assertThat(p.getProperty("linger.ms")).isEqualTo("5");
        assertThat(p.getProperty("transaction.timeout.ms")).isEqualTo("600000");
    }

    @Test
    void kafkaOptionsOverrideTheDefaults() {
        Properties p = of("--kafka.linger.ms", "0", "--sink.transaction-timeout", "60 s");
        assertThat(p.getProperty("linger.ms")).isEqualTo("0");
        assertThat(p.getProperty("transaction.timeout.ms")).isEqualTo("60000");
    }
}
