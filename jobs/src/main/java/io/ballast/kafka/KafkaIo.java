package io.ballast.kafka;

import io.ballast.avro.RejectedRecord;
import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import io.ballast.config.ConfigException;
import io.ballast.config.ParsedArgs;
import io.ballast.domain.Topic;
import io.ballast.registry.RegistryConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Builds Ballast's Kafka sources and sinks from its configuration, and checks the cluster at start. */
public final class KafkaIo {

    /** The broker setting that bounds producer transaction timeouts. */
    public static final String BROKER_MAX_TRANSACTION_TIMEOUT = "transaction.max.timeout.ms";

    private static final long ADMIN_TIMEOUT_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIo.class);

    private KafkaIo() {
    }

    /**
     * A source whose records are decoded and validated; bad ones come out as rejections (see
     * {@link ValidatingDeserializer}).
     */
    public static <T extends SpecificRecord, R> KafkaSource<Either<Rejection, R>> source(
            BallastConfig.Kafka kafka, BallastConfig.Sources sources, RegistryConfig registry, String topic,
            Class<T> recordClass, Validator<T> validator, SourceRecordMapper<T, R> mapper, TypeInformation<R> producedType) {
        Properties props = kafka.properties();
        props.putIfAbsent("isolation.level", "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "60000");
        props.putIfAbsent("commit.offsets.on.checkpoint", "true");
        var builder = KafkaSource.<Either<Rejection, R>>builder()
                .setBootstrapServers(kafka.bootstrap())
                .setTopics(topic)
                .setGroupId(sources.groupId())
                .setClientIdPrefix(sources.groupId() + "-" + topic)
                .setStartingOffsets(startingOffsets(sources.startingOffsets()))
                .setProperties(props)
                .setDeserializer(new ValidatingDeserializer<>(recordClass, registry, validator, mapper,
                        producedType, sources.maxRecordBytes()));
        if (sources.bounded()) {
            // The throughput harness: read what is there at start, then end, so that the job finishes.
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    // The connector's committedOffsets takes the OffsetResetStrategy that kafka-clients 4 deprecates.
    @SuppressWarnings("deprecation")
    private static OffsetsInitializer startingOffsets(BallastConfig.StartingOffsets startingOffsets) {
        switch (startingOffsets) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    /**
     * A sink writing Avro values to {@code topic}, with the configured delivery guarantee and
     * {@code linger} ({@code sink.linger} or {@code sink.bulk-linger}). With exactly-once, each sink gets its
     * own transactional id prefix ({@code <prefix>-<topic>}), and is a {@link TolerantKafkaSink}: a restore
     * whose transactions the broker has forgotten does not fail the job in a loop.
     */
    public static <IN, V extends SpecificRecord> Sink<IN> sink(
            BallastConfig.Kafka kafka, BallastConfig.Sinks sinks, RegistryConfig registry, String topic, Class<V> valueClass,
            SerializableFunction<IN, byte[]> key, SerializableFunction<IN, V> value, Duration linger) {
        return sink(kafka, sinks, registry, topic, valueClass, key, value, linger, null);
    }

    /**
     * As above, for a second sink of the same topic: its transactional id prefix is
     * {@code <prefix>-<transactionsSink>-<topic>} (null: {@code <prefix>-<topic>}), so that the two never share a
     * transactional id, and neither's prefix begins the other's (the connector's listing abort strategy would
     * take the other's transactions for its own).
     */
    public static <IN, V extends SpecificRecord> Sink<IN> sink(
            BallastConfig.Kafka kafka, BallastConfig.Sinks sinks, RegistryConfig registry, String topic, Class<V> valueClass,
            SerializableFunction<IN, byte[]> key, SerializableFunction<IN, V> value, Duration linger,
            String transactionsSink) {
        AvroKafkaSerializer<IN, V> serializer = new AvroKafkaSerializer<>(topic, valueClass, registry, key, value);
        Properties props = producerProperties(kafka, sinks, linger);
        boolean exactlyOnce = sinks.delivery() == BallastConfig.Delivery.EXACTLY_ONCE;
        var builder = KafkaSink.<IN>builder()
                .setBootstrapServers(kafka.bootstrap())
                .setKafkaProducerConfig(props)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
        if (!exactlyOnce) {
            return builder.build();
        }
        builder.setTransactionalIdPrefix(transactionalIdPrefix(sinks, topic, transactionsSink));
        return new TolerantKafkaSink<>(builder.build());
    }

    /** {@code <prefix>-<topic>}; {@code <prefix>-<sink>-<topic>} for a second sink of the topic. */
    public static String transactionalIdPrefix(BallastConfig.Sinks sinks, String topic, String sink) {
        return sinks.transactionalIdPrefix() + "-" + (sink == null ? "" : sink + "-") + topic;
    }

    /**
     * A sink's producer properties: the {@code kafka.*} options, and where they say nothing, idempotent
     * writes acknowledged by all in-sync replicas, the transaction timeout of
     * {@code sink.transaction-timeout}, and {@code linger.ms} = {@code linger} ({@code sink.linger} or
     * {@code sink.bulk-linger}). With {@code linger.ms=0} every record the job writes went out in a
     * request of its own: the producers' network threads and the broker then spent more CPU on the
     * job's ~60,000 output records per 300,000 inputs than the market stage (docs/performance.md).
     */
    static Properties producerProperties(BallastConfig.Kafka kafka, BallastConfig.Sinks sinks, Duration linger) {
        Properties props = kafka.properties();
        props.putIfAbsent("transaction.timeout.ms", Long.toString(sinks.transactionTimeout().toMillis()));
        props.putIfAbsent("enable.idempotence", "true");
        props.putIfAbsent("acks", "all");
        props.putIfAbsent("linger.ms", Long.toString(linger.toMillis()));
        return props;
    }

    /** As {@link #sink(BallastConfig.Kafka, BallastConfig.Sinks, RegistryConfig, String, Class, SerializableFunction, SerializableFunction, Duration)}, with the parts of {@code config} and {@code sink.linger}. */
    public static <IN, V extends SpecificRecord> Sink<IN> sink(BallastConfig config, String topic, Class<V> valueClass,
            SerializableFunction<IN, byte[]> key, SerializableFunction<IN, V> value) {
        return sink(config.kafka(), config.sinks(), config.registry(), topic, valueClass, key, value, config.sinks().linger());
    }

    /** The sink of the {@code rejected} topic of {@code config}. */
    public static Sink<Rejection> rejectedSink(BallastConfig config) {
        return rejectedSink(config.kafka(), config.sinks(), config.registry(), config.topics().name(Topic.REJECTED));
    }

    /** The sink of the {@code rejected} topic: the input's key bytes, as received, and the record. */
    public static Sink<Rejection> rejectedSink(BallastConfig.Kafka kafka, BallastConfig.Sinks sinks, RegistryConfig registry,
                                               String topic) {
        return sink(kafka, sinks, registry, topic, RejectedRecord.class, Rejection::getKey, Rejection::getRecord,
                sinks.linger());
    }

    /** Key bytes of a UTF-8 string key. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the Kafka cluster before the job starts: every topic exists (the source would otherwise
     * fail later with UnknownTopicOrPartition) and, with exactly-once, the transaction timeout is within
     * the broker's {@value #BROKER_MAX_TRANSACTION_TIMEOUT}. Refused credentials, an untrusted
     * certificate or a missing ACL stop the job here with one line saying which.
     */
    public static void checkCluster(BallastConfig config, Collection<String> topics) {
        checkCluster(config.kafka(), config.sinks(), config.checkpoints().interval(), topics);
    }

    /**
     * As {@link #checkCluster(BallastConfig, Collection)}, from the parts it needs: the cluster, the
     * sinks' delivery and transaction timeout, and the checkpoint interval the timeout must exceed.
     */
    public static void checkCluster(BallastConfig.Kafka kafka, BallastConfig.Sinks sinks, Duration checkpointInterval,
                                    Collection<String> topics) {
        Properties props = kafka.properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                boolean secured = props.getProperty("security.protocol", "PLAINTEXT").toUpperCase(java.util.Locale.ROOT)
                        .startsWith("SASL") || props.getProperty("security.protocol", "").equalsIgnoreCase("SSL");
                throw new ConfigException("Topics " + new TreeSet<>(missing) + " do not exist on the Kafka cluster at "
                        + kafka.bootstrap() + "; create them first with deploy/topics/create-topics.sh "
                        + "(or the Strimzi KafkaTopics of deploy/k8s/topics), see 'Topics in production' in docs/operations.md"
                        + (secured ? "; or the job's principal may not DESCRIBE them: see 'Security' in docs/operations.md"
                                + " for the ACLs it needs" : ""));
            }
            if (sinks.delivery() == BallastConfig.Delivery.EXACTLY_ONCE) {
                checkTransactionTimeout(kafka, sinks, checkpointInterval, admin);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the Kafka cluster", e);
        } catch (ExecutionException e) {
            throw clusterFailure(kafka, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new ConfigException("Cannot reach the Kafka cluster at --bootstrap " + kafka.bootstrap() + ": "
                    + e.getMessage(), e);
        }
    }

    /** What a failed request of the start-up check means, in one line naming the options to look at. */
    private static ConfigException clusterFailure(BallastConfig.Kafka kafka, Throwable cause) {
        Properties props = kafka.clientProperties();
        if (cause instanceof SaslAuthenticationException) {
            return new ConfigException("The Kafka cluster at --bootstrap " + kafka.bootstrap() + " refused the job's "
                    + "credentials (SASL " + props.getProperty("sasl.mechanism", "GSSAPI") + ", --kafka.sasl.jaas.config): "
                    + cause.getMessage(), cause);
        }
        if (cause instanceof SslAuthenticationException) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = String.valueOf(root.getMessage());
            String hint = reason.contains("PKIX") || reason.contains("certification path")
                    ? "the broker's certificate is not trusted: give the trust store holding its CA with "
                            + "--kafka.ssl.truststore.location (and --kafka.ssl.truststore.password)"
                    : reason.contains("No subject alternative") || reason.contains("No name matching")
                            ? "the broker's certificate does not name the host of --bootstrap"
                            : "see the reason";
            return new ConfigException("The TLS handshake with the Kafka cluster at --bootstrap " + kafka.bootstrap()
                    + " failed, " + hint + " (" + reason + ")", cause);
        }
        if (cause instanceof AuthorizationException) {
            return new ConfigException("The Kafka cluster at --bootstrap " + kafka.bootstrap() + " denied the job's "
                    + "principal: " + cause.getMessage() + "; see 'Security' in docs/operations.md for the ACLs it needs",
                    cause);
        }
        return new ConfigException("Cannot reach the Kafka cluster at --bootstrap " + kafka.bootstrap() + ": "
                + cause, cause);
    }

    private static void checkTransactionTimeout(BallastConfig.Kafka kafka, BallastConfig.Sinks sinks,
                                                Duration interval, Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        String passed = kafka.clientProperties().getProperty("transaction.timeout.ms");
        long timeoutMs = passed != null ? Long.parseLong(passed.trim()) : sinks.transactionTimeout().toMillis();
        Collection<Node> nodes = admin.describeCluster().nodes().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (Node node : nodes) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config brokerConfig;
            try {
                brokerConfig = admin.describeConfigs(List.of(broker)).all()
                        .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(broker);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof AuthorizationException)) {
                    throw e;
                }
                // Optional ACL (DESCRIBE_CONFIGS on the cluster): without it the broker's maximum cannot be read.
                LOG.warn("Cannot read the broker's {} (the job's principal lacks DESCRIBE_CONFIGS on the cluster):"
                        + " --sink.transaction-timeout {} ms is not checked against it", BROKER_MAX_TRANSACTION_TIMEOUT,
                        timeoutMs);
                break;
            }
            ConfigEntry max = brokerConfig == null ? null : brokerConfig.get(BROKER_MAX_TRANSACTION_TIMEOUT);
            if (max == null || max.value() == null) {
                continue;
            }
            long maxMs = Long.parseLong(max.value());
            if (timeoutMs > maxMs) {
                throw ParsedArgs.bad(BallastOptions.TRANSACTION_TIMEOUT, Duration.ofMillis(timeoutMs),
                        "exceeds the broker's " + BROKER_MAX_TRANSACTION_TIMEOUT + " = " + maxMs + " ms (broker "
                                + node.idString() + "); lower it, or raise the broker's maximum");
            }
        }
        if (timeoutMs <= interval.toMillis()) {
            throw ParsedArgs.bad(BallastOptions.TRANSACTION_TIMEOUT, Duration.ofMillis(timeoutMs),
                    "must be longer than --checkpoint.interval (" + interval.toMillis()
                            + " ms): a transaction stays open for at least one checkpoint interval");
        }
    }
}
