package io.ballast.domain;

/**
 * One record of a book (its scalar state), written through like a {@link Table}'s values: never
 * changed after {@link #set}.
 */
public interface Cell<V> {

    /** The value, or null when none was set. */
    V get();

    /** Sets {@code value}, which must not be changed afterwards. */
    void set(V value);

    /** A cell on the heap alone, for tests and tools. */
    static <V> Cell<V> onHeap() {
        return new Cell<>() {
            private V value;

            @Override
            public V get() {
                return value;
            }

            @Override
            public void set(V v) {
                value = v;
            }
        };
    }
}
