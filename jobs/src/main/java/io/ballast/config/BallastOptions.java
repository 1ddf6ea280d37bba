package io.ballast.config;

import io.ballast.domain.Topic;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every option of the Ballast job, with its default and a one-line description. Given on the command
 * line as {@code --name value} (or {@code --name=value}). Options under {@code kafka.} are passed to
 * every Kafka client as they are (security.protocol, sasl.*, ssl.*, ...).
 */
public final class BallastOptions {

    private BallastOptions() {
    }

    /** Prefix of the Kafka client properties passed through. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port...].");

    public static final ConfigOption<String> REGISTRY = ConfigOptions.key("registry")
            .stringType().noDefaultValue()
            .withDescription("Schema registry base URL speaking the Confluent REST API, e.g. http://registry:8081.");

    public static final ConfigOption<Boolean> REGISTRY_AUTO_REGISTER = ConfigOptions.key("registry.auto-register")
            .booleanType().defaultValue(true)
            .withDescription("Register output schemas under <topic>-value; false: they must already be registered (the subject's latest version is tried first).");

    public static final ConfigOption<String> REGISTRY_USER_INFO = ConfigOptions.key("registry.basic-auth.user-info")
            .stringType().noDefaultValue()
            .withDescription("Registry basic auth as user:password, or a reference: ${env:VAR} or ${file:/path}.");

    public static final ConfigOption<String> REGISTRY_BEARER_TOKEN = ConfigOptions.key("registry.bearer-token")
            .stringType().noDefaultValue()
            .withDescription("Registry bearer token (Authorization: Bearer ...), instead of basic auth; or ${env:VAR} or ${file:/path}.");

    public static final ConfigOption<String> REGISTRY_BEARER_TOKEN_FILE = ConfigOptions.key("registry.bearer-token-file")
            .stringType().noDefaultValue()
            .withDescription("File holding the registry bearer token (a mounted secret, a projected service-account token), read again whenever it changes, so a rotated token needs no restart; instead of basic auth or --registry.bearer-token.");

    public static final ConfigOption<String> REGISTRY_TRUSTSTORE = ConfigOptions.key("registry.truststore.location")
            .stringType().noDefaultValue()
            .withDescription("Trust store file for an https registry; default: the JVM's trust store.");

    public static final ConfigOption<String> REGISTRY_TRUSTSTORE_PASSWORD = ConfigOptions.key("registry.truststore.password")
            .stringType().noDefaultValue()
            .withDescription("Password of the registry trust store; or ${env:VAR} or ${file:/path}.");

    public static final ConfigOption<String> REGISTRY_TRUSTSTORE_TYPE = ConfigOptions.key("registry.truststore.type")
            .stringType().defaultValue("PKCS12")
            .withDescription("Type of the registry trust store: PKCS12 or JKS.");

    public static final ConfigOption<String> REGISTRY_KEYSTORE = ConfigOptions.key("registry.keystore.location")
            .stringType().noDefaultValue()
            .withDescription("Key store with the job's key and certificate for mutual TLS to the registry; default: no client certificate.");

    public static final ConfigOption<String> REGISTRY_KEYSTORE_PASSWORD = ConfigOptions.key("registry.keystore.password")
            .stringType().noDefaultValue()
            .withDescription("Password of the registry key store and of the key in it; or ${env:VAR} or ${file:/path}.");

    public static final ConfigOption<String> REGISTRY_KEYSTORE_TYPE = ConfigOptions.key("registry.keystore.type")
            .stringType().defaultValue("PKCS12")
            .withDescription("Type of the registry key store: PKCS12 or JKS.");

    public static final ConfigOption<Duration> REGISTRY_CONNECT_TIMEOUT = ConfigOptions.key("registry.connect-timeout")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("Registry connect timeout.");

    public static final ConfigOption<Duration> REGISTRY_READ_TIMEOUT = ConfigOptions.key("registry.read-timeout")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Registry request timeout.");

    public static final ConfigOption<Integer> REGISTRY_RETRIES = ConfigOptions.key("registry.retries")
            .intType().defaultValue(5)
            .withDescription("Retries of a registry request after an I/O error, a timeout, HTTP 5xx or 429.");

    public static final ConfigOption<Duration> REGISTRY_RETRY_BACKOFF = ConfigOptions.key("registry.retry-backoff")
            .durationType().defaultValue(Duration.ofMillis(200))
            .withDescription("First backoff between registry retries; doubles up to registry.retry-backoff-max.");

    public static final ConfigOption<Duration> REGISTRY_RETRY_BACKOFF_MAX = ConfigOptions.key("registry.retry-backoff-max")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("Longest backoff between registry retries.");

    public static final ConfigOption<String> TOPIC_QUOTES = topic(Topic.QUOTES);
    public static final ConfigOption<String> TOPIC_TRADES = topic(Topic.TRADES);
    public static final ConfigOption<String> TOPIC_RISK_LIMITS = topic(Topic.RISK_LIMITS);
    public static final ConfigOption<String> TOPIC_SIGNALS = topic(Topic.SIGNALS);
    public static final ConfigOption<String> TOPIC_RISK = topic(Topic.RISK);
    public static final ConfigOption<String> TOPIC_VOL_SKEW = topic(Topic.VOL_SKEW);
    public static final ConfigOption<String> TOPIC_REJECTED = topic(Topic.REJECTED);
    public static final ConfigOption<String> TOPIC_COLLATERAL = topic(Topic.COLLATERAL);
    public static final ConfigOption<String> TOPIC_PORTFOLIO_RISK = topic(Topic.PORTFOLIO_RISK);

    /** The option naming each topic, in the order of {@link Topic}. */
    public static final Map<Topic, ConfigOption<String>> TOPICS = topics();

    public static final ConfigOption<String> DELIVERY = ConfigOptions.key("delivery.guarantee")
            .stringType().defaultValue("exactly-once")
            .withDescription("Output delivery: exactly-once (Kafka transactions, visible at each checkpoint) or at-least-once (lowest latency; routers de-duplicate by signalId).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("sink.transactional-id-prefix")
            .stringType().defaultValue("ballast")
            .withDescription("Prefix of the Kafka transactional ids (exactly-once); unique per job on a cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("sink.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("Kafka transaction timeout (exactly-once); must not exceed the broker's transaction.max.timeout.ms, checked at start.");

    public static final ConfigOption<Duration> LINGER = ConfigOptions.key("sink.linger")
            .durationType().defaultValue(Duration.ofMillis(5))
            .withDescription("linger.ms of the producers of rebalance-signals and rejected: how long a record may wait for others to share its request to the broker. Short, since routers act on signals (Kafka 4.0's own default); 0 sends every record in a request of its own, at several times the CPU in the producer and the broker.");

    public static final ConfigOption<Duration> BULK_LINGER = ConfigOptions.key("sink.bulk-linger")
            .durationType().defaultValue(Duration.ofMillis(50))
            .withDescription("linger.ms of the producers of inventory-risk and vol-skew, the streams dashboards and analytics read: longer than --sink.linger, so that their records share requests (at the 5 ms of signals the producers and the broker took a fifth of the job's CPU in the throughput harness).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; with exactly-once it is also the output latency.");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT = ConfigOptions.key("network.buffer-timeout")
            .durationType().defaultValue(Duration.ofMillis(5))
            .withDescription("Network buffer timeout between the job's operators (Flink's execution.buffer-timeout.interval): a partly filled buffer is sent after at most this long; 0 sends every record at once. Bounds the time a quote, snapshot or signal waits in a buffer (Flink's default, 100 ms, would dominate quote-to-signal latency).");

    public static final ConfigOption<Boolean> CHECKPOINT_UNALIGNED = ConfigOptions.key("checkpoint.unaligned")
            .booleanType().defaultValue(true)
            .withDescription("Let a checkpoint whose barriers are held up by back pressure overtake the queued records (stored with the checkpoint) instead of waiting for them, so that checkpoints stay short while the job catches up; false: always aligned.");

    public static final ConfigOption<Duration> CHECKPOINT_ALIGNED_TIMEOUT = ConfigOptions.key("checkpoint.aligned-timeout")
            .durationType().defaultValue(Duration.ofMillis(100))
            .withDescription("How long a checkpoint waits aligned for its barriers before it turns unaligned (with checkpoint.unaligned); 0: unaligned from the start.");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType().defaultValue("file:///tmp/ballast/checkpoints")
            .withDescription("Checkpoint storage URI (file://, s3://, ...).");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("source.group-id")
            .stringType().defaultValue("ballast")
            .withDescription("Kafka consumer group id (offsets are committed on checkpoints, for monitoring).");

    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("source.starting-offsets")
            .stringType().defaultValue("committed")
            .withDescription("Where a job without state starts reading: committed (the group's offsets, else earliest), earliest or latest.");

    public static final ConfigOption<Boolean> SOURCE_BOUNDED = ConfigOptions.key("source.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Benchmarks only: read each input up to its latest offsets at start, then finish the job (bounded sources).");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key("source.max-out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("Watermark bound on event-time disorder of the inputs.");

    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("source.idleness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A partition silent this long stops holding back the watermark.");

    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("input.max-record-bytes")
            .intType().defaultValue(1024 * 1024)
            .withDescription("Larger input values are rejected as OVERSIZED. Avro string, bytes and array lengths are capped at the larger of this and 64 MiB.");

    public static final ConfigOption<Duration> MAX_CLOCK_SKEW = ConfigOptions.key("input.max-clock-skew")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Input whose event time is further ahead of the clock is rejected (INVALID_FIELD).");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType().noDefaultValue()
            .withDescription("Default operator parallelism; default: the cluster's.");

    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("max-parallelism")
            .intType().defaultValue(128)
            .withDescription("Key groups of every keyed operator; fixed for the life of the job's state.");

    private static ConfigOption<String> topic(Topic topic) {
        return ConfigOptions.key("topic." + topic.defaultName()).stringType().defaultValue(topic.defaultName())
                .withDescription(topic.description());
    }

    private static Map<Topic, ConfigOption<String>> topics() {
        Map<Topic, ConfigOption<String>> all = new EnumMap<>(Topic.class);
        all.put(Topic.QUOTES, TOPIC_QUOTES);
        all.put(Topic.TRADES, TOPIC_TRADES);
        all.put(Topic.RISK_LIMITS, TOPIC_RISK_LIMITS);
        all.put(Topic.SIGNALS, TOPIC_SIGNALS);
        all.put(Topic.RISK, TOPIC_RISK);
        all.put(Topic.VOL_SKEW, TOPIC_VOL_SKEW);
        all.put(Topic.REJECTED, TOPIC_REJECTED);
        all.put(Topic.COLLATERAL, TOPIC_COLLATERAL);
        all.put(Topic.PORTFOLIO_RISK, TOPIC_PORTFOLIO_RISK);
        return Collections.unmodifiableMap(all);
    }

    /** All options, in the order of the operations guide. */
    public static final List<ConfigOption<?>> ALL = List.of(
            BOOTSTRAP, REGISTRY, REGISTRY_AUTO_REGISTER, REGISTRY_USER_INFO, REGISTRY_BEARER_TOKEN,
            REGISTRY_BEARER_TOKEN_FILE, REGISTRY_TRUSTSTORE, REGISTRY_TRUSTSTORE_PASSWORD, REGISTRY_TRUSTSTORE_TYPE,
            REGISTRY_KEYSTORE, REGISTRY_KEYSTORE_PASSWORD, REGISTRY_KEYSTORE_TYPE,
            REGISTRY_CONNECT_TIMEOUT, REGISTRY_READ_TIMEOUT, REGISTRY_RETRIES, REGISTRY_RETRY_BACKOFF,
            REGISTRY_RETRY_BACKOFF_MAX,
            TOPIC_QUOTES, TOPIC_TRADES, TOPIC_RISK_LIMITS, TOPIC_SIGNALS, TOPIC_RISK, TOPIC_VOL_SKEW, TOPIC_REJECTED,
            TOPIC_COLLATERAL, TOPIC_PORTFOLIO_RISK,
            DELIVERY, TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT, LINGER, BULK_LINGER, CHECKPOINT_INTERVAL, CHECKPOINT_UNALIGNED, CHECKPOINT_ALIGNED_TIMEOUT, CHECKPOINT_DIR, BUFFER_TIMEOUT,
            GROUP_ID, STARTING_OFFSETS, SOURCE_BOUNDED, MAX_OUT_OF_ORDERNESS, IDLENESS, MAX_RECORD_BYTES, MAX_CLOCK_SKEW,
            PARALLELISM, MAX_PARALLELISM);
}
