package io.ballast.kafka;

import org.apache.avro.SystemLimitException;

import java.lang.reflect.Method;

/**
 * Caps the lengths Avro's binary decoder accepts for strings, bytes and collections. Without a cap, a
 * corrupt length varint (say 2^31) makes the decoder allocate gigabytes before it notices the message
 * is 200 bytes long, and the TaskManager dies of it. The limits are JVM-wide (other jobs in a session
 * cluster's TaskManager share them), so the cap is generous: the largest input accepted, but at least
 * {@link #FLOOR} bytes. It only bounds what a corrupt length can make the decoder allocate.
 *
 * <p>Avro reads the limits from system properties once; an explicit {@code -D} setting wins. When
 * Avro has already read them, its package-private {@code resetLimits()} is called so the new values
 * take effect.
 */
public final class AvroLimits {

    /** The smallest cap ever installed: 64 MiB. */
    public static final int FLOOR = 64 * 1024 * 1024;

    private static volatile int installed = -1;

    private AvroLimits() {
    }

    public static synchronized void install(int maxRecordBytes) {
        int maxLength = Math.max(FLOOR, maxRecordBytes);
        if (installed == maxLength) {
            return;
        }
        String value = Integer.toString(maxLength);
        boolean changed = setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, value)
                | setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, value)
                | setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, value);
        if (changed) {
            reset();
        }
        installed = maxLength;
    }

    private static boolean setIfAbsent(String property, String value) {
        String current = System.getProperty(property);
        if (current == null || (installed > 0 && current.equals(Integer.toString(installed)))) {
            System.setProperty(property, value);
            return !value.equals(current);
        }
        return false;
    }

    private static void reset() {
        try {
            Method m = SystemLimitException.class.getDeclaredMethod("resetLimits");
            m.setAccessible(true);
            m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot apply Avro's decoding limits; set -D"
                    + SystemLimitException.MAX_STRING_LENGTH_PROPERTY + " (and bytes/collectionItems) on the "
                    + "TaskManagers instead", e);
        }
    }
}
