package io.ballast.config;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;
import io.ballast.domain.Keys;
import io.ballast.domain.PipelineSettings;
import io.ballast.domain.ScenarioAxes;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Options of the pipeline: market-stage throttles, inventory refresh, and the job-level default risk
 * limits (overridden by {@code risk-limits} records for {@code provider}, then {@code provider/UNDERLYING}).
 */
public final class PipelineOptions {

    private PipelineOptions() {
    }

    // The defaults live with the settings (PipelineSettings.DEFAULT_*): one source for the options, the docs
    // and the tests. Constants, not a built PipelineSettings: reading them loads no Avro class, so a bad
    // option is reported before Avro and the logging framework start (BadConfigurationFailsFastTest).

    public static final ConfigOption<Duration> SNAPSHOT_INTERVAL = ConfigOptions.key("market.snapshot-interval")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_SNAPSHOT_INTERVAL_MS))
            .withDescription("Market snapshots, smile refits and vol-skew records per underlying at most this often (event time); held-back changes are flushed within this much wall time.");

    public static final ConfigOption<Duration> RV_HALF_LIFE = ConfigOptions.key("market.rv-half-life")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_RV_HALF_LIFE_MS))
            .withDescription("Half-life of the EWMA realized volatility of the reference price.");

    public static final ConfigOption<Duration> RV_MIN_INTERVAL = ConfigOptions.key("market.rv-min-interval")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_RV_MIN_INTERVAL_MS))
            .withDescription("Shortest interval between prices used for realized vol (damps microstructure noise; no move is lost).");

    public static final ConfigOption<String> RATES = ConfigOptions.key("market.rates")
            .stringType().defaultValue("")
            .withDescription("Continuously compounded rate per underlying for discounting, e.g. BTC=0.05,ETH=0.04; default 0.");

    public static final ConfigOption<String> REFERENCE = ConfigOptions.key("market.reference")
            .stringType().defaultValue("")
            .withDescription("Reference price source per underlying, e.g. BTC=SPOT; default: the perpetual, else the spot.");

    public static final ConfigOption<Duration> REFRESH_INTERVAL = ConfigOptions.key("inventory.refresh-interval")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_REFRESH_INTERVAL_MS))
            .withDescription("How often (wall clock) a book with positions is re-marked on market moves and its pending hedges timed out; also bounds quote-to-signal latency.");

    public static final ConfigOption<Integer> REFRESH_BUDGET = ConfigOptions.key("inventory.refresh-budget")
            .intType().defaultValue(PipelineSettings.DEFAULT_REFRESH_BUDGET)
            .withDescription("Refresh timers per second per inventory subtask at most: with more books than the budget allows at inventory.refresh-interval, each book is refreshed less often (every keys/budget seconds, the effective interval is the refreshIntervalMs gauge), spread over the interval, so that refreshes never starve fills and checkpoints.");

    public static final ConfigOption<Integer> BOOK_CACHE_POSITIONS = ConfigOptions.key("inventory.book-cache-positions")
            .intType().defaultValue(PipelineSettings.DEFAULT_BOOK_CACHE_POSITIONS)
            .withDescription("Positions (and pending hedges) kept decoded on the heap per inventory subtask, in whole books, least recently used out first (about 0.5 KB each); writes go through to the state backend, so the cache only saves reads.");

    public static final ConfigOption<Duration> DEDUPE_TTL = ConfigOptions.key("inventory.dedupe-ttl")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_DEDUPE_TTL_MS))
            .withDescription("How long trade ids are remembered to apply a repeated trade once.");

    public static final ConfigOption<Double> QUOTE_SKEW_BPS = ConfigOptions.key("signals.quote-skew-bps")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_QUOTE_SKEW_BPS)
            .withDescription("A QUOTE_SKEW signal is emitted when the reservation price moved more than this since the last one.");

    public static final ConfigOption<Double> DEFAULT_DELTA_BAND = ConfigOptions.key("defaults.delta-band")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_DELTA_BAND)
            .withDescription("Default half-width of the no-hedge band, units of underlying.");

    public static final ConfigOption<String> DEFAULT_BAND_MODE = ConfigOptions.key("defaults.band-mode")
            .stringType().defaultValue(PipelineSettings.DEFAULT_BAND_MODE)
            .withDescription("Default band: FIXED or WHALLEY_WILMOTT.");

    public static final ConfigOption<Double> DEFAULT_HEDGE_COST_BPS = ConfigOptions.key("defaults.hedge-cost-bps")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_HEDGE_COST_BPS)
            .withDescription("Default proportional hedge cost, basis points.");

    public static final ConfigOption<Double> DEFAULT_MIN_HEDGE = ConfigOptions.key("defaults.min-hedge-quantity")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_MIN_HEDGE_QUANTITY)
            .withDescription("Default smallest hedge worth routing, contracts.");

    public static final ConfigOption<Duration> DEFAULT_HEDGE_TIMEOUT = ConfigOptions.key("defaults.hedge-timeout")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_HEDGE_TIMEOUT_MS))
            .withDescription("Default time after which an unfilled hedge stops counting as pending.");

    public static final ConfigOption<Double> DEFAULT_GAMMA_LIMIT = ConfigOptions.key("defaults.gamma-limit")
            .doubleType().noDefaultValue()
            .withDescription("Default limit on |dollar gamma| per 1% move; none by default.");

    public static final ConfigOption<Double> DEFAULT_VEGA_LIMIT = ConfigOptions.key("defaults.vega-limit")
            .doubleType().noDefaultValue()
            .withDescription("Default limit on |vega| per vol point; none by default.");

    public static final ConfigOption<Double> DEFAULT_RISK_AVERSION = ConfigOptions.key("defaults.risk-aversion")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_RISK_AVERSION)
            .withDescription("Default risk aversion (gamma of Avellaneda-Stoikov and Whalley-Wilmott), per unit of quote currency: scale it with the price level.");

    public static final ConfigOption<Double> DEFAULT_FILL_INTENSITY = ConfigOptions.key("defaults.fill-intensity")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_FILL_INTENSITY)
            .withDescription("Default order-fill intensity k of Avellaneda-Stoikov.");

    public static final ConfigOption<Duration> DEFAULT_QUOTE_HORIZON = ConfigOptions.key("defaults.quote-horizon")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_QUOTE_HORIZON_MS))
            .withDescription("Default horizon tau of the quote skew.");

    public static final ConfigOption<Boolean> DEFAULT_OPTION_HEDGE = ConfigOptions.key("defaults.option-hedge")
            .booleanType().defaultValue(PipelineSettings.DEFAULT_OPTION_HEDGE)
            .withDescription("Default of optionHedge: hedge gamma and vega over their limits with listed options (GAMMA_HEDGE / VEGA_HEDGE). Upgrade the consumers of rebalance-signals to the schema with these types first.");

    public static final ConfigOption<Double> DEFAULT_HEDGE_TO_FRACTION = ConfigOptions.key("defaults.hedge-to-fraction")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_HEDGE_TO_FRACTION)
            .withDescription("Default fraction of its limit an option hedge brings |dollar gamma| or |vega| back to, in (0, 1].");

    public static final ConfigOption<Double> DEFAULT_HEDGE_MIN_DAYS = ConfigOptions.key("defaults.hedge-min-days")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_HEDGE_MIN_DAYS)
            .withDescription("Default shortest time to expiry of a hedge option, days.");

    public static final ConfigOption<Double> DEFAULT_HEDGE_MAX_DAYS = ConfigOptions.key("defaults.hedge-max-days")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_HEDGE_MAX_DAYS)
            .withDescription("Default longest time to expiry of a hedge option, days; at least defaults.hedge-min-days.");

    public static final ConfigOption<Double> DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS = ConfigOptions.key("defaults.hedge-max-spread-vol-pts")
            .doubleType().defaultValue(PipelineSettings.DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS)
            .withDescription("Default widest quoted spread of a hedge option, vol points.");

    public static final ConfigOption<Double> DEFAULT_MAX_MARGIN_USAGE = ConfigOptions.key("defaults.max-margin-usage")
            .doubleType().noDefaultValue()
            .withDescription("Default MARGIN_USAGE limit on margin / equity of a provider's portfolio, e.g. 0.8; none by default.");

    public static final ConfigOption<Double> DEFAULT_MIN_LIQUIDATION_MOVE = ConfigOptions.key("defaults.min-liquidation-move")
            .doubleType().noDefaultValue()
            .withDescription("Default LIQUIDATION_BUFFER limit: the smallest absolute liquidation move allowed, e.g. 0.15; none by default.");

    public static final ConfigOption<String> DEFAULT_COLLATERAL_HAIRCUTS = ConfigOptions.key("defaults.collateral-haircuts")
            .stringType().defaultValue("")
            .withDescription("Default haircut per collateral asset, fractions in [0, 1], e.g. BTC=0.1,ETH=0.15; none by default.");

    public static final ConfigOption<String> DEFAULT_VENUE = ConfigOptions.key("defaults.venue")
            .stringType().defaultValue(PipelineSettings.DEFAULT_VENUE)
            .withDescription("The venue given to positions and quotes in state written before venues (0.1.0 savepoints: keys without a venue), and the venue of the delta hedge of such a book until its next fill; non-blank, without a colon or a slash. Set it, at the upgrade, to the venue those fills came from.");

    public static final ConfigOption<Boolean> PORTFOLIO_ENABLED = ConfigOptions.key("portfolio.enabled")
            .booleanType().defaultValue(PipelineSettings.DEFAULT_PORTFOLIO_ENABLED)
            .withDescription("Run the portfolio stage (portfolio-risk, MARGIN_USAGE, LIQUIDATION_BUFFER); off by default: turn it on once the providers' balances are fed into collateral (it costs about 1.5x the CPU per record in the throughput harness, docs/performance.md); false: the inventory stage sends no book summaries.");

    public static final ConfigOption<Duration> PORTFOLIO_INTERVAL = ConfigOptions.key("portfolio.interval")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_PORTFOLIO_INTERVAL_MS))
            .withDescription("A provider's portfolio-risk record on market moves at most this often (wall clock); fills and collateral changes emit at once (unless portfolio.fill-interval says otherwise).");

    public static final ConfigOption<Duration> PORTFOLIO_FILL_INTERVAL = ConfigOptions.key("portfolio.fill-interval")
            .durationType().defaultValue(Duration.ZERO)
            .withDescription("A provider's portfolio-risk record on fills and collateral changes at most this often (wall clock), at most portfolio.interval: a change within it of the previous record waits for it, and one record then covers every change since (conflation, e.g. while catching up on a backlog); 0 (the default): every fill and collateral change emits its own record at once.");

    public static final ConfigOption<Duration> PORTFOLIO_SCENARIO_INTERVAL = ConfigOptions.key("portfolio.scenario-interval")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_SCENARIO_INTERVAL_MS))
            .withDescription("A book's scenario set (stress-grid column, liquidation points) is rebuilt by full revaluation at most this often (wall clock); a fill in between is added to it as an entry of its own.");

    public static final ConfigOption<Duration> PORTFOLIO_DAY_START = ConfigOptions.key("portfolio.day-start")
            .durationType().defaultValue(Duration.ofMillis(PipelineSettings.DEFAULT_DAY_OFFSET_MS))
            .withDescription("The day of the profit-and-loss explain starts this long after 00:00 UTC, in [0, 24 h).");

    public static final ConfigOption<String> PORTFOLIO_SPOT_SHOCKS = ConfigOptions.key("portfolio.spot-shocks")
            .stringType().defaultValue(shocks(ScenarioAxes.DEFAULT.spotShocks()))
            .withDescription("Relative spot shocks of the stress grid (every S and option forward times 1 + shock), decimals, comma-separated: each above -1, no repeats.");

    public static final ConfigOption<String> PORTFOLIO_VOL_SHOCKS = ConfigOptions.key("portfolio.vol-shocks")
            .stringType().defaultValue(shocks(ScenarioAxes.DEFAULT.volShocks()))
            .withDescription("Relative vol shocks of the stress grid (every option vol times 1 + shock), decimals, comma-separated: each at least -1, no repeats.");

    public static final List<ConfigOption<?>> ALL = List.of(SNAPSHOT_INTERVAL, RV_HALF_LIFE, RV_MIN_INTERVAL, RATES, REFERENCE,
            REFRESH_INTERVAL, REFRESH_BUDGET, BOOK_CACHE_POSITIONS, DEDUPE_TTL, QUOTE_SKEW_BPS, DEFAULT_DELTA_BAND, DEFAULT_BAND_MODE,
            DEFAULT_HEDGE_COST_BPS, DEFAULT_MIN_HEDGE, DEFAULT_HEDGE_TIMEOUT, DEFAULT_GAMMA_LIMIT,
            DEFAULT_VEGA_LIMIT, DEFAULT_RISK_AVERSION, DEFAULT_FILL_INTENSITY, DEFAULT_QUOTE_HORIZON,
            DEFAULT_OPTION_HEDGE, DEFAULT_HEDGE_TO_FRACTION, DEFAULT_HEDGE_MIN_DAYS, DEFAULT_HEDGE_MAX_DAYS,
            DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS,
            DEFAULT_MAX_MARGIN_USAGE, DEFAULT_MIN_LIQUIDATION_MOVE, DEFAULT_COLLATERAL_HAIRCUTS, DEFAULT_VENUE,
            PORTFOLIO_ENABLED, PORTFOLIO_INTERVAL, PORTFOLIO_FILL_INTERVAL, PORTFOLIO_SCENARIO_INTERVAL, PORTFOLIO_DAY_START,
            PORTFOLIO_SPOT_SHOCKS, PORTFOLIO_VOL_SHOCKS);

    private static String shocks(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(v);
        }
        return s.toString();
    }

    /**
     * Pipeline settings from pipeline options alone ({@code --market.*}, {@code --inventory.*},
     * {@code --signals.*}, {@code --defaults.*}): for a stage's tests and tools that need no Kafka.
     */
    public static PipelineSettings parse(String... args) {
        return settings(ParsedArgs.parse(List.of(args), ALL, Set.of(), false, System::getenv));
    }

    /** The pipeline settings of parsed arguments, checked; a bad value fails naming its option. */
    static PipelineSettings settings(ParsedArgs c) {
        PipelineSettings.Builder b = PipelineSettings.builder()
                .snapshotIntervalMs(positive(c, SNAPSHOT_INTERVAL))
                .rvHalfLifeMs(positive(c, RV_HALF_LIFE))
                .refreshIntervalMs(positive(c, REFRESH_INTERVAL))
                .dedupeTtlMs(positive(c, DEDUPE_TTL))
                .refreshBudget(atLeast(c, REFRESH_BUDGET, 1))
                .bookCachePositions(atLeast(c, BOOK_CACHE_POSITIONS, 0))
                .quoteSkewBps(nonNegative(c, QUOTE_SKEW_BPS));
        Duration minInterval = c.get(RV_MIN_INTERVAL);
        if (minInterval.isNegative()) {
            throw ParsedArgs.bad(RV_MIN_INTERVAL, minInterval, "must be >= 0");
        }
        b.rvMinIntervalMs(minInterval.toMillis());
        b.rates(parseRates(c));
        Set<String> spot = new HashSet<>();
        for (Map.Entry<String, String> e : parsePairs(c, REFERENCE).entrySet()) {
            String kind = e.getValue().toUpperCase(Locale.ROOT);
            if (kind.equals("SPOT")) {
                spot.add(e.getKey());
            } else if (!kind.equals("PERPETUAL")) {
                throw ParsedArgs.bad(REFERENCE, c.get(REFERENCE),
                        "the reference of " + e.getKey() + " must be PERPETUAL or SPOT, got " + e.getValue());
            }
        }
        b.spotReferenced(spot);
        String mode = c.get(DEFAULT_BAND_MODE).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        BandMode bandMode;
        try {
            bandMode = BandMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw ParsedArgs.bad(DEFAULT_BAND_MODE, c.get(DEFAULT_BAND_MODE), "expected FIXED or WHALLEY_WILMOTT");
        }
        b.defaultLimits(b.defaultLimitsBuilder()
                .setDeltaBand(nonNegative(c, DEFAULT_DELTA_BAND))
                .setBandMode(bandMode)
                .setHedgeCostBps(nonNegative(c, DEFAULT_HEDGE_COST_BPS))
                .setMinHedgeQuantity(nonNegative(c, DEFAULT_MIN_HEDGE))
                .setHedgeTimeoutMs(positive(c, DEFAULT_HEDGE_TIMEOUT))
                .setGammaLimit(optionalPositive(c, DEFAULT_GAMMA_LIMIT))
                .setVegaLimit(optionalPositive(c, DEFAULT_VEGA_LIMIT))
                .setRiskAversion(strictlyPositive(c, DEFAULT_RISK_AVERSION))
                .setFillIntensity(strictlyPositive(c, DEFAULT_FILL_INTENSITY))
                .setQuoteHorizonMs(positive(c, DEFAULT_QUOTE_HORIZON))
                .setOptionHedge(c.get(DEFAULT_OPTION_HEDGE))
                .setHedgeToFraction(hedgeToFraction(c))
                .setHedgeMinDays(nonNegative(c, DEFAULT_HEDGE_MIN_DAYS))
                .setHedgeMaxDays(hedgeMaxDays(c))
                .setHedgeMaxSpreadVolPts(strictlyPositive(c, DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS))
                .setMaxMarginUsage(optionalPositive(c, DEFAULT_MAX_MARGIN_USAGE))
                .setMinLiquidationMove(optionalPositive(c, DEFAULT_MIN_LIQUIDATION_MOVE))
                .setCollateralHaircuts(parseHaircuts(c))
                .build());
        String venue = c.get(DEFAULT_VENUE);
        if (venue.isBlank() || venue.indexOf(Keys.VENUE_SEPARATOR) >= 0 || venue.indexOf(Keys.SEPARATOR) >= 0) {
            throw ParsedArgs.bad(DEFAULT_VENUE, venue, "must be non-blank and without '" + Keys.VENUE_SEPARATOR + "' or '"
                    + Keys.SEPARATOR + "'");
        }
        b.defaultVenue(venue);
        b.portfolioEnabled(c.get(PORTFOLIO_ENABLED))
                .portfolioIntervalMs(positive(c, PORTFOLIO_INTERVAL))
                .portfolioFillIntervalMs(fillInterval(c))
                .scenarioIntervalMs(positive(c, PORTFOLIO_SCENARIO_INTERVAL));
        Duration dayStart = c.get(PORTFOLIO_DAY_START);
        if (dayStart.isNegative() || dayStart.toMillis() >= 86_400_000L) {
            throw ParsedArgs.bad(PORTFOLIO_DAY_START, dayStart, "must be in [0, 24 h)");
        }
        b.dayOffsetMs(dayStart.toMillis());
        double[] spotShocks = parseShocks(c, PORTFOLIO_SPOT_SHOCKS);
        double[] vol = parseShocks(c, PORTFOLIO_VOL_SHOCKS);
        try {
            io.ballast.domain.ScenarioAxes.of(spotShocks, vol);
        } catch (IllegalArgumentException e) {
            boolean spotBad = e.getMessage().startsWith("spotShocks");
            ConfigOption<String> o = spotBad ? PORTFOLIO_SPOT_SHOCKS : PORTFOLIO_VOL_SHOCKS;
            throw ParsedArgs.bad(o, c.get(o), e.getMessage());
        }
        b.spotShocks(spotShocks).volShocks(vol);
        return b.build();
    }

    private static double[] parseShocks(ParsedArgs c, ConfigOption<String> o) {
        String raw = c.get(o).trim();
        if (raw.isEmpty()) {
            throw ParsedArgs.bad(o, raw, "must list at least one shock");
        }
        String[] parts = raw.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw ParsedArgs.bad(o, raw, "'" + parts[i].trim() + "' is not a number");
            }
        }
        return out;
    }

    private static Map<String, Double> parseHaircuts(ParsedArgs c) {
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<String, String> e : parsePairs(c, DEFAULT_COLLATERAL_HAIRCUTS).entrySet()) {
            double v;
            try {
                v = Double.parseDouble(e.getValue());
            } catch (NumberFormatException ex) {
                v = Double.NaN;
            }
            if (!(v >= 0 && v <= 1)) {
                throw ParsedArgs.bad(DEFAULT_COLLATERAL_HAIRCUTS, c.get(DEFAULT_COLLATERAL_HAIRCUTS),
                        "the haircut of " + e.getKey() + " must be a number in [0, 1], got " + e.getValue());
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    private static long positive(ParsedArgs c, ConfigOption<Duration> o) {
        Duration d = c.get(o);
        if (d.isNegative() || d.isZero()) {
            throw ParsedArgs.bad(o, d, "must be positive");
        }
        return d.toMillis();
    }

    private static long fillInterval(ParsedArgs c) {
        Duration d = c.get(PORTFOLIO_FILL_INTERVAL);
        if (d.isNegative() || d.compareTo(c.get(PORTFOLIO_INTERVAL)) > 0) {
            throw ParsedArgs.bad(PORTFOLIO_FILL_INTERVAL, d, "must be in [0, portfolio.interval = " + c.get(PORTFOLIO_INTERVAL) + "]");
        }
        return d.toMillis();
    }

    private static int atLeast(ParsedArgs c, ConfigOption<Integer> o, int min) {
        int v = c.get(o);
        if (v < min) {
            throw ParsedArgs.bad(o, v, "must be >= " + min);
        }
        return v;
    }

    private static double nonNegative(ParsedArgs c, ConfigOption<Double> o) {
        double v = c.get(o);
        if (!Double.isFinite(v) || v < 0) {
            throw ParsedArgs.bad(o, v, "must be finite and >= 0");
        }
        return v;
    }

    private static double hedgeToFraction(ParsedArgs c) {
        double v = c.get(DEFAULT_HEDGE_TO_FRACTION);
        if (!(v > 0 && v <= 1)) {
            throw ParsedArgs.bad(DEFAULT_HEDGE_TO_FRACTION, v, "must be in (0, 1]");
        }
        return v;
    }

    private static double hedgeMaxDays(ParsedArgs c) {
        double v = nonNegative(c, DEFAULT_HEDGE_MAX_DAYS);
        if (v < c.get(DEFAULT_HEDGE_MIN_DAYS)) {
            throw ParsedArgs.bad(DEFAULT_HEDGE_MAX_DAYS, v, "must be at least --" + DEFAULT_HEDGE_MIN_DAYS.key()
                    + " (" + c.get(DEFAULT_HEDGE_MIN_DAYS) + ")");
        }
        return v;
    }

    private static double strictlyPositive(ParsedArgs c, ConfigOption<Double> o) {
        double v = c.get(o);
        if (!Double.isFinite(v) || v <= 0) {
            throw ParsedArgs.bad(o, v, "must be finite and > 0");
        }
        return v;
    }

    private static Double optionalPositive(ParsedArgs c, ConfigOption<Double> o) {
        Double v = c.get(o);
        if (v != null && (!Double.isFinite(v) || v <= 0)) {
            throw ParsedArgs.bad(o, v, "must be finite and > 0");
        }
        return v;
    }

    private static Map<String, String> parsePairs(ParsedArgs c, ConfigOption<String> o) {
        Map<String, String> out = new HashMap<>();
        String raw = c.get(o).trim();
        if (raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split(",")) {
            String[] kv = part.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw ParsedArgs.bad(o, raw, "expected UNDERLYING=value[,UNDERLYING=value...], got '" + part + "'");
            }
            if (out.put(kv[0].trim(), kv[1].trim()) != null) {
                throw ParsedArgs.bad(o, raw, kv[0].trim() + " is given twice");
            }
        }
        return out;
    }

    private static Map<String, Double> parseRates(ParsedArgs c) {
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<String, String> e : parsePairs(c, RATES).entrySet()) {
            try {
                double v = Double.parseDouble(e.getValue());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                out.put(e.getKey(), v);
            } catch (NumberFormatException ex) {
                throw ParsedArgs.bad(RATES, c.get(RATES), "the value for " + e.getKey() + " is not a finite number: " + e.getValue());
            }
        }
        return out;
    }
}
