package io.ballast.stages;

import io.ballast.domain.Cell;
import io.ballast.domain.HeapTable;
import io.ballast.domain.Table;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.util.FlinkRuntimeException;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

/**
 * A book's {@link Table} kept on the heap and written through to Flink map state: reads never touch the
 * state backend, every put and remove goes to both in the same call, so the heap copy can be dropped at
 * any time and a restored job starts with none. Values are never changed after a put (the rule of
 * {@link Table}), so the heap and a heap state backend's copy-on-write snapshot can share them.
 *
 * <p>Bound to the current key of the keyed state: use it only while its book's key is current.
 */
final class StateTable<K, V> implements Table<K, V> {

    private final MapState<K, V> state;
    private final HeapTable<K, V> heap;

    private StateTable(MapState<K, V> state, HeapTable<K, V> heap) {
        this.state = state;
        this.heap = heap;
    }

    /** The current key's entries of {@code state}, read once, iterated in {@code order}. */
    static <K, V> StateTable<K, V> load(MapState<K, V> state, Comparator<? super K> order) {
        return filled(state, new HeapTable<>(order));
    }

    /** The current key's entries of {@code state}, read once, for reads by key only (iteration order unspecified). */
    static <K, V> StateTable<K, V> loadUnordered(MapState<K, V> state) {
        return filled(state, HeapTable.unordered());
    }

    private static <K, V> StateTable<K, V> filled(MapState<K, V> state, HeapTable<K, V> heap) {
        try {
            for (Map.Entry<K, V> e : state.entries()) {
                heap.put(e.getKey(), e.getValue());
            }
        } catch (Exception e) {
            throw new FlinkRuntimeException("Cannot read map state", e);
        }
        return new StateTable<>(state, heap);
    }

    @Override
    public V get(K key) {
        return heap.get(key);
    }

    @Override
    public void put(K key, V value) {
        try {
            state.put(key, value);
        } catch (Exception e) {
            throw new FlinkRuntimeException("Cannot write map state", e);
        }
        heap.put(key, value);
    }

    @Override
    public void remove(K key) {
        try {
            state.remove(key);
        } catch (Exception e) {
            throw new FlinkRuntimeException("Cannot write map state", e);
        }
        heap.remove(key);
    }

    @Override
    public Collection<V> values() {
        return heap.values();
    }

    @Override
    public Set<Map.Entry<K, V>> entries() {
        return heap.entries();
    }

    @Override
    public int size() {
        return heap.size();
    }

    /** A book's {@link Cell} kept on the heap and written through to Flink value state. */
    static final class StateCell<V> implements Cell<V> {
        private final ValueState<V> state;
        private V value;

        private StateCell(ValueState<V> state, V value) {
            this.state = state;
            this.value = value;
        }

        /** The current key's value of {@code state}, read once. */
        static <V> StateCell<V> load(ValueState<V> state) {
            try {
                return new StateCell<>(state, state.value());
            } catch (Exception e) {
                throw new FlinkRuntimeException("Cannot read value state", e);
            }
        }

        @Override
        public V get() {
            return value;
        }

        @Override
        public void set(V v) {
            try {
                state.update(v);
            } catch (Exception e) {
                throw new FlinkRuntimeException("Cannot write value state", e);
            }
            value = v;
        }
    }
}
