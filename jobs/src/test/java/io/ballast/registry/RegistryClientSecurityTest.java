package io.ballast.registry;

import io.ballast.avro.Quote;
import io.ballast.config.ConfigException;
import io.ballast.job.BallastJob;
import io.ballast.tls.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry client over https (a trust store, mutual TLS with a key store) and with a bearer token
 * read from a file that changes, against an https server with certificates made by the test.
 */
class RegistryClientSecurityTest {

    private static final String PASSWORD = "store-pw-1";

    @TempDir
    static Path dir;
    private static TestCertificates ours;
    private static TestCertificates foreign;

    @BeforeAll
    static void certificates() {
        ours = TestCertificates.create(dir, "ours", PASSWORD);
        foreign = TestCertificates.create(dir, "foreign", PASSWORD);
    }

    private static RegistryConfig.Builder config(InMemoryConfluentRegistry registry) {
        return RegistryConfig.builder(registry.url()).retryBackoff(Duration.ofMillis(1)).maxRetryBackoff(Duration.ofMillis(4));
    }

    @Test
    void talksHttpsWithTheGivenTrustStore() throws Exception {
        try (InMemoryConfluentRegistry registry = new InMemoryConfluentRegistry(ours.serverContext(), false)) {
            assertThat(registry.url()).startsWith("https://");
            ConfluentRegistryClient client = new ConfluentRegistryClient(config(registry)
                    .trustStore(ours.trustStore().toString(), PASSWORD, "PKCS12").build());
            int id = client.register("quotes-value", Quote.getClassSchema());
            assertThat(new ConfluentRegistryClient(config(registry)
                    .trustStore(ours.trustStore().toString(), PASSWORD, null).build()).schemaById(id))
                    .isEqualTo(Quote.getClassSchema());
            client.checkAccess();
        }
    }

    @Test
    void anUntrustedCertificateFailsAtOnceWithoutRetries() throws Exception {
        try (InMemoryConfluentRegistry registry = new InMemoryConfluentRegistry(ours.serverContext(), false)) {
            ConfluentRegistryClient client = new ConfluentRegistryClient(config(registry).maxRetries(5)
                    .trustStore(foreign.trustStore().toString(), PASSWORD, "PKCS12").build());
            assertThatThrownBy(client::checkAccess)
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isTlsFailure()).isTrue())
                    .hasMessageContaining("TLS handshake with the registry at " + registry.url())
                    .hasMessageContaining("not trusted")
                    .hasMessageContaining("--registry.truststore.location");
            assertThat(client.httpCalls()).as("a TLS failure is not retried").isEqualTo(1);
            assertThat(registry.requests()).isZero();
            // The JVM's own trust store does not know the test CA either.
            ConfluentRegistryClient jvmTrust = new ConfluentRegistryClient(config(registry).maxRetries(0).build());
            assertThatThrownBy(jvmTrust::checkAccess)
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isTlsFailure()).isTrue());
        }
    }

    @Test
    void mutualTlsNeedsTheKeyStore() throws Exception {
        try (InMemoryConfluentRegistry registry = new InMemoryConfluentRegistry(ours.serverContext(), true)) {
            ConfluentRegistryClient withKey = new ConfluentRegistryClient(config(registry)
                    .trustStore(ours.trustStore().toString(), PASSWORD, "PKCS12")
                    .keyStore(ours.clientKeyStore().toString(), PASSWORD, "PKCS12").build());
            withKey.register("quotes-value", Quote.getClassSchema());
            assertThat(registry.requests()).isEqualTo(1);

            ConfluentRegistryClient withoutKey = new ConfluentRegistryClient(config(registry).maxRetries(1)
                    .trustStore(ours.trustStore().toString(), PASSWORD, "PKCS12").build());
            assertThatThrownBy(withoutKey::checkAccess).isInstanceOf(RegistryException.class);
            ConfluentRegistryClient foreignKey = new ConfluentRegistryClient(config(registry).maxRetries(1)
                    .trustStore(ours.trustStore().toString(), PASSWORD, "PKCS12")
                    .keyStore(foreign.clientKeyStore().toString(), PASSWORD, "PKCS12").build());
            assertThatThrownBy(foreignKey::checkAccess).isInstanceOf(RegistryException.class);
            assertThat(registry.requests()).as("no request got past the handshake without our client certificate")
                    .isEqualTo(1);
        }
    }

    @Test
    void aWrongKeyStorePasswordIsReportedWithoutThePassword() {
        assertThatThrownBy(() -> new ConfluentRegistryClient(RegistryConfig.builder("https://127.0.0.1:1")
                .keyStore(ours.clientKeyStore().toString(), "not-the-password", "PKCS12").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ours.clientKeyStore().toString())
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void theBearerTokenFileIsReadAgainWhenItChanges() throws Exception {
        Path token = dir.resolve("token-a");
        Files.writeString(token, "tok-1\n");
        try (InMemoryConfluentRegistry registry = new InMemoryConfluentRegistry()) {
            registry.requireAuthorization("Bearer tok-1");
            ConfluentRegistryClient client = new ConfluentRegistryClient(config(registry)
                    .bearerTokenFile(token.toString()).build());
            int id = client.register("quotes-value", Quote.getClassSchema());
            client.checkAccess();
            client.checkAccess();
            assertThat(client.tokenFileReads()).as("read once while unchanged").isEqualTo(1);

            // Rotated: a longer token, so that the size changes even where the clock is coarse.
            registry.requireAuthorization("Bearer tok-22");
            Files.writeString(token, "tok-22\n");
            client.checkAccess();
            assertThat(client.tokenFileReads()).isEqualTo(2);
            assertThat(registry.seenAuthorizations()).containsExactly("Bearer tok-1", "Bearer tok-1", "Bearer tok-1",
                    "Bearer tok-22");
            assertThat(client.schemaById(id)).isEqualTo(Quote.getClassSchema()); // from cache: no request
        }
    }

    @Test
    void aRefusedTokenIsReadAgainOnceEvenWhenTheFileLooksUnchanged() throws Exception {
        Path token = dir.resolve("token-b");
        Files.writeString(token, "aaaa");
        try (InMemoryConfluentRegistry registry = new InMemoryConfluentRegistry()) {
            registry.requireAuthorization("Bearer aaaa");
            ConfluentRegistryClient client = new ConfluentRegistryClient(config(registry)
                    .bearerTokenFile(token.toString()).build());
            client.checkAccess();
            // Same size, and the modification time put back: only a 401 can tell the token changed.
            var modified = Files.getLastModifiedTime(token);
            Path replacement = dir.resolve("token-b.new");
            Files.writeString(replacement, "bbbb");
            Files.setLastModifiedTime(replacement, modified);
            Files.move(replacement, token, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            registry.requireAuthorization("Bearer bbbb");
            client.checkAccess();
            assertThat(registry.seenAuthorizations()).containsExactly("Bearer aaaa", "Bearer aaaa", "Bearer bbbb");

            registry.requireAuthorization("Bearer cccc"); // a token the file does not have: refused, no loop
            assertThatThrownBy(client::checkAccess)
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isAuthFailure()).isTrue());
            assertThat(registry.seenAuthorizations()).as("read again once, the same token: not sent again").hasSize(4);
        }
    }

    @Test
    void theJobsStartCheckStopsOnTlsAndCredentialFailuresOnly() throws Exception {
        try (InMemoryConfluentRegistry registry = new InMemoryConfluentRegistry(ours.serverContext(), false)) {
            RegistryConfig untrusted = config(registry).trustStore(foreign.trustStore().toString(), PASSWORD, null).build();
            assertThatThrownBy(() -> BallastJob.checkRegistry(untrusted))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("certificate is not trusted");

            registry.requireAuthorization("Basic " + java.util.Base64.getEncoder().encodeToString(
                    "job:right".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            RegistryConfig wrong = config(registry).trustStore(ours.trustStore().toString(), PASSWORD, null)
                    .basicAuthUserInfo("job:wrong").build();
            assertThatThrownBy(() -> BallastJob.checkRegistry(wrong))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("refused the job's credentials (HTTP 401")
                    .hasMessageNotContaining("wrong");
            BallastJob.checkRegistry(config(registry).trustStore(ours.trustStore().toString(), PASSWORD, null)
                    .basicAuthUserInfo("job:right").build());
        }
        // Unreachable: a warning only (the TaskManagers may reach it where the client cannot).
        BallastJob.checkRegistry(RegistryConfig.builder("http://127.0.0.1:1").maxRetries(0).build());
    }

    @Test
    void credentialsAreExclusiveAndNeverPrinted() {
        assertThatThrownBy(() -> RegistryConfig.builder("http://x").bearerToken("t").bearerTokenFile("/f").build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> RegistryConfig.builder("http://x").basicAuthUserInfo("u:p").bearerTokenFile("/f").build())
                .hasMessageContaining("not both");
        RegistryConfig c = RegistryConfig.builder("https://x").bearerTokenFile("/run/secrets/token")
                .keyStore("/k.p12", "key-secret", null).trustStore("/t.p12", "trust-secret", null).build();
        assertThat(c.toString()).contains("/run/secrets/token").contains("/k.p12")
                .doesNotContain("key-secret").doesNotContain("trust-secret");
    }
}
