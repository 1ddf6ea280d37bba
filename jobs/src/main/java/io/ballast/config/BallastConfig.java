package io.ballast.config;

import io.ballast.domain.PipelineSettings;
import io.ballast.domain.Topic;
import io.ballast.registry.RegistryConfig;
import org.apache.flink.configuration.ConfigOption;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * The job's settings: its arguments parsed once ({@link ParsedArgs}) and checked completely, before
 * anything touches the network, into one immutable tree of typed parts: {@link #kafka()},
 * {@link #registry()}, {@link #topics()}, {@link #sources()}, {@link #sinks()}, {@link #checkpoints()},
 * {@link #pipeline()}. Each builder of the job takes only its part. An unknown option, a value of the
 * wrong type or out of range fails with a {@link ConfigException} naming the option and the value.
 */
public final class BallastConfig {

    /** Output delivery guarantee. */
    public enum Delivery {
        EXACTLY_ONCE, AT_LEAST_ONCE
    }

    /** Where a job without state starts reading. */
    public enum StartingOffsets {
        COMMITTED, EARLIEST, LATEST
    }

    /** The Kafka cluster: bootstrap servers and the client properties given as {@code --kafka.*}. */
    public record Kafka(String bootstrap, Properties clientProperties) implements Serializable {
        public Kafka {
            Properties copy = new Properties();
            copy.putAll(clientProperties);
            clientProperties = copy;
        }

        /** A copy of the client properties (the settings stay as parsed). */
        @Override
        public Properties clientProperties() {
            return properties();
        }

        /** A copy of the client properties, to add to. */
        public Properties properties() {
            Properties copy = new Properties();
            copy.putAll(clientProperties);
            return copy;
        }
    }

    /** How the inputs are read. */
    public record Sources(String groupId, StartingOffsets startingOffsets, boolean bounded, Duration maxOutOfOrderness,
                          Duration idleness, int maxRecordBytes, Duration maxClockSkew) implements Serializable {
    }

    /** How the outputs are written. */
    public record Sinks(Delivery delivery, String transactionalIdPrefix, Duration transactionTimeout, Duration linger,
                        Duration bulkLinger) implements Serializable {
    }

    /** Checkpoints, parallelism and the network between operators. */
    public record Checkpoints(Duration interval, String dir, boolean unaligned, Duration alignedTimeout,
                              Duration bufferTimeout, Integer parallelism, int maxParallelism) implements Serializable {
    }

    /** The name of every topic of the contract. */
    public record TopicNames(Map<Topic, String> names) implements Serializable {
        public String name(Topic topic) {
            return names.get(topic);
        }

        /** All names, in the order of {@link Topic}. */
        public List<String> all() {
            return List.copyOf(names.values());
        }
    }

    private final ParsedArgs args;
    private final Kafka kafka;
    private final RegistryConfig registry;
    private final TopicNames topics;
    private final Sources sources;
    private final Sinks sinks;
    private final Checkpoints checkpoints;
    private final PipelineSettings pipeline;

    private BallastConfig(ParsedArgs a) {
        this.args = a;
        kafka = new Kafka(bootstrap(a), a.kafkaProperties());
        try {
            registry = registry(a);
        } catch (IllegalArgumentException e) {
            throw e instanceof ConfigException ? e : new ConfigException("Invalid registry configuration: " + e.getMessage(), e);
        }
        topics = topics(a);
        sources = new Sources(a.get(BallastOptions.GROUP_ID), parseEnum(a, BallastOptions.STARTING_OFFSETS, StartingOffsets.class),
                a.get(BallastOptions.SOURCE_BOUNDED), nonNegative(a, BallastOptions.MAX_OUT_OF_ORDERNESS),
                positive(a, BallastOptions.IDLENESS), atLeast(a, BallastOptions.MAX_RECORD_BYTES, 64),
                positive(a, BallastOptions.MAX_CLOCK_SKEW));
        String prefix = a.get(BallastOptions.TRANSACTIONAL_ID_PREFIX);
        if (prefix.isBlank()) {
            throw ParsedArgs.bad(BallastOptions.TRANSACTIONAL_ID_PREFIX, "", "must not be blank");
        }
        sinks = new Sinks(parseEnum(a, BallastOptions.DELIVERY, Delivery.class), prefix,
                positive(a, BallastOptions.TRANSACTION_TIMEOUT), linger(a, BallastOptions.LINGER),
                linger(a, BallastOptions.BULK_LINGER));
        checkpoints = checkpoints(a);
        pipeline = PipelineOptions.settings(a);
    }

    /** Parses and checks the job's arguments ({@link JobOptions#all()}). */
    public static BallastConfig fromArgs(String... args) {
        return fromArgs(List.of(args));
    }

    /** Parses and checks the job's arguments ({@link JobOptions#all()}). */
    public static BallastConfig fromArgs(List<String> args) {
        return fromArgs(args, System::getenv);
    }

    /**
     * As {@link #fromArgs(List)}, with {@code env} answering {@code ${env:NAME}} references (to check a
     * deployment's arguments without its secrets).
     */
    public static BallastConfig fromArgs(List<String> args, Function<String, String> env) {
        return new BallastConfig(ParsedArgs.parse(args, JobOptions.all(), JobOptions.FLAGS, true, env));
    }

    /**
     * As {@link #fromArgs(List)}, with {@code flags} besides the job's own (boolean options that may be
     * given without a value); {@code options} beyond {@link JobOptions#all()} are accepted and ignored.
     */
    public static BallastConfig fromArgs(List<String> args, java.util.Collection<ConfigOption<?>> options, Set<String> flags) {
        java.util.LinkedHashSet<ConfigOption<?>> all = new java.util.LinkedHashSet<>(JobOptions.all());
        all.addAll(options);
        Set<String> allFlags = new HashSet<>(JobOptions.FLAGS);
        allFlags.addAll(flags);
        return new BallastConfig(ParsedArgs.parse(args, all, allFlags, true, System::getenv));
    }

    public Kafka kafka() { return kafka; }
    public RegistryConfig registry() { return registry; }
    public TopicNames topics() { return topics; }
    public Sources sources() { return sources; }
    public Sinks sinks() { return sinks; }
    public Checkpoints checkpoints() { return checkpoints; }
    public PipelineSettings pipeline() { return pipeline; }
    public Delivery delivery() { return sinks.delivery(); }
    public StartingOffsets startingOffsets() { return sources.startingOffsets(); }

    /** Whether to run in an embedded MiniCluster with the web UI ({@code --local}), and on which port. */
    public boolean local() { return args.get(JobOptions.LOCAL); }
    public int webPort() { return args.get(JobOptions.WEB_PORT); }

    /** The value of an option as given or defaulted (for tools that show or check the arguments). */
    public <T> T get(ConfigOption<T> option) {
        return args.get(option);
    }

    /** Whether the option was given on the command line. */
    public boolean isSet(ConfigOption<?> option) {
        return args.isSet(option);
    }

    /** Kafka client properties given as {@code --kafka.<property> value}. */
    public Properties kafkaProperties() {
        return kafka.properties();
    }

    /**
     * The effective configuration, for the log at start: a header line, then every option of the job
     * ({@link JobOptions#all()}) with its value, {@code (default)} after those not given, then every
     * {@code --kafka.<property>} in name order. No secret appears: the registry's credentials and
     * trust and key store passwords, and every option or Kafka property that {@link Secrets#isSecret} names,
     * show {@value Secrets#MASK} (a Kafka property given as a bare {@code ${provider:...}} reference shows
     * the reference), and a URL's user info is masked.
     */
    public String effectiveConfiguration() {
        List<ConfigOption<?>> options = JobOptions.all();
        long given = options.stream().filter(args::isSet).count();
        Properties kafkaProperties = kafka.clientProperties();
        StringBuilder out = new StringBuilder("Ballast effective configuration (" + given + " of " + options.size()
                + " options given, the others at their defaults; " + kafkaProperties.size() + " Kafka client properties):");
        for (ConfigOption<?> o : options) {
            Object value = args.get(o);
            String shown;
            if (value != null && ParsedArgs.SECRETS.contains(o.key())) {
                shown = Secrets.MASK; // resolved from its reference already: the secret itself
            } else {
                shown = value == null ? "(none)" : Secrets.shown(o.key(), ParsedArgs.show(value));
            }
            out.append("\n  --").append(o.key()).append(' ').append(shown);
            if (!args.isSet(o)) {
                out.append(" (default)");
            }
        }
        for (String name : new java.util.TreeSet<>(kafkaProperties.stringPropertyNames())) {
            out.append("\n  --").append(BallastOptions.KAFKA_PREFIX).append(name).append(' ')
                    .append(Secrets.shown(name, kafkaProperties.getProperty(name)));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------ the checks

    private static String bootstrap(ParsedArgs a) {
        String bootstrap = a.require(BallastOptions.BOOTSTRAP);
        for (String server : bootstrap.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || !s.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                throw ParsedArgs.bad(BallastOptions.BOOTSTRAP, bootstrap, "expected host:port[,host:port...]");
            }
        }
        return bootstrap;
    }

    private static RegistryConfig registry(ParsedArgs a) {
        String url = a.require(BallastOptions.REGISTRY);
        positive(a, BallastOptions.REGISTRY_CONNECT_TIMEOUT);
        positive(a, BallastOptions.REGISTRY_READ_TIMEOUT);
        positive(a, BallastOptions.REGISTRY_RETRY_BACKOFF);
        positive(a, BallastOptions.REGISTRY_RETRY_BACKOFF_MAX);
        if (a.get(BallastOptions.REGISTRY_RETRIES) < 0) {
            throw ParsedArgs.bad(BallastOptions.REGISTRY_RETRIES, a.get(BallastOptions.REGISTRY_RETRIES), "must be >= 0");
        }
        String trustStore = a.get(BallastOptions.REGISTRY_TRUSTSTORE);
        String keyStore = a.get(BallastOptions.REGISTRY_KEYSTORE);
        String tokenFile = a.get(BallastOptions.REGISTRY_BEARER_TOKEN_FILE);
        RegistryConfig config = RegistryConfig.builder(url)
                .autoRegister(a.get(BallastOptions.REGISTRY_AUTO_REGISTER))
                .basicAuthUserInfo(a.get(BallastOptions.REGISTRY_USER_INFO))
                .bearerToken(a.get(BallastOptions.REGISTRY_BEARER_TOKEN))
                .trustStore(trustStore, a.get(BallastOptions.REGISTRY_TRUSTSTORE_PASSWORD),
                        a.get(BallastOptions.REGISTRY_TRUSTSTORE_TYPE))
                .keyStore(keyStore, a.get(BallastOptions.REGISTRY_KEYSTORE_PASSWORD),
                        a.get(BallastOptions.REGISTRY_KEYSTORE_TYPE))
                .bearerTokenFile(tokenFile)
                .connectTimeout(a.get(BallastOptions.REGISTRY_CONNECT_TIMEOUT))
                .readTimeout(a.get(BallastOptions.REGISTRY_READ_TIMEOUT))
                .maxRetries(a.get(BallastOptions.REGISTRY_RETRIES))
                .retryBackoff(a.get(BallastOptions.REGISTRY_RETRY_BACKOFF))
                .maxRetryBackoff(a.get(BallastOptions.REGISTRY_RETRY_BACKOFF_MAX))
                .build();
        if (trustStore != null && !Files.isReadable(Path.of(trustStore))) {
            throw ParsedArgs.bad(BallastOptions.REGISTRY_TRUSTSTORE, trustStore, "the file does not exist or is not readable");
        }
        if (keyStore != null && !Files.isReadable(Path.of(keyStore))) {
            throw ParsedArgs.bad(BallastOptions.REGISTRY_KEYSTORE, keyStore, "the file does not exist or is not readable");
        }
        if (tokenFile != null && !Files.isReadable(Path.of(tokenFile))) {
            throw ParsedArgs.bad(BallastOptions.REGISTRY_BEARER_TOKEN_FILE, tokenFile, "the file does not exist or is not readable");
        }
        return config;
    }

    private static TopicNames topics(ParsedArgs a) {
        Map<Topic, String> names = new EnumMap<>(Topic.class);
        Set<String> seen = new HashSet<>();
        for (Map.Entry<Topic, ConfigOption<String>> e : BallastOptions.TOPICS.entrySet()) {
            ConfigOption<String> t = e.getValue();
            String name = a.get(t);
            if (name.isBlank() || !name.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw ParsedArgs.bad(t, name, "a Kafka topic name is 1-249 characters of [a-zA-Z0-9._-]");
            }
            if (!seen.add(name)) {
                throw ParsedArgs.bad(t, name, "this topic is already used by another topic option");
            }
            names.put(e.getKey(), name);
        }
        return new TopicNames(Collections.unmodifiableMap(names));
    }

    private static Checkpoints checkpoints(ParsedArgs a) {
        Duration interval = positive(a, BallastOptions.CHECKPOINT_INTERVAL);
        String dir = a.get(BallastOptions.CHECKPOINT_DIR);
        try {
            if (URI.create(dir).getScheme() == null) {
                throw ParsedArgs.bad(BallastOptions.CHECKPOINT_DIR, dir,
                        "expected a URI with a scheme, e.g. file:///var/ballast/checkpoints or s3://bucket/path");
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw ParsedArgs.bad(BallastOptions.CHECKPOINT_DIR, dir, "not a valid URI: " + e.getMessage());
        }
        Integer parallelism = a.get(BallastOptions.PARALLELISM);
        if (parallelism != null && parallelism < 1) {
            throw ParsedArgs.bad(BallastOptions.PARALLELISM, parallelism, "must be >= 1");
        }
        int max = a.get(BallastOptions.MAX_PARALLELISM);
        if (max < 1 || max > 32768) {
            throw ParsedArgs.bad(BallastOptions.MAX_PARALLELISM, max, "must be between 1 and 32768");
        }
        if (parallelism != null && parallelism > max) {
            throw ParsedArgs.bad(BallastOptions.PARALLELISM, parallelism, "must not exceed --max-parallelism " + max);
        }
        return new Checkpoints(interval, dir, a.get(BallastOptions.CHECKPOINT_UNALIGNED),
                nonNegative(a, BallastOptions.CHECKPOINT_ALIGNED_TIMEOUT), nonNegative(a, BallastOptions.BUFFER_TIMEOUT),
                parallelism, max);
    }

    private static Duration linger(ParsedArgs a, ConfigOption<Duration> linger) {
        Duration d = a.get(linger);
        if (d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw ParsedArgs.bad(linger, d, "must be between 0 and 1 min");
        }
        return d;
    }

    private static <E extends Enum<E>> E parseEnum(ParsedArgs a, ConfigOption<String> option, Class<E> type) {
        String v = a.get(option);
        String normalized = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(normalized)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw ParsedArgs.bad(option, v, "expected one of " + allowed);
    }

    private static Duration positive(ParsedArgs a, ConfigOption<Duration> option) {
        Duration d = a.get(option);
        if (d.isNegative() || d.isZero()) {
            throw ParsedArgs.bad(option, d, "must be positive");
        }
        return d;
    }

    private static Duration nonNegative(ParsedArgs a, ConfigOption<Duration> option) {
        Duration d = a.get(option);
        if (d.isNegative()) {
            throw ParsedArgs.bad(option, d, "must be >= 0");
        }
        return d;
    }

    private static int atLeast(ParsedArgs a, ConfigOption<Integer> option, int min) {
        int v = a.get(option);
        if (v < min) {
            throw ParsedArgs.bad(option, v, "must be >= " + min);
        }
        return v;
    }
}
