package io.ballast.stages;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The books a stage keeps decoded on the heap, by key, least recently used first, held at most at a
 * total weight (whole books). A book's records are written through to state ({@link StateTable}), so
 * dropping a book only costs a read when its key comes back.
 */
final class BookCache<B> {

    private final long maxWeight;
    private final ToIntFunction<B> weigher;
    private final LinkedHashMap<String, Slot<B>> books = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;

    /** @param maxWeight the bound of the sum of {@code weigher} over cached books ({@code Long.MAX_VALUE}: none) */
    BookCache(long maxWeight, ToIntFunction<B> weigher) {
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    /** The key's book: from the cache, else {@code load}ed (and then cached). */
    B get(String key, Supplier<B> load) {
        Slot<B> slot = books.get(key);
        if (slot == null) {
            slot = new Slot<>(load.get());
            slot.weight = weigher.applyAsInt(slot.book);
            books.put(key, slot);
            weight += slot.weight;
        }
        return slot.book;
    }

    /**
     * Accounts for what the key's book gained or lost since it was last weighed, then drops least recently
     * used books (the key's own last) until the cache is within its bound. Call after every change.
     */
    void settle(String key) {
        Slot<B> slot = books.get(key);
        if (slot != null) {
            int now = weigher.applyAsInt(slot.book);
            weight += now - slot.weight;
            slot.weight = now;
        }
        Iterator<Slot<B>> eldest = books.values().iterator();
        while (weight > maxWeight && eldest.hasNext()) {
            weight -= eldest.next().weight;
            eldest.remove();
        }
    }

    int size() {
        return books.size();
    }

    long weight() {
        return weight;
    }

    private static final class Slot<B> {
        final B book;
        int weight;

        Slot(B book) {
            this.book = book;
        }
    }
}
