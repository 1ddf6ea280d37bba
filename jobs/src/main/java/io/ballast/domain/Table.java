package io.ballast.domain;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The records of one book, by key, in a fixed order: what a book reads and changes. The stages keep
 * them on the heap and write every change through to Flink state; tests and tools use
 * {@link HeapTable}.
 *
 * <p>The rule every implementation relies on: a value is never changed after it was put. A change puts
 * a new object, so a value can be shared with a state backend's snapshot in progress.
 */
public interface Table<K, V> {

    /** The value of {@code key}, or null. */
    V get(K key);

    /** Puts {@code value}, which must not be changed afterwards. */
    void put(K key, V value);

    void remove(K key);

    /** The values, in the table's key order. */
    Collection<V> values();

    /** The entries, in the table's key order (read only: change the table with put and remove). */
    Set<Map.Entry<K, V>> entries();

    int size();

    default boolean isEmpty() {
        return size() == 0;
    }
}
