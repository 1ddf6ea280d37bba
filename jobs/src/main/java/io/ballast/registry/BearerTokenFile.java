package io.ballast.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * A bearer token kept in a file that something else rotates (a Kubernetes projected service-account
 * token, a secret mounted from a vault agent): the token is read again whenever the file's modification
 * time or size changes, so a rotated token is used from the next request on without a restart. Symbolic
 * links are followed, as Kubernetes swaps a {@code ..data} link when it updates a mounted secret.
 * The file holds the token alone; surrounding white space is ignored. Thread-safe.
 */
final class BearerTokenFile {

    private final Path path;
    private FileTime modified;
    private long size = -1;
    private String token;
    private int reads;

    BearerTokenFile(Path path) {
        this.path = path;
    }

    /** The token as the file holds it now: one {@code stat} per call, a read only when the file changed. */
    synchronized String token() throws RegistryException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new RegistryException("Cannot read the registry bearer token file " + path + ": " + e, e);
        }
        if (token == null || !attributes.lastModifiedTime().equals(modified) || attributes.size() != size) {
            read(attributes);
        }
        return token;
    }

    /** Reads the file even if it looks unchanged (a token refused with 401 may have been replaced within the clock's resolution). */
    synchronized String reread() throws RegistryException {
        try {
            read(Files.readAttributes(path, BasicFileAttributes.class));
        } catch (IOException e) {
            throw new RegistryException("Cannot read the registry bearer token file " + path + ": " + e, e);
        }
        return token;
    }

    private void read(BasicFileAttributes attributes) throws RegistryException {
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new RegistryException("Cannot read the registry bearer token file " + path + ": " + e, e);
        }
        if (content.isEmpty()) {
            throw new RegistryException("The registry bearer token file " + path + " is empty", 401, -1);
        }
        token = content;
        modified = attributes.lastModifiedTime();
        size = attributes.size();
        reads++;
    }

    /** How often the file has been read; for tests. */
    synchronized int reads() {
        return reads;
    }

    Path path() {
        return path;
    }
}
