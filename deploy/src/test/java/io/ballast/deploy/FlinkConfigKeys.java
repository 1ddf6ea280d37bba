package io.ballast.deploy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The configuration keys of the Flink version the build uses, read from the option classes in
 * flink-core's {@code org.apache.flink.configuration} package: current keys, and the deprecated keys
 * Flink still maps to them. Flink 2 renamed many keys ({@code state.checkpoints.dir} became
 * {@code execution.checkpointing.dir}, ...): a configuration file must use the current ones.
 */
final class FlinkConfigKeys {

    /**
     * Keys outside flink-core: reporters are named by the user, and plugins (S3), the Kubernetes
     * integration, the operator and RocksDB live in other modules.
     */
    static final List<String> OTHER_MODULE_PREFIXES = List.of(
            "metrics.reporter.", "s3.", "kubernetes.", "job.autoscaler.", "state.backend.rocksdb.");

    private static final FlinkConfigKeys INSTANCE = scan();

    private final Set<String> current;
    private final Map<String, String> deprecated;

    private FlinkConfigKeys(Set<String> current, Map<String, String> deprecated) {
        this.current = current;
        this.deprecated = deprecated;
    }

    static FlinkConfigKeys get() {
        return INSTANCE;
    }

    /** Problems of one key: deprecated (naming its replacement) or unknown; empty when fine. */
    List<String> problems(String key) {
        List<String> out = new ArrayList<>();
        if (current.contains(key)) {
            return out;
        }
        if (deprecated.containsKey(key)) {
            out.add("'" + key + "' is a deprecated Flink key: use '" + deprecated.get(key) + "'");
            return out;
        }
        for (String prefix : OTHER_MODULE_PREFIXES) {
            if (key.startsWith(prefix)) {
                return out;
            }
        }
        out.add("'" + key + "' is not a configuration key of Flink " + Repo.flinkVersion());
        return out;
    }

    int size() {
        return current.size();
    }

    private static FlinkConfigKeys scan() {
        Set<String> current = new HashSet<>();
        Map<String, String> deprecated = new HashMap<>();
        Path jar;
        try {
            jar = Path.of(CheckpointingOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("org/apache/flink/configuration/") && n.endsWith("Options.class"))
                    .filter(n -> n.indexOf('/', "org/apache/flink/configuration/".length()) < 0 && !n.contains("$"))
                    .forEach(n -> classes.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : classes) {
            try {
                Class<?> type = Class.forName(name, true, FlinkConfigKeys.class.getClassLoader());
                for (Field f : type.getFields()) {
                    if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                        ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                        current.add(option.key());
                        for (FallbackKey fallback : option.fallbackKeys()) {
                            if (fallback.isDeprecated()) {
                                deprecated.putIfAbsent(fallback.getKey(), option.key());
                            }
                        }
                    }
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // An options class needing a module that is not here: its keys are not checked.
            }
        }
        deprecated.keySet().removeAll(current);
        return new FlinkConfigKeys(Collections.unmodifiableSet(current), Collections.unmodifiableMap(deprecated));
    }
}
