package io.ballast.config;

import io.ballast.registry.RegistryConfig;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The job's configuration, parsed from {@code --name value} arguments and checked as a whole before
 * anything starts: an unknown option, a value of the wrong type or out of range fails with a message
 * naming the option and the value.
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

    private final Configuration conf;
    private final Properties kafka;
    private final Map<ConfigOption<?>, Object> values;

    private BallastConfig(Configuration conf, Properties kafka, Map<ConfigOption<?>, Object> values) {
        this.conf = conf;
        this.kafka = kafka;
        this.values = values;
    }

    /** Parses and checks the arguments against every option of the job ({@link JobOptions#all()}). */
    public static BallastConfig fromArgs(String... args) {
        return fromArgs(List.of(args), JobOptions.all(), JobOptions.FLAGS);
    }

    /**
     * @param options the options this program understands
     * @param flags boolean options that may be given without a value ({@code --local})
     */
    public static BallastConfig fromArgs(List<String> args, Collection<ConfigOption<?>> options, Set<String> flags) {
        return fromArgs(args, options, flags, System::getenv);
    }

    /**
     * As {@link #fromArgs(List, Collection, Set)}, with {@code env} answering {@code ${env:NAME}}
     * references (to check a deployment's arguments without its secrets).
     */
    public static BallastConfig fromArgs(List<String> args, Collection<ConfigOption<?>> options, Set<String> flags,
                                         java.util.function.Function<String, String> env) {
        Map<String, ConfigOption<?>> known = new LinkedHashMap<>();
        for (ConfigOption<?> o : options) {
            known.put(o.key(), o);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        Properties kafka = new Properties();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("Unexpected argument '" + arg + "': options are given as --name value");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name) && (i + 1 == args.size() || args.get(i + 1).startsWith("--"))) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException("Option --" + name + " has no value");
            }
            if (name.startsWith(BallastOptions.KAFKA_PREFIX) && name.length() > BallastOptions.KAFKA_PREFIX.length()) {
                kafka.setProperty(name.substring(BallastOptions.KAFKA_PREFIX.length()), value);
                continue;
            }
            if (!known.containsKey(name)) {
                throw new ConfigException("Unknown option --" + name + ". Known options: "
                        + new TreeSet<>(known.keySet()).stream().map(k -> "--" + k).collect(Collectors.joining(", "))
                        + ", and --kafka.<property> for Kafka client properties");
            }
            if (raw.put(name, value) != null) {
                throw new ConfigException("Option --" + name + " is given twice");
            }
        }
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (SECRETS.contains(e.getKey())) {
                e.setValue(resolveSecret(e.getKey(), e.getValue(), env));
            }
        }
        Configuration conf = Configuration.fromMap(raw);
        Map<ConfigOption<?>, Object> values = new LinkedHashMap<>();
        for (ConfigOption<?> o : known.values()) {
            try {
                values.put(o, conf.get(o));
            } catch (RuntimeException e) {
                throw new ConfigException("Invalid value '" + raw.get(o.key()) + "' for option --" + o.key()
                        + ": expected " + expected(o) + " (" + describe(o) + ")", e);
            }
        }
        BallastConfig config = new BallastConfig(conf, kafka, values);
        config.check();
        return config;
    }

    /** Options whose value may be a reference, so that the secret itself never sits in a job spec. */
    static final Set<String> SECRETS = Set.of(BallastOptions.REGISTRY_USER_INFO.key(),
            BallastOptions.REGISTRY_BEARER_TOKEN.key(), BallastOptions.REGISTRY_TRUSTSTORE_PASSWORD.key());

    /**
     * A secret option's value: {@code ${env:NAME}} reads the environment variable NAME,
     * {@code ${file:PATH}} the file's content (trailing newline removed), anything else is the value.
     */
    static String resolveSecret(String option, String value, java.util.function.Function<String, String> env) {
        if (value.startsWith("${env:") && value.endsWith("}")) {
            String name = value.substring("${env:".length(), value.length() - 1);
            String resolved = env.apply(name);
            if (resolved == null || resolved.isEmpty()) {
                throw new ConfigException("Option --" + option + " refers to the environment variable " + name
                        + ", which is not set");
            }
            return resolved;
        }
        if (value.startsWith("${file:") && value.endsWith("}")) {
            Path path = Path.of(value.substring("${file:".length(), value.length() - 1));
            try {
                String content = Files.readString(path);
                return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            } catch (java.io.IOException e) {
                throw new ConfigException("Option --" + option + " refers to the file " + path + ", which cannot be read: "
                        + e.getMessage(), e);
            }
        }
        return value;
    }

    /** The option's one-line description as plain text. */
    public static String describe(ConfigOption<?> o) {
        return new HtmlFormatter().format(o.description()).replace("&lt;", "<").replace("&gt;", ">");
    }

    private static String expected(ConfigOption<?> o) {
        Object d = o.hasDefaultValue() ? o.defaultValue() : null;
        if (d instanceof Duration) {
            return "a duration such as '10 s', '500 ms' or '5 min'";
        }
        if (d instanceof Boolean) {
            return "true or false";
        }
        if (d instanceof Integer) {
            return "an integer";
        }
        return "a valid value";
    }

    private void check() {
        if (options().contains(BallastOptions.BOOTSTRAP)) {
            String bootstrap = require(BallastOptions.BOOTSTRAP);
            for (String server : bootstrap.split(",")) {
                String s = server.trim();
                int colon = s.lastIndexOf(':');
                if (colon <= 0 || colon == s.length() - 1 || !s.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                    throw bad(BallastOptions.BOOTSTRAP, bootstrap, "expected host:port[,host:port...]");
                }
            }
        }
        positive(BallastOptions.REGISTRY_CONNECT_TIMEOUT);
        positive(BallastOptions.REGISTRY_READ_TIMEOUT);
        positive(BallastOptions.REGISTRY_RETRY_BACKOFF);
        positive(BallastOptions.REGISTRY_RETRY_BACKOFF_MAX);
        positive(BallastOptions.TRANSACTION_TIMEOUT);
        positive(BallastOptions.CHECKPOINT_INTERVAL);
        for (ConfigOption<Duration> linger : List.of(BallastOptions.LINGER, BallastOptions.BULK_LINGER)) {
            if (!has(linger)) {
                continue; // a program without sinks (the sandbox's own options)
            }
            Duration d = get(linger);
            if (d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw bad(linger, d, "must be between 0 and 1 min");
            }
        }
        positive(BallastOptions.IDLENESS);
        positive(BallastOptions.MAX_CLOCK_SKEW);
        if (has(BallastOptions.MAX_OUT_OF_ORDERNESS) && get(BallastOptions.MAX_OUT_OF_ORDERNESS).isNegative()) {
            throw bad(BallastOptions.MAX_OUT_OF_ORDERNESS, get(BallastOptions.MAX_OUT_OF_ORDERNESS), "must be >= 0");
        }
        if (has(BallastOptions.REGISTRY_RETRIES) && get(BallastOptions.REGISTRY_RETRIES) < 0) {
            throw bad(BallastOptions.REGISTRY_RETRIES, get(BallastOptions.REGISTRY_RETRIES), "must be >= 0");
        }
        if (has(BallastOptions.MAX_RECORD_BYTES) && get(BallastOptions.MAX_RECORD_BYTES) < 64) {
            throw bad(BallastOptions.MAX_RECORD_BYTES, get(BallastOptions.MAX_RECORD_BYTES), "must be >= 64");
        }
        if (has(BallastOptions.PARALLELISM) && get(BallastOptions.PARALLELISM) != null && get(BallastOptions.PARALLELISM) < 1) {
            throw bad(BallastOptions.PARALLELISM, get(BallastOptions.PARALLELISM), "must be >= 1");
        }
        if (has(BallastOptions.MAX_PARALLELISM)) {
            int max = get(BallastOptions.MAX_PARALLELISM);
            if (max < 1 || max > 32768) {
                throw bad(BallastOptions.MAX_PARALLELISM, max, "must be between 1 and 32768");
            }
            Integer p = get(BallastOptions.PARALLELISM);
            if (p != null && p > max) {
                throw bad(BallastOptions.PARALLELISM, p, "must not exceed --max-parallelism " + max);
            }
        }
        if (has(BallastOptions.DELIVERY)) {
            delivery();
        }
        if (has(BallastOptions.STARTING_OFFSETS)) {
            startingOffsets();
        }
        if (has(BallastOptions.TRANSACTIONAL_ID_PREFIX) && get(BallastOptions.TRANSACTIONAL_ID_PREFIX).isBlank()) {
            throw bad(BallastOptions.TRANSACTIONAL_ID_PREFIX, "", "must not be blank");
        }
        if (has(BallastOptions.CHECKPOINT_DIR)) {
            String dir = get(BallastOptions.CHECKPOINT_DIR);
            try {
                URI uri = URI.create(dir);
                if (uri.getScheme() == null) {
                    throw bad(BallastOptions.CHECKPOINT_DIR, dir, "expected a URI with a scheme, e.g. file:///var/ballast/checkpoints or s3://bucket/path");
                }
            } catch (IllegalArgumentException e) {
                if (e instanceof ConfigException) {
                    throw e;
                }
                throw bad(BallastOptions.CHECKPOINT_DIR, dir, "not a valid URI: " + e.getMessage());
            }
        }
        Set<String> topics = new HashSet<>();
        for (ConfigOption<String> t : List.of(BallastOptions.TOPIC_QUOTES, BallastOptions.TOPIC_TRADES,
                BallastOptions.TOPIC_RISK_LIMITS, BallastOptions.TOPIC_SIGNALS, BallastOptions.TOPIC_RISK,
                BallastOptions.TOPIC_VOL_SKEW, BallastOptions.TOPIC_REJECTED)) {
            if (!has(t)) {
                continue;
            }
            String name = get(t);
            if (name.isBlank() || !name.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw bad(t, name, "a Kafka topic name is 1-249 characters of [a-zA-Z0-9._-]");
            }
            if (!topics.add(name)) {
                throw bad(t, name, "this topic is already used by another topic option");
            }
        }
        if (options().contains(BallastOptions.REGISTRY)) {
            require(BallastOptions.REGISTRY);
            try {
                registry();
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Invalid registry configuration: " + e.getMessage(), e);
            }
            String trustStore = get(BallastOptions.REGISTRY_TRUSTSTORE);
            if (trustStore != null && !Files.isReadable(Path.of(trustStore))) {
                throw bad(BallastOptions.REGISTRY_TRUSTSTORE, trustStore, "the file does not exist or is not readable");
            }
        }
    }

    // ---------------------------------------------------------------- typed access

    private Set<ConfigOption<?>> options() {
        return values.keySet();
    }

    private boolean has(ConfigOption<?> option) {
        return values.containsKey(option);
    }

    /** The value of an option (its default when not given); null for an unset option without default. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        if (!values.containsKey(option)) {
            throw new IllegalArgumentException("Option " + option.key() + " is not an option of this program");
        }
        return (T) values.get(option);
    }

    /** Whether the option was given on the command line. */
    public boolean isSet(ConfigOption<?> option) {
        return conf.containsKey(option.key());
    }

    public <T> T require(ConfigOption<T> option) {
        T v = get(option);
        if (v == null || (v instanceof String && ((String) v).isBlank())) {
            throw new ConfigException("Option --" + option.key() + " is required: " + describe(option));
        }
        return v;
    }

    /** Kafka client properties given as {@code --kafka.<property> value}. */
    public Properties kafkaProperties() {
        Properties copy = new Properties();
        copy.putAll(kafka);
        return copy;
    }

    public RegistryConfig registry() {
        return RegistryConfig.builder(require(BallastOptions.REGISTRY))
                .autoRegister(get(BallastOptions.REGISTRY_AUTO_REGISTER))
                .basicAuthUserInfo(get(BallastOptions.REGISTRY_USER_INFO))
                .bearerToken(get(BallastOptions.REGISTRY_BEARER_TOKEN))
                .trustStore(get(BallastOptions.REGISTRY_TRUSTSTORE), get(BallastOptions.REGISTRY_TRUSTSTORE_PASSWORD),
                        get(BallastOptions.REGISTRY_TRUSTSTORE_TYPE))
                .connectTimeout(get(BallastOptions.REGISTRY_CONNECT_TIMEOUT))
                .readTimeout(get(BallastOptions.REGISTRY_READ_TIMEOUT))
                .maxRetries(get(BallastOptions.REGISTRY_RETRIES))
                .retryBackoff(get(BallastOptions.REGISTRY_RETRY_BACKOFF))
                .maxRetryBackoff(get(BallastOptions.REGISTRY_RETRY_BACKOFF_MAX))
                .build();
    }

    public Delivery delivery() {
        return parseEnum(BallastOptions.DELIVERY, Delivery.class);
    }

    public StartingOffsets startingOffsets() {
        return parseEnum(BallastOptions.STARTING_OFFSETS, StartingOffsets.class);
    }

    private <E extends Enum<E>> E parseEnum(ConfigOption<String> option, Class<E> type) {
        String v = get(option);
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
        throw bad(option, v, "expected one of " + allowed);
    }

    private void positive(ConfigOption<Duration> option) {
        if (!has(option)) {
            return;
        }
        Duration d = get(option);
        if (d.isNegative() || d.isZero()) {
            throw bad(option, d, "must be positive");
        }
    }

    /** A ConfigException naming the option, its value and what is wrong. */
    public static ConfigException bad(ConfigOption<?> option, Object value, String why) {
        String shown = value instanceof Duration ? ((Duration) value).toMillis() + " ms" : String.valueOf(value);
        return new ConfigException("Invalid value '" + shown + "' for option --" + option.key() + ": " + why);
    }
}
