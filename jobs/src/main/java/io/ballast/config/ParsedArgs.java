package io.ballast.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code --name value} (or {@code --name=value}) arguments parsed against the options a program declares:
 * every value typed once, with the option's default where none is given. The one parser of the job,
 * the sandbox, the harness and the tools. An unknown option, a repeated one or a value of the wrong type
 * fails with a {@link ConfigException} naming the option and the value; range checks are the program's
 * (for the job: {@link BallastConfig}). Immutable.
 */
public final class ParsedArgs {

    /** Options whose value may be a reference, so that the secret itself never sits in a job spec. */
    static final Set<String> SECRETS = Set.of(BallastOptions.REGISTRY_USER_INFO.key(),
            BallastOptions.REGISTRY_BEARER_TOKEN.key(), BallastOptions.REGISTRY_TRUSTSTORE_PASSWORD.key(),
            BallastOptions.REGISTRY_KEYSTORE_PASSWORD.key());

    /**
     * {@code --debug}: stack traces of failures (also {@code BALLAST_DEBUG=1}); an option of every program,
     * read by {@link CommandLine#debug} before the arguments are parsed.
     */
    public static final ConfigOption<Boolean> DEBUG = ConfigOptions.key(CommandLine.DEBUG_KEY)
            .booleanType().defaultValue(false).withDescription(CommandLine.DEBUG_DESCRIPTION);

    private final Configuration given;
    private final Map<ConfigOption<?>, Object> values;
    private final Properties kafka;

    private ParsedArgs(Configuration given, Map<ConfigOption<?>, Object> values, Properties kafka) {
        this.given = given;
        this.values = values;
        this.kafka = kafka;
    }

    /**
     * @param options the options this program understands
     * @param flags boolean options that may be given without a value ({@code --local})
     * @param kafkaPassThrough whether {@code --kafka.<property>} options are accepted (Kafka client properties)
     * @param env answers {@code ${env:NAME}} references of secret options
     */
    public static ParsedArgs parse(List<String> args, Collection<ConfigOption<?>> options, Set<String> flags,
                                   boolean kafkaPassThrough, Function<String, String> env) {
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
            if (kafkaPassThrough && name.startsWith(BallastOptions.KAFKA_PREFIX)
                    && name.length() > BallastOptions.KAFKA_PREFIX.length()) {
                kafka.setProperty(name.substring(BallastOptions.KAFKA_PREFIX.length()), value);
                continue;
            }
            if (!known.containsKey(name)) {
                throw new ConfigException("Unknown option --" + name + ". Known options: "
                        + new TreeSet<>(known.keySet()).stream().map(k -> "--" + k).collect(Collectors.joining(", "))
                        + (kafkaPassThrough ? ", and --kafka.<property> for Kafka client properties" : ""));
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
        return new ParsedArgs(conf, values, kafka);
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
        return given.containsKey(option.key());
    }

    /** The value, which must be given (or have a non-blank default). */
    public <T> T require(ConfigOption<T> option) {
        T v = get(option);
        if (v == null || (v instanceof String && ((String) v).isBlank())) {
            throw new ConfigException("Option --" + option.key() + " is required: " + describe(option));
        }
        return v;
    }

    /** Kafka client properties given as {@code --kafka.<property> value} (a copy). */
    public Properties kafkaProperties() {
        Properties copy = new Properties();
        copy.putAll(kafka);
        return copy;
    }

    /**
     * A secret option's value: {@code ${env:NAME}} reads the environment variable NAME,
     * {@code ${file:PATH}} the file's content (trailing newline removed), anything else is the value.
     */
    static String resolveSecret(String option, String value, Function<String, String> env) {
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

    /**
     * The option as {@code --help} shows it: its argument, its default as {@link #defaultText} and its
     * description as plain text ({@link #describe}).
     *
     * @param flag whether the option may be given without a value
     * @param required whether the program cannot run without it (shown instead of a missing default)
     */
    public static Help.Entry helpEntry(ConfigOption<?> o, boolean flag, boolean required) {
        return new Help.Entry(o.key(), argument(o, flag), required && !o.hasDefaultValue() ? "(required)" : defaultText(o),
                describe(o));
    }

    /**
     * The default as the help and the effective configuration show it: durations in their highest
     * whole unit ({@code 10 s}), {@code (none)} without default, {@code ""} for the empty string.
     */
    public static String defaultText(ConfigOption<?> o) {
        return o.hasDefaultValue() ? show(o.defaultValue()) : "(none)";
    }

    /** A value as the help and the effective configuration show it (see {@link #defaultText}). */
    public static String show(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Duration d) {
            return TimeUtils.formatWithHighestUnit(d);
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "\"\"" : text;
    }

    private static String argument(ConfigOption<?> o, boolean flag) {
        Class<?> type = o.hasDefaultValue() && o.defaultValue() != null ? o.defaultValue().getClass() : typeOf(o);
        if (type == Boolean.class) {
            return flag ? "[true|false]" : "<true|false>";
        }
        if (type == Duration.class) {
            return "<duration>";
        }
        if (type == Integer.class || type == Long.class) {
            return "<integer>";
        }
        if (type == Double.class || type == Float.class) {
            return "<number>";
        }
        return type == String.class ? "<text>" : "<value>";
    }

    /**
     * The value type of an option without a default: Flink keeps it behind a package-private accessor;
     * null when it cannot be read (the help then shows {@code <value>}).
     */
    private static Class<?> typeOf(ConfigOption<?> o) {
        try {
            java.lang.reflect.Method m = ConfigOption.class.getDeclaredMethod("getClazz");
            m.setAccessible(true);
            return (Class<?>) m.invoke(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String expected(ConfigOption<?> o) {
        Object d = o.hasDefaultValue() ? o.defaultValue() : null;
        if (d instanceof Duration) {
            return "a duration such as '10 s', '500 ms' or '5 min'";
        }
        if (d instanceof Boolean) {
            return "true or false";
        }
        if (d instanceof Integer || d instanceof Long) {
            return "an integer";
        }
        if (d instanceof Double) {
            return "a number";
        }
        return "a valid value";
    }

    /** A ConfigException naming the option, its value and what is wrong. */
    public static ConfigException bad(ConfigOption<?> option, Object value, String why) {
        String shown = value instanceof Duration ? ((Duration) value).toMillis() + " ms" : String.valueOf(value);
        return new ConfigException("Invalid value '" + shown + "' for option --" + option.key() + ": " + why);
    }
}
