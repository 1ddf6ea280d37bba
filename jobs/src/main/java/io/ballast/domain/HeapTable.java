package io.ballast.domain;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A {@link Table} on the heap alone: for tests, tools, and as the heap side of the stages' tables. */
public class HeapTable<K, V> implements Table<K, V> {

    private final Map<K, V> map;

    /** @param order the key order of iteration (null: natural order) */
    public HeapTable(Comparator<? super K> order) {
        map = new TreeMap<>(order);
    }

    private HeapTable(Map<K, V> map) {
        this.map = map;
    }

    /** A table whose iteration order is unspecified: for records only ever read by key (hashed). */
    public static <K, V> HeapTable<K, V> unordered() {
        return new HeapTable<>(new HashMap<>());
    }

    @Override
    public V get(K key) {
        return map.get(key);
    }

    @Override
    public void put(K key, V value) {
        map.put(key, value);
    }

    @Override
    public void remove(K key) {
        map.remove(key);
    }

    @Override
    public Collection<V> values() {
        return Collections.unmodifiableCollection(map.values());
    }

    @Override
    public Set<Map.Entry<K, V>> entries() {
        return Collections.unmodifiableSet(map.entrySet());
    }

    @Override
    public int size() {
        return map.size();
    }
}
