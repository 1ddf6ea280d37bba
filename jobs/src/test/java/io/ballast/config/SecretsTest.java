package io.ballast.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The masking rule of {@link Secrets}, on the names Kafka and Ballast actually use. */
class SecretsTest {

    @Test
    void secretNames() {
        List<String> secrets = List.of(
                "sasl.jaas.config", "SASL.JAAS.CONFIG", "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password", "ssl.keystore.key",
                "sasl.oauthbearer.client.credentials.client.secret", "sasl.login.token", "basic.auth.user.info",
                "schema.registry.basic.auth.user.info", "bearer.auth.token", "api.key", "apikey", "cloud.api_key",
                "private.key.passphrase", "sasl.oauthbearer.assertion.private.key.passphrase", "db.passwd",
                "registry.basic-auth.user-info", "registry.bearer-token", "registry.truststore.password",
                "registry.keystore.password", "registry.keystore.key");
        assertThat(secrets).allSatisfy(name -> assertThat(Secrets.isSecret(name)).as(name).isTrue());
    }

    @Test
    void namesThatOnlyLookSecret() {
        List<String> plain = List.of(
                "key.serializer", "key.deserializer", "value.serializer", "key.converter",
                "ssl.keystore.location", "ssl.keystore.type", "ssl.truststore.location", "ssl.truststore.type",
                "ssl.keymanager.algorithm", "ssl.keystore.certificate.chain", "ssl.truststore.certificates",
                "partitioner.ignore.keys", "security.protocol", "sasl.mechanism", "bootstrap.servers", "linger.ms",
                "client.id", "config.providers", "config.providers.env.class", "max.request.size",
                "sasl.kerberos.service.name", "key", "keys.per.batch",
                "registry", "registry.truststore.location", "registry.truststore.type", "bootstrap", "checkpoint.dir",
                "registry.keystore.location", "registry.keystore.type", "registry.bearer-token-file");
        assertThat(plain).allSatisfy(name -> assertThat(Secrets.isSecret(name)).as(name).isFalse());
    }

    @Test
    void valuesShownMaskedButReferencesAndPlainValuesAsTheyAre() {
        assertThat(Secrets.shown("ssl.key.password", "hunter2")).isEqualTo(Secrets.MASK);
        assertThat(Secrets.shown("sasl.jaas.config", "${env:BALLAST_KAFKA_SASL_JAAS_CONFIG}"))
                .isEqualTo("${env:BALLAST_KAFKA_SASL_JAAS_CONFIG}");
        assertThat(Secrets.shown("sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"${env:P}\";"))
                .isEqualTo(Secrets.MASK);
        assertThat(Secrets.shown("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"))
                .isEqualTo("org.apache.kafka.common.serialization.ByteArraySerializer");
        assertThat(Secrets.shown("registry", "https://ballast:s3cret@registry:8081/apis"))
                .isEqualTo("https://" + Secrets.MASK + "@registry:8081/apis");
        assertThat(Secrets.shown("ssl.truststore.password", null)).isEqualTo("(none)");
    }
}
