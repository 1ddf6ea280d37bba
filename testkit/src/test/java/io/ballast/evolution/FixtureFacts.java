package io.ballast.evolution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** The committed savepoint fixture: where it is, and {@code fixture.properties} (what its output said). */
final class FixtureFacts {

    static final String FILE = "fixture.properties";
    static final String SNAPSHOT = "snapshot.";
    static final String SIGNAL = "signal.";
    static final String NET_DELTA = "netDelta.";

    private final Properties properties = new Properties();
    private final Path savepoint;

    private FixtureFacts(Path savepoint) {
        this.savepoint = savepoint;
        try (InputStream in = FixtureFacts.class.getResourceAsStream(StateFixture.RESOURCE + "/" + FILE)) {
            if (in == null) {
                throw new IllegalStateException("No " + FILE + " under " + StateFixture.RESOURCE
                        + " on the test classpath: write the fixture (see WriteStateFixtureITCase)");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FixtureFacts load() {
        URL metadata = FixtureFacts.class.getResource(StateFixture.RESOURCE + "/_metadata");
        if (metadata == null) {
            throw new IllegalStateException("No savepoint under " + StateFixture.RESOURCE + " on the test classpath");
        }
        try {
            return new FixtureFacts(Paths.get(metadata.toURI()).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The savepoint directory, to restore from. */
    Path savepoint() {
        return savepoint;
    }

    Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(SNAPSHOT)) {
                keys.add(name.substring(SNAPSHOT.length()));
            }
        }
        return keys;
    }

    long lastSnapshotSequence(String key) {
        return Long.parseLong(properties.getProperty(SNAPSHOT + key, "0"));
    }

    long lastSignalSequence(String key) {
        return Long.parseLong(properties.getProperty(SIGNAL + key, "0"));
    }

    double netDelta(String key) {
        return Double.parseDouble(properties.getProperty(NET_DELTA + key));
    }

    int count(String name) {
        return Integer.parseInt(properties.getProperty(name));
    }
}
