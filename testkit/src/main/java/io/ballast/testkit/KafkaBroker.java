package io.ballast.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker for tests: one KRaft node acting as broker and controller, started in this JVM
 * with {@link KafkaClusterTestKit} and advertised on 127.0.0.1.
 *
 * <p>Register it as a static extension. {@link #shared()} is one broker per JVM, started by the first
 * test class that needs it and closed when the JUnit run ends (root store), or by a JVM shutdown hook
 * if it was started outside JUnit:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();
 * }</pre>
 *
 * <p>Tests that stop the broker or need other broker settings take a private one from
 * {@link #builder()}; it is closed after the test class that registered it.
 *
 * <p>Defaults: replication factor 1 and one partition for the offsets and transaction-state topics,
 * {@code group.initial.rebalance.delay.ms=0}, {@code auto.create.topics.enable=false} (create topics
 * with {@link #createTopics}), {@code transaction.max.timeout.ms} left at the broker default (15 min).
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, BeforeEachCallback, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final String HOST = "127.0.0.1";
    /** The combined node's id: the kit numbers brokers from 0 and, when combined, controllers too. */
    private static final int NODE_ID = 0;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final KafkaBrokerExtension SHARED = builder().build();

    private final Map<String, String> brokerProperties;
    private final String storeKey = KafkaBrokerExtension.class.getName() + "#" + INSTANCES.incrementAndGet();

    private KafkaClusterTestKit cluster;
    private String bootstrapServers;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private Duration startupDuration;
    private boolean brokerStopped;
    private boolean closed;
    private Thread shutdownHook;

    private KafkaBrokerExtension(Map<String, String> brokerProperties) {
        this.brokerProperties = Map.copyOf(brokerProperties);
    }

    /** The broker shared by every test class of this JVM. Do not stop it; take a {@link #builder()} one to. */
    public static KafkaBrokerExtension shared() {
        return SHARED;
    }

    /** A broker of its own, e.g. for fault tests or other broker settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** A topic (or group, or transactional id) name that no other test of this JVM uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Builds a broker of its own. */
    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
            properties.put("offsets.topic.replication.factor", "1");
            properties.put("offsets.topic.num.partitions", "1");
            properties.put("transaction.state.log.replication.factor", "1");
            properties.put("transaction.state.log.min.isr", "1");
            properties.put("transaction.state.log.num.partitions", "1");
            properties.put("share.coordinator.state.topic.replication.factor", "1");
            properties.put("share.coordinator.state.topic.min.isr", "1");
            properties.put("group.initial.rebalance.delay.ms", "0");
            properties.put("auto.create.topics.enable", "false");
        }

        /** Sets a broker configuration, e.g. {@code transaction.max.timeout.ms}. */
        public Builder brokerProperty(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), String.valueOf(Objects.requireNonNull(value, key)));
            return this;
        }

        public KafkaBrokerExtension build() {
            return new KafkaBrokerExtension(properties);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void beforeAll(ExtensionContext context) {
        startWithin(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startWithin(context);
    }

    private void startWithin(ExtensionContext context) {
        // A store closes what it holds when its context ends: the root one once the whole run of this
        // JVM is over (so the shared broker serves every test class), a class one after that class.
        ExtensionContext scope = this == SHARED ? context.getRoot() : classContext(context);
        scope.getStore(NAMESPACE).getOrComputeIfAbsent(storeKey, key -> {
            start();
            return this;
        }, KafkaBrokerExtension.class);
    }

    static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext scope = context;
        while (scope.getTestMethod().isPresent() && scope.getParent().isPresent()) {
            scope = scope.getParent().get();
        }
        return scope;
    }

    /** Formats and starts the broker, unless it runs already. Blocks until it accepts clients. */
    public synchronized void start() {
        if (cluster != null) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("This Kafka broker was closed; build a new one");
        }
        long started = System.nanoTime();
        KafkaClusterTestKit kit = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            // Advertise (and, on a restart, bind) on the IPv4 loopback only. The kit's own default is
            // "localhost", which may resolve to ::1 first.
            builder.setConfigProp("listeners", String.format("%s://%s:0,%s://%s:0",
                    nodes.brokerListenerName().value(), HOST, nodes.controllerListenerName().value(), HOST));
            brokerProperties.forEach(builder::setConfigProp);
            kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            BrokerServer broker = kit.brokers().get(NODE_ID);
            bootstrapServers = HOST + ":" + broker.boundPort(ListenerName.normalised(nodes.brokerListenerName().value()));
            cluster = kit;
        } catch (Exception e) {
            closeQuietly(kit);
            throw new IllegalStateException("Could not start the Kafka test broker: " + e, e);
        }
        startupDuration = Duration.ofNanos(System.nanoTime() - started);
        shutdownHook = new Thread(this::close, "kafka-test-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        LOG.info("Kafka broker (KRaft, combined) at {} started in {} ms", bootstrapServers, startupDuration.toMillis());
    }

    /** The bootstrap metadata a production 4.2 broker gets from {@code kafka-storage format}. */
    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = new TreeMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(version));
        }
        return BootstrapMetadata.fromVersions(version, features, "ballast-test");
    }

    /** Stops everything and deletes the broker's data. Idempotent. The shared broker closes itself. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(producer);
        closeQuietly(admin);
        closeQuietly(cluster);
        producer = null;
        admin = null;
        cluster = null;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmShuttingDown) {
                // Nothing to remove then.
            }
        }
    }

    /**
     * Shuts the broker down; the controller and the broker's data stay. Clients see a broker that is
     * gone until {@link #startBroker()}. Not for the {@link #shared()} broker.
     */
    public synchronized void stopBroker() {
        requireStarted();
        if (this == SHARED) {
            throw new IllegalStateException("Do not stop the shared broker: take one from KafkaBrokerExtension.builder()");
        }
        if (!brokerStopped) {
            broker().shutdown();
            brokerStopped = true;
            LOG.info("Kafka broker at {} stopped", bootstrapServers);
        }
    }

    /**
     * Starts a broker stopped by {@link #stopBroker()} again, on the same port and data, and waits until
     * it is ready. The controller lets the broker register again only once its previous session has
     * expired, so this takes up to {@code broker.session.timeout.ms} (9 s by default) after the stop:
     * fault tests set e.g. {@code broker.session.timeout.ms=2000} and {@code broker.heartbeat.interval.ms=500}.
     */
    public synchronized void startBroker() {
        requireStarted();
        if (!brokerStopped) {
            return;
        }
        long started = System.nanoTime();
        broker().startup();
        try {
            waitForBrokerReady();
        } catch (Exception e) {
            throw new IllegalStateException("The Kafka test broker did not come back at " + bootstrapServers + ": " + e, e);
        }
        brokerStopped = false;
        LOG.info("Kafka broker at {} restarted in {} ms", bootstrapServers, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** {@link #stopBroker()} then {@link #startBroker()}. */
    public void restartBroker() {
        stopBroker();
        startBroker();
    }

    private void waitForBrokerReady() throws ExecutionException, InterruptedException, TimeoutException {
        // The kit's wait covers registration and metadata; then prove a client gets through.
        cluster.waitForReadyBrokers();
        long deadline = System.nanoTime() + BROKER_READY_TIMEOUT.toNanos();
        while (true) {
            try {
                adminClient().describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private BrokerServer broker() {
        return cluster.brokers().get(NODE_ID);
    }

    private void requireStarted() {
        if (cluster == null) {
            throw new IllegalStateException(closed
                    ? "This Kafka broker was closed"
                    : "The Kafka broker is not started: register it with "
                            + "@RegisterExtension static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();");
        }
    }

    /** How long format and start took. */
    public synchronized Duration startupDuration() {
        requireStarted();
        return startupDuration;
    }

    // ---------------------------------------------------------------- clients

    /** {@code 127.0.0.1:PORT}. */
    public synchronized String bootstrapServers() {
        requireStarted();
        return bootstrapServers;
    }

    /** An admin client owned by this extension: do not close it. */
    public synchronized Admin adminClient() {
        requireStarted();
        if (admin == null) {
            Map<String, Object> config = new TreeMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ballast-test-admin");
            admin = Admin.create(config);
        }
        return admin;
    }

    /** Creates topics of one partition and waits until every one of them has a leader. */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /** Creates topics of {@code partitions} partitions and waits until every one of them has a leader. */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        createTopics(Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toArray(NewTopic[]::new));
    }

    /** Creates topics as described (e.g. with {@code cleanup.policy=compact}) and waits until they are usable. */
    public void createTopics(NewTopic... topics) {
        if (topics.length == 0) {
            return;
        }
        List<String> names = Arrays.stream(topics).map(NewTopic::name).toList();
        try {
            adminClient().createTopics(List.of(topics)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(names);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topics " + names + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topics " + names + " were not created within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names, e);
        }
    }

    private void awaitLeaders(Collection<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = adminClient().describeTopics(names).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean ready = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition until the metadata has propagated: ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topics " + names + " have no leader after " + ADMIN_TIMEOUT);
            }
        }
    }

    /** Properties for a client of this broker (bootstrap servers only): add serializers and the rest. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> config = new TreeMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** Sends one record (raw bytes; key may be null) and waits for the broker's acknowledgement. */
    public RecordMetadata send(String topic, byte[] key, byte[] value) {
        return send(List.of(new ProducerRecord<>(topic, key, value))).get(0);
    }

    /** Sends records with an idempotent producer ({@code acks=all}) and waits for every acknowledgement. */
    public List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        KafkaProducer<byte[], byte[]> sender = sharedProducer();
        List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            futures.add(sender.send(record));
        }
        sender.flush();
        List<RecordMetadata> acknowledged = new ArrayList<>(records.size());
        for (java.util.concurrent.Future<RecordMetadata> future : futures) {
            acknowledged.add(await(future, "sending to " + records.get(acknowledged.size()).topic()));
        }
        return acknowledged;
    }

    /**
     * Sends records in one transaction of a fresh transactional producer, then commits it, or aborts
     * it when {@code commit} is false (what a {@code read_committed} reader must never see).
     */
    public void sendInTransaction(List<ProducerRecord<byte[], byte[]>> records, boolean commit) {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, uniqueName("ballast-test-tx"));
        try (KafkaProducer<byte[], byte[]> sender = new KafkaProducer<>(config)) {
            sender.initTransactions();
            sender.beginTransaction();
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> record : records) {
                futures.add(sender.send(record));
            }
            sender.flush();
            for (java.util.concurrent.Future<RecordMetadata> future : futures) {
                await(future, "sending in a transaction");
            }
            if (commit) {
                sender.commitTransaction();
            } else {
                sender.abortTransaction();
            }
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> sharedProducer() {
        requireStarted();
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig());
        }
        return producer;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = clientProperties();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis() / 2);
        return config;
    }

    /** Reads the topic from its beginning until at least {@code count} records have arrived. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout) {
        return consumeUntil(topic, records -> records.size() >= count, timeout,
                "at least " + count + " records");
    }

    /**
     * Reads the topic from its beginning, all partitions, {@code read_committed}, without a consumer
     * group (so nothing is committed), until {@code done} holds for everything read so far.
     *
     * @throws AssertionError when {@code done} does not hold within {@code timeout}
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeUntil(String topic,
                                                            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                            Duration timeout) {
        return consumeUntil(topic, done, timeout, "the expected records");
    }

    /**
     * Reads every committed record of the topic: from the beginning up to the end offsets (the last
     * stable offsets, under {@code read_committed}) as of this call.
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeToEnd(String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = newVerifyingConsumer()) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            return pollUntil(consumer, topic, records -> partitions.stream()
                            .allMatch(p -> consumer.position(p) >= end.get(p)),
                    timeout, "every record up to the end offsets " + end);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> consumeUntil(String topic,
                                                             Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                             Duration timeout,
                                                             String expectation) {
        try (KafkaConsumer<byte[], byte[]> consumer = newVerifyingConsumer()) {
            assignFromBeginning(consumer, topic);
            return pollUntil(consumer, topic, done, timeout, expectation);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> pollUntil(KafkaConsumer<byte[], byte[]> consumer,
                                                                  String topic,
                                                                  Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                  Duration timeout,
                                                                  String expectation) {
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(received)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError(String.format("Did not read %s from topic %s within %s: got %d records%s",
                        expectation, topic, timeout, received.size(), summarize(received)));
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(200))))) {
                received.add(record);
            }
        }
        return received;
    }

    private static String summarize(List<ConsumerRecord<byte[], byte[]>> received) {
        if (received.isEmpty()) {
            return "";
        }
        Map<Integer, Long> lastOffsets = received.stream()
                .collect(Collectors.toMap(ConsumerRecord::partition, ConsumerRecord::offset, Math::max, TreeMap::new));
        return ", last offset per partition " + lastOffsets;
    }

    private KafkaConsumer<byte[], byte[]> newVerifyingConsumer() {
        Map<String, Object> config = clientProperties();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, uniqueName("ballast-test-reader"));
        return new KafkaConsumer<>(config);
    }

    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, ADMIN_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist: create it with createTopics(...)");
        }
        List<TopicPartition> partitions = infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** The topics that exist now, internal ones excluded. */
    public Set<String> topics() {
        return await(adminClient().listTopics().names(), "listing topics");
    }

    private static <T> T await(java.util.concurrent.Future<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out " + what + " after " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted " + what, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed", closeable.getClass().getSimpleName(), e);
        }
    }
}
