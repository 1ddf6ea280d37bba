package io.ballast.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories the kit and its users make and remove. */
public final class Dirs {

    private Dirs() {
    }

    /** Deletes {@code root} and everything below it, best effort: what cannot be deleted stays. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Left behind.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Same.
        }
    }
}
