package io.ballast.job;

import io.ballast.config.BallastOptions;
import io.ballast.config.JobOptions;
import io.ballast.config.Secrets;
import org.apache.flink.configuration.ConfigOption;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job logs its effective configuration once at start: every option with its value, defaults marked,
 * the Kafka client properties, and no secret, whether given as a literal or through a reference.
 */
class EffectiveConfigurationTest {

    private static final String USER_INFO = "ballast:user-info-secret-7f3a";
    private static final String TOKEN = "bearer-token-secret-91bc";
    private static final String TRUSTSTORE_PASSWORD = "truststore-secret-e4d2";
    private static final String FILE_TOKEN = "file-token-secret-55aa";
    private static final String JAAS_PASSWORD = "jaas-secret-0c19";
    private static final String KEY_PASSWORD = "ssl-key-secret-2b77";
    private static final String KEYSTORE_PASSWORD = "keystore-secret-8e01";
    private static final String OAUTH_SECRET = "oauth-client-secret-6d43";
    private static final String PEM_KEY = "-----BEGIN PRIVATE KEY-----pem-secret-3c9d";
    private static final String URL_PASSWORD = "url-password-secret-a1b2";

    @Test
    void everyOptionIsLoggedOnceWithItsValueAndNoSecretAppears(@TempDir Path dir) throws Exception {
        Path trustStore = Files.writeString(dir.resolve("trust.p12"), "not really a trust store");
        Path tokenFile = Files.writeString(dir.resolve("token"), FILE_TOKEN + "\n");
        List<String> args = List.of(
                "--bootstrap", "kafka-1:9092,kafka-2:9092",
                "--registry", "https://ballast:" + URL_PASSWORD + "@registry:8081",
                "--registry.basic-auth.user-info", "${env:REGISTRY_USER_INFO}",
                "--registry.truststore.location", trustStore.toString(),
                "--registry.truststore.password", TRUSTSTORE_PASSWORD,
                "--checkpoint.interval", "30 s",
                "--kafka.security.protocol", "SASL_SSL",
                "--kafka.sasl.mechanism", "SCRAM-SHA-512",
                "--kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"ballast\" password=\"" + JAAS_PASSWORD + "\";",
                "--kafka.ssl.key.password", KEY_PASSWORD,
                "--kafka.ssl.keystore.password", KEYSTORE_PASSWORD,
                "--kafka.ssl.keystore.key", PEM_KEY,
                "--kafka.sasl.oauthbearer.client.credentials.client.secret", OAUTH_SECRET,
                "--kafka.ssl.truststore.password", "${env:BALLAST_KAFKA_TRUSTSTORE_PASSWORD}",
                "--kafka.key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer",
                "--kafka.ssl.keystore.location", "/etc/ballast/keystore.p12");
        Map<String, String> env = Map.of("REGISTRY_USER_INFO", USER_INFO);

        List<String> logged = captured(() -> BallastJob.configure(args, env::get));
        assertThat(logged).as("logged once").hasSize(1);
        String text = logged.get(0);
        System.out.println(text);

        assertThat(text).doesNotContain(USER_INFO).doesNotContain("user-info-secret")
                .doesNotContain(TRUSTSTORE_PASSWORD).doesNotContain(JAAS_PASSWORD).doesNotContain(KEY_PASSWORD)
                .doesNotContain(KEYSTORE_PASSWORD).doesNotContain(OAUTH_SECRET).doesNotContain("pem-secret")
                .doesNotContain(URL_PASSWORD).doesNotContain("secret-");
        List<String> lines = text.lines().toList();
        for (ConfigOption<?> o : JobOptions.all()) {
            assertThat(lines).as("--%s", o.key()).filteredOn(l -> l.startsWith("  --" + o.key() + " ")).hasSize(1);
        }
        assertThat(lines).contains(
                "  --bootstrap kafka-1:9092,kafka-2:9092",
                "  --registry https://" + Secrets.MASK + "@registry:8081",
                "  --registry.basic-auth.user-info " + Secrets.MASK,
                "  --registry.truststore.password " + Secrets.MASK,
                "  --registry.bearer-token (none) (default)",
                "  --checkpoint.interval 30 s",
                "  --sink.transaction-timeout 10 min (default)",
                "  --market.rates \"\" (default)",
                "  --kafka.security.protocol SASL_SSL",
                "  --kafka.sasl.jaas.config " + Secrets.MASK,
                "  --kafka.ssl.key.password " + Secrets.MASK,
                "  --kafka.ssl.keystore.key " + Secrets.MASK,
                "  --kafka.ssl.truststore.password ${env:BALLAST_KAFKA_TRUSTSTORE_PASSWORD}",
                "  --kafka.key.serializer org.apache.kafka.common.serialization.ByteArraySerializer",
                "  --kafka.ssl.keystore.location /etc/ballast/keystore.p12");

        // A token read from a file (the other reference) is masked as well.
        String fromFile = captured(() -> BallastJob.configure(List.of("--bootstrap", "k:1", "--registry", "http://r",
                "--registry.bearer-token", "${file:" + tokenFile + "}"), env::get)).get(0);
        assertThat(fromFile).doesNotContain(FILE_TOKEN).contains("  --registry.bearer-token " + Secrets.MASK);
        assertThat(BallastOptions.REGISTRY_BEARER_TOKEN.key()).isEqualTo("registry.bearer-token");
    }

    /** The messages BallastJob logs while {@code body} runs. */
    private static List<String> captured(Runnable body) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        List<String> messages = new ArrayList<>();
        AbstractAppender appender = new AbstractAppender("effective-configuration-test", null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLoggerName().equals(BallastJob.class.getName())) {
                    messages.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        LoggerConfig config = context.getConfiguration().getLoggerConfig(BallastJob.class.getName());
        config.addAppender(appender, Level.ALL, null);
        context.updateLoggers();
        try {
            body.run();
        } finally {
            config.removeAppender(appender.getName());
            context.updateLoggers();
            appender.stop();
        }
        return messages;
    }
}
