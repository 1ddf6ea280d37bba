package io.ballast.domain;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;

import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the pipeline's rules and stages need to know: market-stage throttles, realized vol, rates and
 * reference prices, inventory refresh and cache bounds, and the job-level default risk limits.
 * Immutable. Built from the command line by the configuration (which names the option of a bad
 * value) or, in tests, from {@link #defaults()} with {@link #toBuilder()}; the builder checks ranges too.
 */
public final class PipelineSettings implements Serializable {

    private static final long serialVersionUID = 3L;

    // The defaults, as constants: the command line's options take theirs from here without loading an Avro
    // class, so that a bad option is reported before Avro (and with it the logging framework) starts.
    public static final long DEFAULT_SNAPSHOT_INTERVAL_MS = 250;
    public static final long DEFAULT_RV_HALF_LIFE_MS = 30 * 60_000L;
    public static final long DEFAULT_RV_MIN_INTERVAL_MS = 1_000;
    public static final long DEFAULT_REFRESH_INTERVAL_MS = 250;
    public static final long DEFAULT_DEDUPE_TTL_MS = 7 * 86_400_000L;
    public static final int DEFAULT_REFRESH_BUDGET = 2_000;
    public static final int DEFAULT_BOOK_CACHE_POSITIONS = 200_000;
    public static final double DEFAULT_QUOTE_SKEW_BPS = 5.0;
    public static final double DEFAULT_DELTA_BAND = 1.0;
    /** The name of a {@code BandMode} symbol. */
    public static final String DEFAULT_BAND_MODE = "FIXED";
    public static final double DEFAULT_HEDGE_COST_BPS = 5.0;
    public static final double DEFAULT_MIN_HEDGE_QUANTITY = 0.001;
    public static final long DEFAULT_HEDGE_TIMEOUT_MS = 30_000;
    public static final double DEFAULT_RISK_AVERSION = 0.001;
    public static final double DEFAULT_FILL_INTENSITY = 1.5;
    public static final long DEFAULT_QUOTE_HORIZON_MS = 60_000;
    public static final boolean DEFAULT_OPTION_HEDGE = false;
    public static final double DEFAULT_HEDGE_TO_FRACTION = 0.5;
    public static final double DEFAULT_HEDGE_MIN_DAYS = 7;
    public static final double DEFAULT_HEDGE_MAX_DAYS = 120;
    public static final double DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS = 2.0;
    public static final boolean DEFAULT_PORTFOLIO_ENABLED = false;
    public static final long DEFAULT_PORTFOLIO_INTERVAL_MS = 1_000;
    public static final long DEFAULT_SCENARIO_INTERVAL_MS = 1_000;
    public static final long DEFAULT_DAY_OFFSET_MS = 0;
    /**
     * The venue given to state written before venues (positions, latest quotes: CONTRACT.md, "Identity:
     * (venue, symbol)"): the venue of the project's reference data and of the fills that wrote the v1 state fixture.
     */
    public static final String DEFAULT_VENUE = "DERIBIT";

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
    private final boolean portfolioEnabled;
    private final long portfolioIntervalMs;
    private final long portfolioFillIntervalMs;
    private final long scenarioIntervalMs;
    private final long dayOffsetMs;
    private final double[] spotShocks;
    private final double[] volShocks;
    private final String defaultVenue;
    private transient ScenarioAxes axes;

    private PipelineSettings(Builder b) {
        snapshotIntervalMs = positive("snapshotIntervalMs", b.snapshotIntervalMs);
        rvHalfLifeMs = positive("rvHalfLifeMs", b.rvHalfLifeMs);
        rvMinIntervalMs = atLeast("rvMinIntervalMs", b.rvMinIntervalMs, 0);
        refreshIntervalMs = positive("refreshIntervalMs", b.refreshIntervalMs);
        dedupeTtlMs = positive("dedupeTtlMs", b.dedupeTtlMs);
        refreshBudget = (int) atLeast("refreshBudget", b.refreshBudget, 1);
        bookCachePositions = (int) atLeast("bookCachePositions", b.bookCachePositions, 0);
        if (!Double.isFinite(b.quoteSkewBps) || b.quoteSkewBps < 0) {
            throw new IllegalArgumentException("quoteSkewBps must be finite and >= 0, got " + b.quoteSkewBps);
        }
        quoteSkewBps = b.quoteSkewBps;
        rates = Map.copyOf(b.rates);
        spotReferenced = Set.copyOf(b.spotReferenced);
        defaultLimits = RiskLimits.newBuilder(b.limits()).build();
        portfolioEnabled = b.portfolioEnabled;
        portfolioIntervalMs = positive("portfolioIntervalMs", b.portfolioIntervalMs);
        if (b.portfolioFillIntervalMs < 0 || b.portfolioFillIntervalMs > portfolioIntervalMs) {
            throw new IllegalArgumentException("portfolioFillIntervalMs must be in [0, portfolioIntervalMs = "
                    + portfolioIntervalMs + "], got " + b.portfolioFillIntervalMs);
        }
        portfolioFillIntervalMs = b.portfolioFillIntervalMs;
        scenarioIntervalMs = positive("scenarioIntervalMs", b.scenarioIntervalMs);
        if (b.dayOffsetMs < 0 || b.dayOffsetMs >= PnlExplain.MILLIS_PER_DAY) {
            throw new IllegalArgumentException("dayOffsetMs must be in [0, 86400000), got " + b.dayOffsetMs);
        }
        dayOffsetMs = b.dayOffsetMs;
        axes = ScenarioAxes.of(b.spotShocks, b.volShocks); // checks them
        spotShocks = axes.spotShocks();
        volShocks = axes.volShocks();
        if (b.defaultVenue == null || b.defaultVenue.isBlank() || b.defaultVenue.indexOf(Keys.VENUE_SEPARATOR) >= 0) {
            throw new IllegalArgumentException("defaultVenue must be non-blank and without '" + Keys.VENUE_SEPARATOR
                    + "', got " + b.defaultVenue);
        }
        defaultVenue = b.defaultVenue;
    }

    /** The defaults of every option (CONTRACT.md and the operations guide list them). */
    public static PipelineSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.snapshotIntervalMs = snapshotIntervalMs;
        b.rvHalfLifeMs = rvHalfLifeMs;
        b.rvMinIntervalMs = rvMinIntervalMs;
        b.rates = new HashMap<>(rates);
        b.spotReferenced = new HashSet<>(spotReferenced);
        b.refreshIntervalMs = refreshIntervalMs;
        b.dedupeTtlMs = dedupeTtlMs;
        b.refreshBudget = refreshBudget;
        b.bookCachePositions = bookCachePositions;
        b.quoteSkewBps = quoteSkewBps;
        b.defaultLimits = RiskLimits.newBuilder(defaultLimits).build();
        b.portfolioEnabled = portfolioEnabled;
        b.portfolioIntervalMs = portfolioIntervalMs;
        b.portfolioFillIntervalMs = portfolioFillIntervalMs;
        b.scenarioIntervalMs = scenarioIntervalMs;
        b.dayOffsetMs = dayOffsetMs;
        b.spotShocks = spotShocks.clone();
        b.volShocks = volShocks.clone();
        b.defaultVenue = defaultVenue;
        return b;
    }

    public long snapshotIntervalMs() { return snapshotIntervalMs; }
    public long rvHalfLifeMs() { return rvHalfLifeMs; }
    public long rvMinIntervalMs() { return rvMinIntervalMs; }
    public long refreshIntervalMs() { return refreshIntervalMs; }
    public long dedupeTtlMs() { return dedupeTtlMs; }
    public int refreshBudget() { return refreshBudget; }
    public int bookCachePositions() { return bookCachePositions; }
    public double quoteSkewBps() { return quoteSkewBps; }
    /**
     * The venue of positions and quotes in state written before venues (keys without one), and of the delta
     * hedge of a book restored from such state that has had no fill since (CONTRACT.md, "Identity").
     */
    public String defaultVenue() { return defaultVenue; }
    /** Whether the inventory stage sends book summaries and the portfolio stage runs. */
    public boolean portfolioEnabled() { return portfolioEnabled; }
    /** The least time between two {@code portfolio-risk} records of a provider on market moves, ms. */
    public long portfolioIntervalMs() { return portfolioIntervalMs; }
    /**
     * The least time between two {@code portfolio-risk} records of a provider on fills and balance changes, ms;
     * 0 (the default): every fill and balance change emits its own record at once.
     */
    public long portfolioFillIntervalMs() { return portfolioFillIntervalMs; }
    /** The least event time between two scenario columns of a book (but every fill sends one), ms. */
    public long scenarioIntervalMs() { return scenarioIntervalMs; }
    /** Days of the explain start this long after 00:00 UTC, ms in [0, 86,400,000). */
    public long dayOffsetMs() { return dayOffsetMs; }

    /** The stress grid's axes. */
    public ScenarioAxes scenarioAxes() {
        ScenarioAxes a = axes;
        if (a == null) {
            a = ScenarioAxes.of(spotShocks, volShocks);
            axes = a;
        }
        return a;
    }

    /** How the liquidation moves are searched: [−0.95, +3.0] to 1e-4 (CONTRACT.md). */
    public LiquidationSearch liquidationSearch() {
        return LiquidationSearch.DEFAULT;
    }

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

    private static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
        return v;
    }

    private static long atLeast(String name, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** Settings to build; every field starts at its default. */
    public static final class Builder {
        private long snapshotIntervalMs = DEFAULT_SNAPSHOT_INTERVAL_MS;
        private long rvHalfLifeMs = DEFAULT_RV_HALF_LIFE_MS;
        private long rvMinIntervalMs = DEFAULT_RV_MIN_INTERVAL_MS;
        private Map<String, Double> rates = new HashMap<>();
        private Set<String> spotReferenced = new HashSet<>();
        private long refreshIntervalMs = DEFAULT_REFRESH_INTERVAL_MS;
        private long dedupeTtlMs = DEFAULT_DEDUPE_TTL_MS;
        private int refreshBudget = DEFAULT_REFRESH_BUDGET;
        private int bookCachePositions = DEFAULT_BOOK_CACHE_POSITIONS;
        private double quoteSkewBps = DEFAULT_QUOTE_SKEW_BPS;
        private boolean portfolioEnabled = DEFAULT_PORTFOLIO_ENABLED;
        private long portfolioIntervalMs = DEFAULT_PORTFOLIO_INTERVAL_MS;
        private long portfolioFillIntervalMs;
        private long scenarioIntervalMs = DEFAULT_SCENARIO_INTERVAL_MS;
        private long dayOffsetMs = DEFAULT_DAY_OFFSET_MS;
        private double[] spotShocks = ScenarioAxes.DEFAULT.spotShocks();
        private double[] volShocks = ScenarioAxes.DEFAULT.volShocks();
        private String defaultVenue = DEFAULT_VENUE;
        /** Null: the defaults ({@link #initialLimits()}), made only when asked for. */
        private RiskLimits defaultLimits;

        /** The job-level default limits of the constants above. */
        private static RiskLimits initialLimits() {
            return RiskLimits.newBuilder()
                    .setProviderId("*")
                    .setUnderlying(null)
                    .setDeltaTarget(0.0)
                    .setDeltaBand(DEFAULT_DELTA_BAND)
                    .setBandMode(BandMode.valueOf(DEFAULT_BAND_MODE))
                    .setHedgeCostBps(DEFAULT_HEDGE_COST_BPS)
                    .setHedgeInstrument(null)
                    .setMinHedgeQuantity(DEFAULT_MIN_HEDGE_QUANTITY)
                    .setHedgeTimeoutMs(DEFAULT_HEDGE_TIMEOUT_MS)
                    .setGammaLimit(null)
                    .setVegaLimit(null)
                    .setRiskAversion(DEFAULT_RISK_AVERSION)
                    .setFillIntensity(DEFAULT_FILL_INTENSITY)
                    .setQuoteHorizonMs(DEFAULT_QUOTE_HORIZON_MS)
                    .setOptionHedge(DEFAULT_OPTION_HEDGE)
                    .setHedgeToFraction(DEFAULT_HEDGE_TO_FRACTION)
                    .setHedgeMinDays(DEFAULT_HEDGE_MIN_DAYS)
                    .setHedgeMaxDays(DEFAULT_HEDGE_MAX_DAYS)
                    .setHedgeMaxSpreadVolPts(DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS)
                    .setUpdatedAt(Instant.EPOCH)
                    .build();
        }

        private RiskLimits limits() {
            return defaultLimits != null ? defaultLimits : initialLimits();
        }

        private Builder() {
        }

        public Builder snapshotIntervalMs(long v) { snapshotIntervalMs = v; return this; }
        public Builder rvHalfLifeMs(long v) { rvHalfLifeMs = v; return this; }
        public Builder rvMinIntervalMs(long v) { rvMinIntervalMs = v; return this; }
        public Builder rates(Map<String, Double> v) { rates = new HashMap<>(v); return this; }
        public Builder spotReferenced(Set<String> v) { spotReferenced = new HashSet<>(v); return this; }
        public Builder refreshIntervalMs(long v) { refreshIntervalMs = v; return this; }
        public Builder dedupeTtlMs(long v) { dedupeTtlMs = v; return this; }
        public Builder refreshBudget(int v) { refreshBudget = v; return this; }
        public Builder bookCachePositions(int v) { bookCachePositions = v; return this; }
        public Builder quoteSkewBps(double v) { quoteSkewBps = v; return this; }
        public Builder portfolioEnabled(boolean v) { portfolioEnabled = v; return this; }
        public Builder portfolioIntervalMs(long v) { portfolioIntervalMs = v; return this; }
        public Builder portfolioFillIntervalMs(long v) { portfolioFillIntervalMs = v; return this; }
        public Builder scenarioIntervalMs(long v) { scenarioIntervalMs = v; return this; }
        public Builder dayOffsetMs(long v) { dayOffsetMs = v; return this; }
        public Builder defaultVenue(String v) { defaultVenue = v; return this; }
        /** Relative spot shocks, decimals (−0.3 for −30%). */
        public Builder spotShocks(double[] v) { spotShocks = v.clone(); return this; }
        /** Relative vol shocks, decimals. */
        public Builder volShocks(double[] v) { volShocks = v.clone(); return this; }

        /** The job-level default limits ({@code providerId} "*", no underlying). */
        public Builder defaultLimits(RiskLimits v) { defaultLimits = RiskLimits.newBuilder(v).build(); return this; }

        /** The current default limits, to change some of their fields. */
        public RiskLimits.Builder defaultLimitsBuilder() { return RiskLimits.newBuilder(limits()); }

        public PipelineSettings build() {
            return new PipelineSettings(this);
        }
    }
}
