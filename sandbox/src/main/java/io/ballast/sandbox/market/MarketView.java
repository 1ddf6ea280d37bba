package io.ballast.sandbox.market;

import io.ballast.avro.Instrument;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest top of book of the linear instruments (perpetuals and spot), readable from any thread: the
 * router prices hedges off it.
 */
public final class MarketView {

    /** One linear instrument's latest quote. */
    public record Top(Instrument instrument, double bid, double ask, long time) {
        public double mid() {
            return 0.5 * (bid + ask);
        }
    }

    private final Map<String, Top> tops = new ConcurrentHashMap<>();

    void update(Instrument instrument, double bid, double ask, long time) {
        tops.put(instrument.getSymbol(), new Top(instrument, bid, ask, time));
    }

    /** The latest quote of a linear instrument, or null when it is not quoted (yet). */
    public Top top(String symbol) {
        return tops.get(symbol);
    }
}
