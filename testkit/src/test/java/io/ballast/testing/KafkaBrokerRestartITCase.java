package io.ballast.testing;

import io.ballast.testkit.KafkaBrokerExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A broker of its own, stopped and started again: what fault tests build on. */
class KafkaBrokerRestartITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.builder()
            .brokerProperty("transaction.max.timeout.ms", 600_000)
            // A restarted broker may register again only once its old session has expired.
            .brokerProperty("broker.session.timeout.ms", 2_000)
            .brokerProperty("broker.heartbeat.interval.ms", 500)
            .build();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void brokerComesBackOnTheSameAddressWithItsData() throws Exception {
        assertThat(KAFKA).isNotSameAs(KafkaBrokerExtension.shared());
        String topic = KafkaBrokerExtension.uniqueName("restart");
        KAFKA.createTopics(topic);
        KAFKA.send(topic, bytes("a"), bytes("before"));
        String address = KAFKA.bootstrapServers();

        KAFKA.stopBroker();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

        KAFKA.startBroker();
        assertThat(KAFKA.bootstrapServers()).isEqualTo(address);
        KAFKA.send(topic, bytes("b"), bytes("after"));

        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.consume(topic, 2, TIMEOUT);
        assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("before", "after");
    }

    @Test
    void configuredBrokerPropertiesApply() throws Exception {
        var broker = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.BROKER, "0");
        var config = KAFKA.adminClient().describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
        assertThat(config.get("transaction.max.timeout.ms").value()).isEqualTo("600000");
    }

    @Test
    void closesWhileItsBrokerIsStopped() {
        KafkaBrokerExtension broker = KafkaBrokerExtension.builder().build();
        broker.start();
        broker.stopBroker();
        assertTimeoutPreemptively(Duration.ofSeconds(60), broker::close);
        assertThatThrownBy(broker::bootstrapServers).hasMessageContaining("closed");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
