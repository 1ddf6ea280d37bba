package io.ballast.tools;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Deribit chains of {@code shared/data/deribit/} (provenance in its README), found by walking
 * up from the working directory (surefire runs in the module directory, {@code jobs/}; the data lies
 * next to the clone, {@code ../../shared/data/deribit/} from there). {@code -Dballast.deribit.data=DIR}
 * or the environment variable {@code BALLAST_DERIBIT_DATA} names it explicitly. When it cannot be
 * found the tests are skipped on a workstation and FAIL on CI ({@code CI=true}).
 */
final class DeribitFixtures {

  static final String RELATIVE = "shared/data/deribit";

  private DeribitFixtures() {
  }

  static Path dir() {
    String explicit = System.getProperty("ballast.deribit.data",
        System.getenv("BALLAST_DERIBIT_DATA"));
    if (explicit != null && !explicit.isBlank()) {
      Path p = Path.of(explicit);
      if (Files.isDirectory(p)) {
        return p;
      }
      fail("the Deribit data directory " + p.toAbsolutePath() + " does not exist");
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve(RELATIVE);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    String message = "no " + RELATIVE + " above " + Path.of("").toAbsolutePath()
        + " (the real Deribit chains; see shared/data/deribit/README.md)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
    return null;
  }

  private static final Map<Path, DeribitChain.Chain> CHAINS = new ConcurrentHashMap<>();

  /**
   * A file read once per test JVM (several test classes use the same chains); a row left out fails
   * the test that asks for it.
   */
  static DeribitChain.Chain chain(Path file) {
    return CHAINS.computeIfAbsent(file, f -> {
      try {
        return DeribitChain.read(f, (line, message, text) -> {
          throw new AssertionError(f + " line " + line + ": " + message);
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** {@code BTC_…csv}, {@code ETH_…csv}. */
  static List<Path> orderBookFiles() {
    return files("glob:**/{BTC,ETH}_*.csv");
  }

  /** {@code deribit_options_snapshot_…csv}. */
  static List<Path> snapshotFiles() {
    return files("glob:**/deribit_options_snapshot_*.csv");
  }

  private static List<Path> files(String glob) {
    Path dir = dir();
    var matcher = dir.getFileSystem().getPathMatcher(glob);
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(matcher::matches).sorted().toList();
      if (files.isEmpty()) {
        fail("no " + glob + " in " + dir);
      }
      return files;
    } catch (IOException e) {
      throw new AssertionError("cannot list " + dir, e);
    }
  }
}
