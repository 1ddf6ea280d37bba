package io.ballast.sandbox.market;

import io.ballast.avro.Instrument;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest top of book of every instrument (perpetuals, spot and options), readable from any thread: the
 * router prices hedges off it.
 */
public final class MarketView {

    /**
     * One instrument's latest quote, on its venue; bid and ask in the instrument's own unit (coin for a
     * coin-quoted option), underlyingPrice the quote's (an option's forward; null for linear instruments).
     */
    public record Top(String venue, Instrument instrument, double bid, double ask, Double underlyingPrice, long time) {
        public double mid() {
            return 0.5 * (bid + ask);
        }
    }

    private final Map<String, Top> tops = new ConcurrentHashMap<>();

    void update(String venue, Instrument instrument, double bid, double ask, Double underlyingPrice, long time) {
        tops.put(instrument.getSymbol(), new Top(venue, instrument, bid, ask, underlyingPrice, time));
    }

    /** The latest quote of an instrument, or null when it is not quoted (yet). */
    public Top top(String symbol) {
        return tops.get(symbol);
    }

    /** The symbols quoted so far, in no particular order. */
    public java.util.Set<String> symbols() {
        return java.util.Collections.unmodifiableSet(tops.keySet());
    }
}
