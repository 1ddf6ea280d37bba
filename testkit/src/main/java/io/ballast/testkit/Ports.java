package io.ballast.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports on 127.0.0.1: checked before anything starts, or picked free. */
public final class Ports {

    public static final String HOST = "127.0.0.1";

    private Ports() {
    }

    /**
     * The port to use for {@code --option}: a free one when {@code port} is 0, else {@code port} once
     * checked to be free.
     *
     * @throws IllegalArgumentException naming the option, when the port is invalid or taken
     */
    public static int resolve(String option, int port) {
        if (port == 0) {
            return free();
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Invalid value '" + port + "' for option --" + option
                    + ": expected a port between 1 and 65535, or 0 for a free one");
        }
        if (!isFree(port)) {
            throw new IllegalArgumentException("Port " + port + " on " + HOST + " is in use (--" + option
                    + "): stop what holds it, or pick another port (0 picks a free one)");
        }
        return port;
    }

    /** Ports this JVM has handed out: the socket that found one is closed, so the system may offer it again. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on right now, and not one this JVM handed out before: several picked in a
     * row (a broker's client and controller ports, the sandbox's broker, registry and web UI) are
     * distinct even before anything binds them.
     */
    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Cannot find a free port on " + HOST + ": " + e.getMessage(), e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port on " + HOST + " that this JVM has not handed out already");
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts connections on the port. */
    public static boolean isListening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
