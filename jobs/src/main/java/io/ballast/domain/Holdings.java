package io.ballast.domain;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.internal.Position;

import java.util.Arrays;

/**
 * A book's positions as the marking loop reads them: one {@link Held} per {@code venue:symbol}, in the keys'
 * natural order (the order the sums are taken in), each with what marking needs already unpacked from its
 * {@link Position} and {@link Instrument} (quantity as a double, multiplier, strike, expiry in epoch ms).
 * Marking a book is then a walk over one array rather than over a tree and three records per position;
 * the unpacking is done once per fill, marking happens on every market move.
 */
final class Holdings {

    private Held[] held = new Held[4];
    private int size;

    int size() {
        return size;
    }

    Held get(int i) {
        return held[i];
    }

    /** What is held under {@code key} ({@code venue:symbol}), or null. */
    Held get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : held[i];
    }

    /** Holds {@code p} under {@code key} ({@code venue:symbol}), replacing what was held there. */
    void put(String key, Position p) {
        int i = indexOf(key);
        if (i >= 0) {
            held[i] = new Held(key, p);
            return;
        }
        int at = -i - 1;
        if (size == held.length) {
            held = Arrays.copyOf(held, size * 2);
        }
        System.arraycopy(held, at, held, at + 1, size - at);
        held[at] = new Held(key, p);
        size++;
    }

    /** @return what was held under {@code key}, or null */
    Held remove(String key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        Held gone = held[i];
        System.arraycopy(held, i + 1, held, i, size - i - 1);
        held[--size] = null;
        return gone;
    }

    /** The earliest expiry among option positions (epoch ms); {@code Long.MAX_VALUE} with none. */
    long firstExpiry() {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            first = Math.min(first, held[i].optionExpiry);
        }
        return first;
    }

    /** Binary search by key: the index, or {@code -(insertion point) - 1}. */
    private int indexOf(String key) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = held[mid].key.compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** One position, unpacked for marking. Immutable: a changed position is held anew. */
    static final class Held {
        /** {@code venue:symbol}: the position's identity, and the key of its quote in a market snapshot. */
        final String key;
        /** The instrument's symbol alone (the key of a snapshot broadcast before venues, see {@link Keys#lookup}). */
        final String symbol;
        /** The stored record (never changed): what the portfolio's P&amp;L reads. */
        final Position position;
        final Instrument instrument;
        final double quantity;
        final double multiplier;
        final boolean option;
        final boolean call;
        /** The strike; NaN for a linear instrument. */
        final double strike;
        /** The option's expiry (epoch ms); {@code Long.MAX_VALUE} for a linear instrument. */
        final long optionExpiry;
        /** An inverse perpetual or future (CONTRACT.md, inverse contracts). */
        final boolean inverse;
        /** USD per contract of an inverse instrument; NaN otherwise. */
        final double contractValue;
        /** The position's average-cost P&amp;L, unpacked at its first mark (its exact sums are decimals). */
        private PositionPnl pnl;

        Held(String key, Position p) {
            Instrument ins = p.getInstrument();
            this.key = key;
            this.symbol = ins.getSymbol();
            this.position = p;
            this.instrument = ins;
            this.quantity = Exact.toDouble(p.getQuantity());
            this.multiplier = ins.getMultiplier();
            this.option = ins.getKind() == InstrumentKind.OPTION;
            this.call = ins.getRight() == OptionRight.CALL;
            this.strike = option ? ins.getStrike() : Double.NaN;
            this.optionExpiry = option ? ins.getExpiry().toEpochMilli() : Long.MAX_VALUE;
            this.inverse = ins.getInverse();
            this.contractValue = inverse ? ins.getContractValue() : Double.NaN;
        }

        /** {@link BookSummaries#pnl} of the position, computed once: a mark reads it for every position. */
        PositionPnl pnl() {
            if (pnl == null) {
                pnl = BookSummaries.pnl(position);
            }
            return pnl;
        }
    }
}
