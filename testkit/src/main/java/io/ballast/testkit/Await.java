package io.ballast.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition that another thread or process makes true: a job's status, a topic, a REST API. */
public final class Await {

    /** Between two looks, unless said otherwise. */
    public static final Duration INTERVAL = Duration.ofMillis(50);

    private Await() {
    }

    /**
     * Asks {@code condition} every {@link #INTERVAL} until it holds.
     *
     * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, INTERVAL, () -> what, condition);
    }

    /** As {@link #until(Duration, String, BooleanSupplier)}, asking every {@code interval}. */
    public static void until(Duration timeout, Duration interval, String what, BooleanSupplier condition) {
        until(timeout, interval, () -> what, condition);
    }

    /** As {@link #until(Duration, String, BooleanSupplier)}, with a message made when the wait failed. */
    public static void until(Duration timeout, Duration interval, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what.get());
            }
            // The polling interval, not a wait for something to happen.
            LockSupport.parkNanos(interval.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what.get());
            }
        }
    }

    /** Whether {@code condition} holds within {@code timeout}, asked every {@code interval}. */
    public static boolean holdsWithin(Duration timeout, Duration interval, BooleanSupplier condition) {
        try {
            until(timeout, interval, () -> "", condition);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
