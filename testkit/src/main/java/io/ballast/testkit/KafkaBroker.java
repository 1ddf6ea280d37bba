package io.ballast.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
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
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node, broker and controller combined
 * ({@link KafkaRaftServer}, the server {@code kafka-server-start.sh} runs, after formatting its storage
 * as {@code kafka-storage.sh format} does), listening on 127.0.0.1 only. The tests (through
 * {@link KafkaBrokerExtension}), the sandbox and the harness all run this one.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.builder().port(9092).build()) {
 *     kafka.start();
 *     kafka.createTopics(2, "quotes", "trades");
 * }
 * }</pre>
 *
 * <p>Defaults: a free port (or {@link Builder#port}), replication factor 1 and one partition for the
 * offsets and transaction-state topics, {@code group.initial.rebalance.delay.ms=0},
 * {@code auto.create.topics.enable=false} (create topics with {@link #createTopics}),
 * {@code transaction.max.timeout.ms} at Kafka's default (15 min), a laptop-sized thread count; its
 * data in a temporary directory deleted by {@link #close()} (or {@link Builder#logDir}).
 *
 * <p>Secured ({@link Builder#saslSsl}): a second listener, SASL_SSL with SCRAM-SHA-512 and the server
 * certificate given, for the clients under test, and ACLs enforced by KRaft's {@code StandardAuthorizer};
 * the PLAINTEXT listener stays for the kit's own clients (topics, inputs, reading outputs), whose
 * principal ({@code User:ANONYMOUS}) is the super user, as are the broker and controller on their
 * PLAINTEXT listeners. Users are added with {@link #createScramUser}, permissions with {@link #createAcls}.
 */
public class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String HOST = Ports.HOST;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SASL_SSL = "SASL_SSL";
    /** The SASL mechanism of the secured listener. */
    public static final String SCRAM = "SCRAM-SHA-512";
    /** Node 0, as a one-node cluster usually numbers it (a broker's configs are described by its id). */
    private static final int NODE_ID = 0;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> brokerProperties;
    private final int requestedPort;
    private final Path requestedLogDir;
    private final boolean closeOnExit;
    private final Tls tls;

    private KafkaRaftServer server;
    private KafkaConfig config;
    private Path logDir;
    private String bootstrapServers;
    private String saslSslBootstrapServers;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private Duration startupDuration;
    private boolean brokerStopped;
    private boolean closed;
    private Thread shutdownHook;

    protected KafkaBroker(Builder<?> builder) {
        this.brokerProperties = Map.copyOf(builder.properties);
        this.requestedPort = builder.port;
        this.requestedLogDir = builder.logDir;
        this.closeOnExit = builder.closeOnExit;
        this.tls = builder.tls;
    }

    /** The SASL_SSL listener's certificate: the server's key store, and the trust store its clients use. */
    private record Tls(Path keyStore, Path trustStore, String password) {
    }

    /** A broker to {@link #start()}. */
    public static Builder<? extends KafkaBroker> builder() {
        return new Builder<>(KafkaBroker::new);
    }

    /** A topic (or group, or transactional id) name that no other user of this JVM's brokers has. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Builds a broker: {@code B} is {@link KafkaBroker}, or the JUnit extension. */
    public static final class Builder<B extends KafkaBroker> {
        private final Function<Builder<B>, B> factory;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private int port;
        private Path logDir;
        private boolean closeOnExit = true;
        private Tls tls;

        public Builder(Function<Builder<B>, B> factory) {
            this.factory = factory;
            properties.put("offsets.topic.replication.factor", "1");
            properties.put("offsets.topic.num.partitions", "1");
            properties.put("transaction.state.log.replication.factor", "1");
            properties.put("transaction.state.log.min.isr", "1");
            properties.put("transaction.state.log.num.partitions", "1");
            properties.put("share.coordinator.state.topic.replication.factor", "1");
            properties.put("share.coordinator.state.topic.min.isr", "1");
            properties.put("group.initial.rebalance.delay.ms", "0");
            properties.put("auto.create.topics.enable", "false");
            properties.put("num.partitions", "1");
            // Kafka's default, stated because Ballast checks its transaction timeout against it.
            properties.put("transaction.max.timeout.ms", "900000");
            // A laptop-sized broker.
            properties.put("num.network.threads", "2");
            properties.put("num.io.threads", "2");
            properties.put("log.cleaner.threads", "1");
            properties.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
            properties.put("log.cleaner.backoff.ms", "5000");
        }

        /** Sets a broker configuration, e.g. {@code transaction.max.timeout.ms}. */
        public Builder<B> brokerProperty(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), String.valueOf(Objects.requireNonNull(value, key)));
            return this;
        }

        /** The client port on 127.0.0.1; 0 (the default) for a free one. */
        public Builder<B> port(int port) {
            this.port = port;
            return this;
        }

        /** Where the broker keeps its data (left in place by {@link #close()}); default a temporary directory. */
        public Builder<B> logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /**
         * Whether a JVM shutdown hook closes the broker (the default). A program whose own shutdown hook
         * still needs the broker (the sandbox writes its report on Ctrl-C) closes it itself.
         */
        public Builder<B> closeOnJvmExit(boolean close) {
            this.closeOnExit = close;
            return this;
        }

        /**
         * Adds a SASL_SSL listener (SCRAM-SHA-512, TLS with the PKCS12 {@code serverKeyStore}, whose key has
         * the store's {@code password}) and enforces ACLs; {@code trustStore} (PKCS12, same password) is what
         * {@link #saslSslClientProperties} gives clients. See the class comment.
         */
        public Builder<B> saslSsl(Path serverKeyStore, Path trustStore, String password) {
            this.tls = new Tls(Objects.requireNonNull(serverKeyStore, "serverKeyStore"),
                    Objects.requireNonNull(trustStore, "trustStore"), Objects.requireNonNull(password, "password"));
            return this;
        }

        public B build() {
            return factory.apply(this);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Formats the storage and starts the node, unless it runs already. Blocks until it accepts clients. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("This Kafka broker was closed; build a new one");
        }
        long started = System.nanoTime();
        int port = requestedPort == 0 ? Ports.free() : requestedPort;
        try {
            logDir = requestedLogDir != null ? Files.createDirectories(requestedLogDir)
                    : Files.createTempDirectory("ballast-kafka-");
            int saslPort = tls == null ? 0 : Ports.free();
            config = KafkaConfig.fromProps(properties(port, Ports.free(), saslPort), false);
            format(logDir);
            bootstrapServers = HOST + ":" + port;
            saslSslBootstrapServers = tls == null ? null : HOST + ":" + saslPort;
            startServer();
        } catch (Exception e) {
            stopServer();
            deleteLogDir();
            throw new IllegalStateException("Could not start the Kafka broker on " + HOST + ":" + port + ": " + e, e);
        }
        startupDuration = Duration.ofNanos(System.nanoTime() - started);
        if (closeOnExit) {
            shutdownHook = new Thread(this::close, "kafka-broker-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        LOG.info("Kafka broker (KRaft, combined) at {} started in {} ms", bootstrapServers, startupDuration.toMillis());
    }

    private Properties properties(int port, int controllerPort, int saslPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        String sasl = tls == null ? "" : "," + SASL_SSL + "://" + HOST + ":" + saslPort;
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + sasl + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port + sasl);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"
                + (tls == null ? "" : "," + SASL_SSL + ":" + SASL_SSL));
        p.put("log.dirs", logDir.toString());
        if (tls != null) {
            String listener = "listener.name." + SASL_SSL.toLowerCase(java.util.Locale.ROOT) + ".";
            p.put("sasl.enabled.mechanisms", SCRAM);
            p.put(listener + "sasl.enabled.mechanisms", SCRAM);
            p.put(listener + SCRAM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put(listener + "ssl.keystore.type", "PKCS12");
            p.put(listener + "ssl.keystore.location", tls.keyStore().toString());
            p.put(listener + "ssl.keystore.password", tls.password());
            p.put(listener + "ssl.key.password", tls.password());
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // The PLAINTEXT listeners (the kit's clients, the broker to itself, the controller) are trusted.
            p.put("super.users", "User:ANONYMOUS");
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        p.putAll(brokerProperties);
        return p;
    }

    private static void format(Path logDir) throws Exception {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setHasDynamicQuorum(false)
                    .run();
        }
    }

    private void startServer() throws ExecutionException, InterruptedException, TimeoutException {
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        server = s;
        s.startup();
        awaitClients();
    }

    private void stopServer() {
        closeQuietly(producer);
        closeQuietly(admin);
        producer = null;
        admin = null;
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    private void awaitClients() throws ExecutionException, InterruptedException, TimeoutException {
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

    /** Stops the broker and deletes its data (unless {@link Builder#logDir} was given). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!brokerStopped) {
            stopServer();
        }
        server = null;
        deleteLogDir();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmShuttingDown) {
                // Nothing to remove then.
            }
        }
    }

    private void deleteLogDir() {
        if (requestedLogDir == null && logDir != null) {
            Dirs.deleteTree(logDir);
        }
    }

    /**
     * Shuts the node down; its data stays. Clients see a broker that is gone until {@link #startBroker()}.
     */
    public synchronized void stopBroker() {
        requireStarted();
        if (!brokerStopped) {
            stopServer();
            brokerStopped = true;
            LOG.info("Kafka broker at {} stopped", bootstrapServers);
        }
    }

    /**
     * Starts a node stopped by {@link #stopBroker()} again, on the same port and data, and waits until it
     * accepts clients. The controller lets the broker register again only once its previous session has
     * expired, so this takes up to {@code broker.session.timeout.ms} (9 s by default) after the stop:
     * fault tests set e.g. {@code broker.session.timeout.ms=2000} and {@code broker.heartbeat.interval.ms=500}.
     */
    public synchronized void startBroker() {
        requireStarted();
        if (!brokerStopped) {
            return;
        }
        long started = System.nanoTime();
        try {
            startServer();
        } catch (Exception e) {
            throw new IllegalStateException("The Kafka broker did not come back at " + bootstrapServers + ": " + e, e);
        }
        brokerStopped = false;
        LOG.info("Kafka broker at {} restarted in {} ms", bootstrapServers, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** {@link #stopBroker()} then {@link #startBroker()}. */
    public void restartBroker() {
        stopBroker();
        startBroker();
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException(closed ? "This Kafka broker was closed" : notStartedMessage());
        }
    }

    /** What {@link IllegalStateException} says when the broker is used before {@link #start()}. */
    protected String notStartedMessage() {
        return "The Kafka broker is not started: call start()";
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

    /** {@code 127.0.0.1:PORT} of the SASL_SSL listener ({@link Builder#saslSsl}). */
    public synchronized String saslSslBootstrapServers() {
        requireStarted();
        if (saslSslBootstrapServers == null) {
            throw new IllegalStateException("This broker has no SASL_SSL listener: build it with saslSsl(...)");
        }
        return saslSslBootstrapServers;
    }

    /**
     * Client properties for the SASL_SSL listener as {@code user} with {@code password}: bootstrap servers,
     * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and the trust store.
     */
    public Map<String, Object> saslSslClientProperties(String user, String password) {
        Map<String, Object> config = new TreeMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslSslBootstrapServers());
        config.put("security.protocol", SASL_SSL);
        config.put("sasl.mechanism", SCRAM);
        config.put("sasl.jaas.config", jaasConfig(user, password));
        config.put("ssl.truststore.type", "PKCS12");
        config.put("ssl.truststore.location", tls.trustStore().toString());
        config.put("ssl.truststore.password", tls.password());
        return config;
    }

    /** The {@code sasl.jaas.config} of a SCRAM client. */
    public static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /**
     * Creates (or replaces) the SCRAM-SHA-512 credentials of {@code user}, as {@code kafka-configs.sh
     * --alter --add-config SCRAM-SHA-512=[...]} does, and waits until the user can log in on the
     * SASL_SSL listener.
     */
    public void createScramUser(String user, String password) {
        saslSslBootstrapServers();
        await(adminClient().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all(), "creating SCRAM user " + user);
        Map<String, Object> config = saslSslClientProperties(user, password);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, uniqueName("ballast-kit-login-check"));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        try (Admin login = Admin.create(config)) {
            // The credentials reach the broker through the metadata log, a moment after the controller took them.
            Await.until(ADMIN_TIMEOUT, Duration.ofMillis(100), "SCRAM user " + user + " to log in on " + saslSslBootstrapServers,
                    () -> {
                        try {
                            login.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                            return true;
                        } catch (ExecutionException | TimeoutException e) {
                            return false;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    });
        }
    }

    /** Creates ACLs and waits until the broker's authorizer has every one of them. */
    public void createAcls(Collection<AclBinding> acls) {
        await(adminClient().createAcls(acls).all(), "creating ACLs");
        Await.until(ADMIN_TIMEOUT, Duration.ofMillis(100), "the broker to enforce " + acls.size() + " ACLs", () ->
                await(adminClient().describeAcls(AclBindingFilter.ANY).values(), "describing ACLs").containsAll(acls));
    }

    /** An admin client owned by this extension: do not close it. */
    public synchronized Admin adminClient() {
        requireStarted();
        if (admin == null) {
            Map<String, Object> config = new TreeMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ballast-kit-admin");
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
    public void createTopics(Collection<NewTopic> topics) {
        createTopics(topics.toArray(NewTopic[]::new));
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
                    // The metadata names a leader before the broker itself acts as one: a first produce can then
                    // get NOT_LEADER_OR_FOLLOWER, and the shared idempotent producer was seen to retry that batch
                    // into OUT_OF_ORDER_SEQUENCE_NUMBER until it expired. Listing offsets is answered by the
                    // leader's replica manager only (the admin client retries until it is), so wait for that too.
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions =
                            new java.util.HashMap<>();
                    descriptions.forEach((name, d) -> d.partitions().forEach(p -> partitions.put(
                            new org.apache.kafka.common.TopicPartition(name, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
                    adminClient().listOffsets(partitions).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
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
