package io.ballast.testing;

import java.nio.file.Path;

/** Files of the repository outside the module the tests run in (failsafe runs them in the module's directory). */
public final class Repository {

    /** Set by the build to the repository's root; the parent of the working directory otherwise. */
    public static final String DIR_PROPERTY = "ballast.repo.dir";

    private Repository() {
    }

    public static Path root() {
        return Path.of(System.getProperty(DIR_PROPERTY, "..")).toAbsolutePath().normalize();
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }
}
