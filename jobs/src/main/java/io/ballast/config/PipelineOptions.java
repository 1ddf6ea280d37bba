package io.ballast.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Options of the pipeline: market-stage throttles, inventory refresh, and the job-level default risk
 * limits (overridden by {@code risk-limits} records for {@code provider}, then {@code provider/UNDERLYING}).
 */
public final class PipelineOptions {

    private PipelineOptions() {
    }

    public static final ConfigOption<Duration> SNAPSHOT_INTERVAL = ConfigOptions.key("market.snapshot-interval")
            .durationType().defaultValue(Duration.ofMillis(250))
            .withDescription("Market snapshots, smile refits and vol-skew records per underlying at most this often (event time); held-back changes are flushed within this much wall time.");

    public static final ConfigOption<Duration> RV_HALF_LIFE = ConfigOptions.key("market.rv-half-life")
            .durationType().defaultValue(Duration.ofMinutes(30))
            .withDescription("Half-life of the EWMA realized volatility of the reference price.");

    public static final ConfigOption<Duration> RV_MIN_INTERVAL = ConfigOptions.key("market.rv-min-interval")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Shortest interval between prices used for realized vol (damps microstructure noise; no move is lost).");

    public static final ConfigOption<String> RATES = ConfigOptions.key("market.rates")
            .stringType().defaultValue("")
            .withDescription("Continuously compounded rate per underlying for discounting, e.g. BTC=0.05,ETH=0.04; default 0.");

    public static final ConfigOption<String> REFERENCE = ConfigOptions.key("market.reference")
            .stringType().defaultValue("")
            .withDescription("Reference price source per underlying, e.g. BTC=SPOT; default: the perpetual, else the spot.");

    public static final ConfigOption<Duration> REFRESH_INTERVAL = ConfigOptions.key("inventory.refresh-interval")
            .durationType().defaultValue(Duration.ofMillis(250))
            .withDescription("How often (wall clock) a book with positions is re-marked on market moves and its pending hedges timed out; also bounds quote-to-signal latency.");

    public static final ConfigOption<Integer> REFRESH_BUDGET = ConfigOptions.key("inventory.refresh-budget")
            .intType().defaultValue(2_000)
            .withDescription("Refresh timers per second per inventory subtask at most: with more books than the budget allows at inventory.refresh-interval, each book is refreshed less often (every keys/budget seconds, the effective interval is the refreshIntervalMs gauge), spread over the interval, so that refreshes never starve fills and checkpoints.");

    public static final ConfigOption<Integer> BOOK_CACHE_POSITIONS = ConfigOptions.key("inventory.book-cache-positions")
            .intType().defaultValue(200_000)
            .withDescription("Positions (and pending hedges) kept decoded on the heap per inventory subtask, in whole books, least recently used out first (about 0.5 KB each); writes go through to the state backend, so the cache only saves reads.");

    public static final ConfigOption<Duration> DEDUPE_TTL = ConfigOptions.key("inventory.dedupe-ttl")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("How long trade ids are remembered to apply a repeated trade once.");

    public static final ConfigOption<Double> QUOTE_SKEW_BPS = ConfigOptions.key("signals.quote-skew-bps")
            .doubleType().defaultValue(5.0)
            .withDescription("A QUOTE_SKEW signal is emitted when the reservation price moved more than this since the last one.");

    public static final ConfigOption<Double> DEFAULT_DELTA_BAND = ConfigOptions.key("defaults.delta-band")
            .doubleType().defaultValue(1.0)
            .withDescription("Default half-width of the no-hedge band, units of underlying.");

    public static final ConfigOption<String> DEFAULT_BAND_MODE = ConfigOptions.key("defaults.band-mode")
            .stringType().defaultValue("FIXED")
            .withDescription("Default band: FIXED or WHALLEY_WILMOTT.");

    public static final ConfigOption<Double> DEFAULT_HEDGE_COST_BPS = ConfigOptions.key("defaults.hedge-cost-bps")
            .doubleType().defaultValue(5.0)
            .withDescription("Default proportional hedge cost, basis points.");

    public static final ConfigOption<Double> DEFAULT_MIN_HEDGE = ConfigOptions.key("defaults.min-hedge-quantity")
            .doubleType().defaultValue(0.001)
            .withDescription("Default smallest hedge worth routing, contracts.");

    public static final ConfigOption<Duration> DEFAULT_HEDGE_TIMEOUT = ConfigOptions.key("defaults.hedge-timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Default time after which an unfilled hedge stops counting as pending.");

    public static final ConfigOption<Double> DEFAULT_GAMMA_LIMIT = ConfigOptions.key("defaults.gamma-limit")
            .doubleType().noDefaultValue()
            .withDescription("Default limit on |dollar gamma| per 1% move; none by default.");

    public static final ConfigOption<Double> DEFAULT_VEGA_LIMIT = ConfigOptions.key("defaults.vega-limit")
            .doubleType().noDefaultValue()
            .withDescription("Default limit on |vega| per vol point; none by default.");

    public static final ConfigOption<Double> DEFAULT_RISK_AVERSION = ConfigOptions.key("defaults.risk-aversion")
            .doubleType().defaultValue(0.001)
            .withDescription("Default risk aversion (gamma of Avellaneda-Stoikov and Whalley-Wilmott), per unit of quote currency: scale it with the price level.");

    public static final ConfigOption<Double> DEFAULT_FILL_INTENSITY = ConfigOptions.key("defaults.fill-intensity")
            .doubleType().defaultValue(1.5)
            .withDescription("Default order-fill intensity k of Avellaneda-Stoikov.");

    public static final ConfigOption<Duration> DEFAULT_QUOTE_HORIZON = ConfigOptions.key("defaults.quote-horizon")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Default horizon tau of the quote skew.");

    public static final List<ConfigOption<?>> ALL = List.of(SNAPSHOT_INTERVAL, RV_HALF_LIFE, RV_MIN_INTERVAL, RATES, REFERENCE,
            REFRESH_INTERVAL, REFRESH_BUDGET, BOOK_CACHE_POSITIONS, DEDUPE_TTL, QUOTE_SKEW_BPS, DEFAULT_DELTA_BAND, DEFAULT_BAND_MODE,
            DEFAULT_HEDGE_COST_BPS, DEFAULT_MIN_HEDGE, DEFAULT_HEDGE_TIMEOUT, DEFAULT_GAMMA_LIMIT,
            DEFAULT_VEGA_LIMIT, DEFAULT_RISK_AVERSION, DEFAULT_FILL_INTENSITY, DEFAULT_QUOTE_HORIZON);
}
