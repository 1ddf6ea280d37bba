package io.ballast.config;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;
import org.apache.flink.configuration.ConfigOption;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline's settings, parsed and checked from {@link PipelineOptions}: what the operators carry.
 * Bad values fail at start, naming the option.
 */
public final class PipelineSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long snapshotIntervalMs;
    private final long rvHalfLifeMs;
    private final long rvMinIntervalMs;
    private final Map<String, Double> rates;
    private final Set<String> spotReferenced;
    private final long refreshIntervalMs;
    private final long dedupeTtlMs;
    private final int refreshBudget;
    private final int bookCachePositions;
    private final double quoteSkewBps;
    private final RiskLimits defaultLimits;

    private PipelineSettings(BallastConfig c) {
        snapshotIntervalMs = positive(c, PipelineOptions.SNAPSHOT_INTERVAL);
        rvHalfLifeMs = positive(c, PipelineOptions.RV_HALF_LIFE);
        Duration minInterval = c.get(PipelineOptions.RV_MIN_INTERVAL);
        if (minInterval.isNegative()) {
            throw BallastConfig.bad(PipelineOptions.RV_MIN_INTERVAL, minInterval, "must be >= 0");
        }
        rvMinIntervalMs = minInterval.toMillis();
        refreshIntervalMs = positive(c, PipelineOptions.REFRESH_INTERVAL);
        dedupeTtlMs = positive(c, PipelineOptions.DEDUPE_TTL);
        refreshBudget = atLeast(c, PipelineOptions.REFRESH_BUDGET, 1);
        bookCachePositions = atLeast(c, PipelineOptions.BOOK_CACHE_POSITIONS, 0);
        quoteSkewBps = nonNegative(c, PipelineOptions.QUOTE_SKEW_BPS);
        rates = Collections.unmodifiableMap(new HashMap<>(parseMap(c, PipelineOptions.RATES)));
        Set<String> spot = new HashSet<>();
        for (Map.Entry<String, String> e : parsePairs(c, PipelineOptions.REFERENCE).entrySet()) {
            String kind = e.getValue().toUpperCase(Locale.ROOT);
            if (kind.equals("SPOT")) {
                spot.add(e.getKey());
            } else if (!kind.equals("PERPETUAL")) {
                throw BallastConfig.bad(PipelineOptions.REFERENCE, c.get(PipelineOptions.REFERENCE),
                        "the reference of " + e.getKey() + " must be PERPETUAL or SPOT, got " + e.getValue());
            }
        }
        spotReferenced = Collections.unmodifiableSet(spot);
        String mode = c.get(PipelineOptions.DEFAULT_BAND_MODE).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        BandMode bandMode;
        try {
            bandMode = BandMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw BallastConfig.bad(PipelineOptions.DEFAULT_BAND_MODE, c.get(PipelineOptions.DEFAULT_BAND_MODE),
                    "expected FIXED or WHALLEY_WILMOTT");
        }
        defaultLimits = RiskLimits.newBuilder()
                .setProviderId("*")
                .setUnderlying(null)
                .setDeltaTarget(0.0)
                .setDeltaBand(nonNegative(c, PipelineOptions.DEFAULT_DELTA_BAND))
                .setBandMode(bandMode)
                .setHedgeCostBps(nonNegative(c, PipelineOptions.DEFAULT_HEDGE_COST_BPS))
                .setHedgeInstrument(null)
                .setMinHedgeQuantity(nonNegative(c, PipelineOptions.DEFAULT_MIN_HEDGE))
                .setHedgeTimeoutMs(positive(c, PipelineOptions.DEFAULT_HEDGE_TIMEOUT))
                .setGammaLimit(optionalPositive(c, PipelineOptions.DEFAULT_GAMMA_LIMIT))
                .setVegaLimit(optionalPositive(c, PipelineOptions.DEFAULT_VEGA_LIMIT))
                .setRiskAversion(strictlyPositive(c, PipelineOptions.DEFAULT_RISK_AVERSION))
                .setFillIntensity(strictlyPositive(c, PipelineOptions.DEFAULT_FILL_INTENSITY))
                .setQuoteHorizonMs(positive(c, PipelineOptions.DEFAULT_QUOTE_HORIZON))
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }

    public static PipelineSettings from(BallastConfig config) {
        return new PipelineSettings(config);
    }

    public long snapshotIntervalMs() { return snapshotIntervalMs; }
    public long rvHalfLifeMs() { return rvHalfLifeMs; }
    public long rvMinIntervalMs() { return rvMinIntervalMs; }
    public long refreshIntervalMs() { return refreshIntervalMs; }
    public long dedupeTtlMs() { return dedupeTtlMs; }
    public int refreshBudget() { return refreshBudget; }
    public int bookCachePositions() { return bookCachePositions; }
    public double quoteSkewBps() { return quoteSkewBps; }

    /** The rate of an underlying, 0 when not configured. */
    public double rate(String underlying) {
        return rates.getOrDefault(underlying, 0.0);
    }

    /** Whether the reference price of the underlying is its spot rather than its perpetual. */
    public boolean spotReferenced(String underlying) {
        return spotReferenced.contains(underlying);
    }

    /** A fresh copy of the job-level default limits. */
    public RiskLimits defaultLimits() {
        return RiskLimits.newBuilder(defaultLimits).build();
    }

    private static long positive(BallastConfig c, ConfigOption<Duration> o) {
        Duration d = c.get(o);
        if (d.isNegative() || d.isZero()) {
            throw BallastConfig.bad(o, d, "must be positive");
        }
        return d.toMillis();
    }

    private static int atLeast(BallastConfig c, ConfigOption<Integer> o, int min) {
        int v = c.get(o);
        if (v < min) {
            throw BallastConfig.bad(o, v, "must be >= " + min);
        }
        return v;
    }

    private static double nonNegative(BallastConfig c, ConfigOption<Double> o) {
        double v = c.get(o);
        if (!Double.isFinite(v) || v < 0) {
            throw BallastConfig.bad(o, v, "must be finite and >= 0");
        }
        return v;
    }

    private static double strictlyPositive(BallastConfig c, ConfigOption<Double> o) {
        double v = c.get(o);
        if (!Double.isFinite(v) || v <= 0) {
            throw BallastConfig.bad(o, v, "must be finite and > 0");
        }
        return v;
    }

    private static Double optionalPositive(BallastConfig c, ConfigOption<Double> o) {
        Double v = c.get(o);
        if (v != null && (!Double.isFinite(v) || v <= 0)) {
            throw BallastConfig.bad(o, v, "must be finite and > 0");
        }
        return v;
    }

    private static Map<String, String> parsePairs(BallastConfig c, ConfigOption<String> o) {
        Map<String, String> out = new HashMap<>();
        String raw = c.get(o).trim();
        if (raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split(",")) {
            String[] kv = part.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw BallastConfig.bad(o, raw, "expected UNDERLYING=value[,UNDERLYING=value...], got '" + part + "'");
            }
            if (out.put(kv[0].trim(), kv[1].trim()) != null) {
                throw BallastConfig.bad(o, raw, kv[0].trim() + " is given twice");
            }
        }
        return out;
    }

    private static Map<String, Double> parseMap(BallastConfig c, ConfigOption<String> o) {
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<String, String> e : parsePairs(c, o).entrySet()) {
            try {
                double v = Double.parseDouble(e.getValue());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                out.put(e.getKey(), v);
            } catch (NumberFormatException ex) {
                throw BallastConfig.bad(o, c.get(o), "the value for " + e.getKey() + " is not a finite number: " + e.getValue());
            }
        }
        return out;
    }
}
