package io.ballast.inventory;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.Position;

import java.util.TreeMap;

/**
 * The decoded book of one key: what {@link InventoryFunction} holds in keyed state ({@code meta},
 * {@code positions}, {@code pending-hedges}), read once from the state backend and then kept on the
 * heap. Every change is written to the state backend as well (write-through), so a book can be
 * dropped from the cache at any time and a restored job starts with none.
 *
 * <p>Positions and hedges are ordered by symbol and signal id, so that the greeks are summed in the
 * same order whatever the state backend's iteration order: a book read back from state gives the same
 * numbers to the last bit as the one that was cached.
 */
final class Book {

    /** Null until the key's first fill. */
    InventoryMeta meta;
    final TreeMap<String, Held> positions = new TreeMap<>();
    final TreeMap<String, PendingHedge> pending = new TreeMap<>();
    /** Earliest expiry among option positions (epoch ms); {@code Long.MAX_VALUE} with none. */
    private long firstExpiry = Long.MAX_VALUE;

    void put(String symbol, Position p) {
        Held previous = positions.get(symbol);
        if (previous != null) {
            previous.update(p);
        } else {
            positions.put(symbol, new Held(p));
        }
        long expiry = Held.optionExpiry(p.getInstrument());
        if (expiry < firstExpiry) {
            firstExpiry = expiry;
        }
    }

    void remove(String symbol) {
        Held gone = positions.remove(symbol);
        if (gone != null && Held.optionExpiry(gone.instrument()) == firstExpiry) {
            firstExpiry = Long.MAX_VALUE;
            for (Held h : positions.values()) {
                firstExpiry = Math.min(firstExpiry, Held.optionExpiry(h.instrument()));
            }
        }
    }

    long firstExpiry() {
        return firstExpiry;
    }

    /** What the book costs the cache: its positions and pending hedges, and one for the rest. */
    int weight() {
        return positions.size() + pending.size() + 1;
    }

    boolean idle() {
        return positions.isEmpty() && pending.isEmpty();
    }

    /** A position with its quantity as a double, converted once per change rather than per mark. */
    static final class Held {
        private Position position;
        private double quantity;

        Held(Position p) {
            update(p);
        }

        void update(Position p) {
            position = p;
            quantity = Exact.toDouble(p.getQuantity());
        }

        Position position() {
            return position;
        }

        Instrument instrument() {
            return position.getInstrument();
        }

        double quantity() {
            return quantity;
        }

        static long optionExpiry(Instrument ins) {
            return ins.getKind() == InstrumentKind.OPTION ? ins.getExpiry().toEpochMilli() : Long.MAX_VALUE;
        }
    }
}
