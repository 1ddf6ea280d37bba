package io.ballast.registry;

import io.ballast.avro.Quote;
import io.ballast.avro.Trade;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfluentRegistryClientTest {

    private InMemoryConfluentRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new InMemoryConfluentRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RegistryConfig.Builder config() {
        return RegistryConfig.builder(registry.url()).retryBackoff(Duration.ofMillis(1)).maxRetryBackoff(Duration.ofMillis(4));
    }

    @Test
    void registersAndFetchesBackTheSameSchema() throws Exception {
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().build());
        int id = client.register("quotes-value", Quote.getClassSchema());
        ConfluentRegistryClient other = new ConfluentRegistryClient(config().build());
        assertThat(other.schemaById(id)).isEqualTo(Quote.getClassSchema());
    }

    @Test
    void answersFromCacheAfterTheFirstRequest() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().build());
        Schema first = client.schemaById(id);
        for (int i = 0; i < 1000; i++) {
            assertThat(client.schemaById(id)).isSameAs(first);
            assertThat(client.idFor("quotes-value", Quote.getClassSchema())).isEqualTo(id);
        }
        // one fetch by id, one registration
        assertThat(registry.requests()).isEqualTo(2);
        assertThat(client.httpCalls()).isEqualTo(2);
    }

    @Test
    void remembersUnknownIdsForAWhile() throws Exception {
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().build());
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> client.schemaById(424242))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.isNotFound()).isTrue();
                        assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
                    });
        }
        assertThat(registry.requests()).isEqualTo(1);
    }

    @Test
    void retriesServerErrorsWithBackoff() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        registry.failNext(3, 503);
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().maxRetries(3).build());
        assertThat(client.schemaById(id)).isEqualTo(Quote.getClassSchema());
        assertThat(registry.requests()).isEqualTo(4);
    }

    @Test
    void givesUpAfterTheConfiguredRetries() {
        registry.failNext(10, 500);
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().maxRetries(2).build());
        assertThatThrownBy(() -> client.schemaById(7))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Gave up after 3 attempts")
                .hasMessageContaining("HTTP 500");
        assertThat(registry.requests()).isEqualTo(3);
    }

    @Test
    void retriesConnectionFailures() throws Exception {
        String deadUrl;
        try (InMemoryConfluentRegistry dead = new InMemoryConfluentRegistry()) {
            deadUrl = dead.url();
        }
        ConfluentRegistryClient client = new ConfluentRegistryClient(RegistryConfig.builder(deadUrl)
                .maxRetries(2).retryBackoff(Duration.ofMillis(1)).maxRetryBackoff(Duration.ofMillis(2)).build());
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Gave up after 3 attempts")
                .hasMessageContaining(deadUrl);
        assertThat(client.httpCalls()).isEqualTo(3);
    }

    @Test
    void doesNotRetryClientErrors() {
        registry.failNext(1, 422);
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().maxRetries(5).build());
        assertThatThrownBy(() -> client.register("quotes-value", Quote.getClassSchema()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(422));
        assertThat(registry.requests()).isEqualTo(1);
    }

    @Test
    void answersAConcurrentRegistrationConflictWithALookup() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        registry.failNext(1, 409); // as Apicurio answers the loser of two concurrent first registrations
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().build());
        assertThat(client.register("quotes-value", Quote.getClassSchema())).isEqualTo(id);
        assertThat(registry.requests()).isEqualTo(2); // the refused registration, then the lookup
    }

    @Test
    void sendsBasicAuth() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
        registry.requireAuthorization(expected);
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().basicAuthUserInfo("ops:s3cret").build());
        client.register("quotes-value", Quote.getClassSchema());
        assertThat(registry.seenAuthorizations()).containsOnly(expected);

        ConfluentRegistryClient anonymous = new ConfluentRegistryClient(config().build());
        assertThatThrownBy(() -> anonymous.register("quotes-value", Quote.getClassSchema()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
    }

    @Test
    void sendsBearerToken() throws Exception {
        registry.requireAuthorization("Bearer tok-123");
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().bearerToken("tok-123").build());
        client.register("quotes-value", Quote.getClassSchema());
        assertThat(registry.seenAuthorizations()).containsOnly("Bearer tok-123");
    }

    @Test
    void withoutAutoRegisterUsesTheLatestVersionWhenItIsOurSchema() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().autoRegister(false).build());
        assertThat(client.idFor("quotes-value", Quote.getClassSchema())).isEqualTo(id);
    }

    @Test
    void withoutAutoRegisterFindsAnOlderVersionThatIsOurSchema() throws Exception {
        int ours = registry.register("quotes-value", Quote.getClassSchema());
        registry.register("quotes-value", Trade.getClassSchema()); // a later, different latest version
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().autoRegister(false).build());
        assertThat(client.idFor("quotes-value", Quote.getClassSchema())).isEqualTo(ours);
    }

    @Test
    void withoutAutoRegisterFailsWhenTheSchemaIsNotRegistered() {
        ConfluentRegistryClient client = new ConfluentRegistryClient(config().autoRegister(false).build());
        assertThatThrownBy(() -> client.idFor("quotes-value", Quote.getClassSchema()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Auto-register is off")
                .hasMessageContaining("quotes-value");
        assertThat(registry.requests()).isEqualTo(2); // latest, then lookup: nothing registered
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> RegistryConfig.builder("ftp://x").build()).hasMessageContaining("ftp://x");
        assertThatThrownBy(() -> RegistryConfig.builder("http://x").basicAuthUserInfo("u:p").bearerToken("t").build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> RegistryConfig.builder("http://x").basicAuthUserInfo("nopassword").build())
                .hasMessageContaining("user:password");
        assertThatThrownBy(() -> RegistryConfig.builder("http://x").readTimeout(Duration.ZERO).build())
                .hasMessageContaining("read timeout");
        assertThatThrownBy(() -> new ConfluentRegistryClient(RegistryConfig.builder("https://x")
                .trustStore("/nonexistent/trust.p12", "pw", "PKCS12").build()))
                .hasMessageContaining("/nonexistent/trust.p12");
    }

    @Test
    void neverPrintsCredentials() {
        RegistryConfig c = RegistryConfig.builder("http://x").basicAuthUserInfo("ops:s3cret").build();
        assertThat(c.toString()).doesNotContain("s3cret").contains("basic");
    }
}
