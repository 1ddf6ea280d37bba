package io.ballast.kafka;

import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerPropertiesTest {

    private static BallastConfig config(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--bootstrap";
        args[1] = "h:1";
        args[2] = "--registry";
        args[3] = "http://r";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return BallastConfig.fromArgs(args);
    }

    @Test
    void defaultsAreIdempotentAllAcksAndTheSinksLinger() {
        BallastConfig c = config();
        Properties signals = KafkaIo.producerProperties(c.kafka(), c.sinks(), c.get(BallastOptions.LINGER));
        assertThat(signals.getProperty("enable.idempotence")).isEqualTo("true");
        assertThat(signals.getProperty("acks")).isEqualTo("all");
        assertThat(signals.getProperty("linger.ms")).isEqualTo("5");
        assertThat(signals.getProperty("transaction.timeout.ms")).isEqualTo("600000");
        assertThat(KafkaIo.producerProperties(c.kafka(), c.sinks(), c.get(BallastOptions.BULK_LINGER)).getProperty("linger.ms")).isEqualTo("50");
    }

    @Test
    void theLingerOptionsAndKafkaOptionsOverrideTheDefaults() {
        BallastConfig c = config("--sink.linger", "1 ms", "--sink.bulk-linger", "200 ms", "--sink.transaction-timeout", "60 s");
        assertThat(KafkaIo.producerProperties(c.kafka(), c.sinks(), c.get(BallastOptions.LINGER)).getProperty("linger.ms")).isEqualTo("1");
        assertThat(KafkaIo.producerProperties(c.kafka(), c.sinks(), c.get(BallastOptions.BULK_LINGER)).getProperty("linger.ms")).isEqualTo("200");
        assertThat(KafkaIo.producerProperties(c.kafka(), c.sinks(), Duration.ZERO).getProperty("transaction.timeout.ms")).isEqualTo("60000");
        // A Kafka property given explicitly goes to every producer as it is.
        BallastConfig k = config("--kafka.linger.ms", "0");
        assertThat(KafkaIo.producerProperties(k.kafka(), k.sinks(), k.get(BallastOptions.BULK_LINGER)).getProperty("linger.ms")).isEqualTo("0");
    }

    @Test
    void aLingerOverAMinuteFailsAtStartNamingIt() {
        assertThatThrownBy(() -> config("--sink.bulk-linger", "5 min"))
                .hasMessageContaining("--sink.bulk-linger").hasMessageContaining("300000 ms").hasMessageContaining("1 min");
    }
}
