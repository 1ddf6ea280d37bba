package io.ballast.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BallastConfigTest {

    private static final String[] REQUIRED = {"--bootstrap", "127.0.0.1:9092", "--registry", "http://127.0.0.1:8081"};

    private static BallastConfig parse(String... extra) {
        String[] args = new String[REQUIRED.length + extra.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(extra, 0, args, REQUIRED.length, extra.length);
        return BallastConfig.fromArgs(args);
    }

    @Test
    void appliesDefaults() {
        BallastConfig c = parse();
        assertThat(c.get(BallastOptions.TOPIC_QUOTES)).isEqualTo("quotes");
        assertThat(c.get(BallastOptions.TOPIC_REJECTED)).isEqualTo("rejected");
        assertThat(c.delivery()).isEqualTo(BallastConfig.Delivery.EXACTLY_ONCE);
        assertThat(c.startingOffsets()).isEqualTo(BallastConfig.StartingOffsets.COMMITTED);
        assertThat(c.get(BallastOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.get(BallastOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(c.registry().autoRegister()).isTrue();
        assertThat(c.get(BallastOptions.PARALLELISM)).isNull();
    }

    @Test
    void theDefaultVenueIsDeribitUnlessSetAndMayNotContainASeparator() {
        assertThat(parse().pipeline().defaultVenue()).isEqualTo("DERIBIT");
        assertThat(parse("--defaults.venue", "okx").pipeline().defaultVenue()).isEqualTo("okx");
        for (String bad : new String[] {"okx:spot", "a/b", " "}) {
            assertThatThrownBy(() -> parse("--defaults.venue", bad)).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("--defaults.venue");
        }
    }

    @Test
    void parsesBothArgumentFormsAndTypes() {
        BallastConfig c = parse("--delivery.guarantee=at-least-once", "--checkpoint.interval", "500 ms",
                "--registry.auto-register", "false", "--topic.quotes", "md.quotes", "--registry.retries", "2");
        assertThat(c.delivery()).isEqualTo(BallastConfig.Delivery.AT_LEAST_ONCE);
        assertThat(c.get(BallastOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.registry().autoRegister()).isFalse();
        assertThat(c.registry().maxRetries()).isEqualTo(2);
        assertThat(c.get(BallastOptions.TOPIC_QUOTES)).isEqualTo("md.quotes");
    }

    @Test
    void passesKafkaPropertiesThrough() {
        BallastConfig c = parse("--kafka.security.protocol", "SASL_SSL", "--kafka.sasl.mechanism", "PLAIN");
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void supportsFlags() {
        BallastConfig c = BallastConfig.fromArgs(List.of("--bootstrap", "h:1", "--registry", "http://r", "--registry.auto-register"),
                BallastOptions.ALL, Set.of("registry.auto-register"));
        assertThat(c.registry().autoRegister()).isTrue();
    }

    @Test
    void namesTheOptionAndValueOfEveryError() {
        assertThatThrownBy(() -> parse("--checkpoint.interval", "soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'soon'").hasMessageContaining("--checkpoint.interval").hasMessageContaining("duration");
        assertThatThrownBy(() -> parse("--delivery.guarantee", "maybe-once"))
                .hasMessageContaining("'maybe-once'").hasMessageContaining("--delivery.guarantee")
                .hasMessageContaining("exactly-once").hasMessageContaining("at-least-once");
        assertThatThrownBy(() -> parse("--checkpoint.interval", "0 s"))
                .hasMessageContaining("--checkpoint.interval").hasMessageContaining("positive");
        assertThatThrownBy(() -> parse("--registry.retries", "-1")).hasMessageContaining("--registry.retries");
        assertThatThrownBy(() -> parse("--inventory.refresh-budget", "0"))
                .hasMessageContaining("'0'").hasMessageContaining("--inventory.refresh-budget").hasMessageContaining(">= 1");
        assertThatThrownBy(() -> parse("--inventory.book-cache-positions", "-5"))
                .hasMessageContaining("'-5'").hasMessageContaining("--inventory.book-cache-positions").hasMessageContaining(">= 0");
        assertThatThrownBy(() -> parse("--network.buffer-timeout", "-1 ms"))
                .hasMessageContaining("--network.buffer-timeout").hasMessageContaining("'-1 ms'");
        assertThatThrownBy(() -> parse("--registry.retries", "many")).hasMessageContaining("'many'").hasMessageContaining("integer");
        assertThatThrownBy(() -> parse("--max-parallelism", "0")).hasMessageContaining("--max-parallelism");
        assertThatThrownBy(() -> parse("--parallelism", "300")).hasMessageContaining("'300'").hasMessageContaining("--max-parallelism");
        assertThatThrownBy(() -> parse("--topic.rejected", "quotes")).hasMessageContaining("'quotes'").hasMessageContaining("already used");
        assertThatThrownBy(() -> parse("--topic.trades", "bad topic!")).hasMessageContaining("'bad topic!'");
        assertThatThrownBy(() -> parse("--checkpoint.dir", "relative/path")).hasMessageContaining("'relative/path'");
        assertThatThrownBy(() -> parse("--registry.truststore.location", "/no/such/file.p12"))
                .hasMessageContaining("/no/such/file.p12");
        assertThatThrownBy(() -> parse("--registry.auto-register", "perhaps")).hasMessageContaining("'perhaps'");
        assertThatThrownBy(() -> PipelineOptions.parse("--portfolio.fill-interval", "2 s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--portfolio.fill-interval")
                .hasMessageContaining("portfolio.interval");
        assertThatThrownBy(() -> PipelineOptions.parse("--portfolio.fill-interval", "-1 ms"))
                .hasMessageContaining("--portfolio.fill-interval");
        assertThat(PipelineOptions.parse("--portfolio.fill-interval", "100 ms").portfolioFillIntervalMs()).isEqualTo(100);
        assertThat(PipelineOptions.parse().portfolioFillIntervalMs()).as("every fill its own record by default").isZero();
    }

    @Test
    void theOptionHedgeDefaultsReachTheDefaultLimits() {
        var off = PipelineOptions.parse().defaultLimits();
        assertThat(off.getOptionHedge()).isFalse();
        assertThat(off.getHedgeToFraction()).isEqualTo(0.5);
        assertThat(off.getHedgeMinDays()).isEqualTo(7.0);
        assertThat(off.getHedgeMaxDays()).isEqualTo(120.0);
        assertThat(off.getHedgeMaxSpreadVolPts()).isEqualTo(2.0);
        var on = PipelineOptions.parse("--defaults.option-hedge", "true", "--defaults.hedge-to-fraction", "0.25",
                "--defaults.hedge-min-days", "3", "--defaults.hedge-max-days", "60",
                "--defaults.hedge-max-spread-vol-pts", "1.5").defaultLimits();
        assertThat(on.getOptionHedge()).isTrue();
        assertThat(on.getHedgeToFraction()).isEqualTo(0.25);
        assertThat(on.getHedgeMinDays()).isEqualTo(3.0);
        assertThat(on.getHedgeMaxDays()).isEqualTo(60.0);
        assertThat(on.getHedgeMaxSpreadVolPts()).isEqualTo(1.5);
        assertThatThrownBy(() -> PipelineOptions.parse("--defaults.hedge-to-fraction", "1.5"))
                .hasMessageContaining("--defaults.hedge-to-fraction").hasMessageContaining("1.5").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> PipelineOptions.parse("--defaults.hedge-min-days", "30", "--defaults.hedge-max-days", "10"))
                .hasMessageContaining("--defaults.hedge-max-days").hasMessageContaining("10")
                .hasMessageContaining("--defaults.hedge-min-days");
        assertThatThrownBy(() -> PipelineOptions.parse("--defaults.hedge-max-spread-vol-pts", "0"))
                .hasMessageContaining("--defaults.hedge-max-spread-vol-pts");
    }

    @Test
    void rejectsBadEndpoints() {
        assertThatThrownBy(() -> BallastConfig.fromArgs("--bootstrap", "localhost", "--registry", "http://r"))
                .hasMessageContaining("'localhost'").hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> BallastConfig.fromArgs("--bootstrap", "h:1", "--registry", "registry:8081"))
                .hasMessageContaining("registry:8081");
        assertThatThrownBy(() -> BallastConfig.fromArgs("--registry", "http://r"))
                .hasMessageContaining("--bootstrap is required");
    }

    @Test
    void rejectsUnknownRepeatedAndDanglingOptions() {
        assertThatThrownBy(() -> parse("--checkpoint.intervall", "5 s"))
                .hasMessageContaining("Unknown option --checkpoint.intervall").hasMessageContaining("--checkpoint.interval");
        assertThatThrownBy(() -> parse("--topic.quotes", "a", "--topic.quotes", "b")).hasMessageContaining("twice");
        assertThatThrownBy(() -> parse("--topic.quotes")).hasMessageContaining("has no value");
        assertThatThrownBy(() -> parse("stray")).hasMessageContaining("'stray'");
    }

    @Test
    void resolvesSecretReferences(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path token = dir.resolve("token");
        java.nio.file.Files.writeString(token, "s3cret-token\n");
        assertThat(ParsedArgs.resolveSecret("registry.bearer-token", "${file:" + token + "}", n -> null))
                .isEqualTo("s3cret-token");
        assertThat(ParsedArgs.resolveSecret("registry.basic-auth.user-info", "${env:REG_USER}",
                n -> n.equals("REG_USER") ? "ops:pw" : null)).isEqualTo("ops:pw");
        assertThat(ParsedArgs.resolveSecret("registry.bearer-token", "literal", n -> null)).isEqualTo("literal");
        assertThatThrownBy(() -> ParsedArgs.resolveSecret("registry.bearer-token", "${env:NOPE_NOT_SET}", n -> null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--registry.bearer-token").hasMessageContaining("NOPE_NOT_SET");
        assertThatThrownBy(() -> parse("--registry.bearer-token", "${file:/no/such/secret}"))
                .hasMessageContaining("--registry.bearer-token").hasMessageContaining("/no/such/secret");
        BallastConfig c = parse("--registry.bearer-token", "${file:" + token + "}");
        assertThat(c.registry().bearerToken()).isEqualTo("s3cret-token");
    }

    @Test
    void everyOptionHasAReadableDescription() {
        for (var o : JobOptions.all()) {
            assertThat(ParsedArgs.describe(o)).as(o.key()).isNotBlank().doesNotContain("Description@");
        }
        assertThatThrownBy(() -> parse("--checkpoint.interval", "soon"))
                .hasMessageEndingWith("(Checkpoint interval; with exactly-once it is also the output latency.)");
        assertThatThrownBy(() -> BallastConfig.fromArgs("--registry", "http://r"))
                .hasMessage("Option --bootstrap is required: Kafka bootstrap servers, host:port[,host:port...].");
    }
}
