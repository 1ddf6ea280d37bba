package io.ballast.cluster;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.quant.Black76;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A steady market and steady fills, one batch per {@link #tick()}: a BTC perpetual quote every tick
 * (a random walk around 100,000), a chain of ten options on one expiry every fifth tick (priced with
 * Black-76 on a skewed smile, so the market stage solves implied vols and fits a smile), and one fill
 * per tick, the providers in turn. Every twentieth fill is sent twice (a producer retry): the job must
 * apply it once and reject the copy once.
 *
 * <p>The linear providers trade only the perpetual, with a lean to one side, so that their books leave
 * the delta band and ask for hedges; their position is the exact sum of their fills. The options
 * provider buys and sells options and perpetuals. Event times are the wall clock when a batch is made.
 *
 * <p>What was sent is kept as the expected state: per provider the exact sum of its distinct linear
 * fills, the options provider's position per instrument, the number of distinct fills and the ids of
 * the copies. Thread-safe: ticks run on a scheduler thread, the test reads the expectations.
 */
final class TradingWorkload {

    static final String UNDERLYING = "BTC";
    static final List<String> LINEAR_PROVIDERS = List.of("lp1", "lp2", "lp3", "lp4");
    static final String OPTIONS_PROVIDER = "opt1";
    static final List<String> PROVIDERS = List.of("lp1", "lp2", "lp3", "lp4", OPTIONS_PROVIDER);
    /** Probability that a fill of the provider is a BUY: the first two lean hard, so they need hedges. */
    private static final Map<String, Double> BUY_BIAS = Map.of("lp1", 0.8, "lp2", 0.2, "lp3", 0.5, "lp4", 0.6, OPTIONS_PROVIDER, 0.7);
    private static final double[] STRIKES = {90_000, 95_000, 100_000, 105_000, 110_000};
    private static final int CHAIN_EVERY = 5;
    private static final int DUPLICATE_EVERY = 20;
    private static final double ATM_VOL = 0.6;

    /** Where a batch goes: quotes and trades, already as records of their topics. */
    interface Sink {
        void quotes(List<Quote> quotes);

        void trades(List<Trade> trades);
    }

    private final Random random = new Random(20261121);
    private final Instant expiry;
    private final Sink sink;
    private final Consumer<RuntimeException> onFailure;

    private double spot = 100_000;
    private long ticks;
    private long fills;
    private final Map<String, BigDecimal> linearPositions = new TreeMap<>();
    private final Map<String, BigDecimal> optionsBook = new TreeMap<>();
    private final List<String> duplicateIds = new ArrayList<>();
    private final Map<String, Integer> fillsPerProvider = new HashMap<>();
    private volatile RuntimeException failure;

    TradingWorkload(Instant expiry, Sink sink) {
        this.expiry = expiry;
        this.sink = sink;
        this.onFailure = e -> failure = e;
        for (String p : LINEAR_PROVIDERS) {
            linearPositions.put(p, BigDecimal.ZERO);
        }
    }

    /** The market alone, once: for the job's start, so that the first fills find a market. */
    void market(Instant at) {
        List<Quote> quotes = new ArrayList<>();
        quotes.add(perpQuote(at));
        quotes.addAll(chain(at));
        sink.quotes(quotes);
    }

    /** One batch: quotes, a fill, now and then its copy. Failures are kept for {@link #check()}. */
    void tick() {
        try {
            Instant now = Instant.now();
            List<Quote> quotes = new ArrayList<>();
            List<Trade> trades = new ArrayList<>();
            synchronized (this) {
                ticks++;
                spot *= Math.exp(1e-4 * random.nextGaussian()); // about 1 bp per tick
                quotes.add(perpQuote(now));
                if (ticks % CHAIN_EVERY == 0) {
                    quotes.addAll(chain(now));
                }
                Trade fill = nextFill(now);
                trades.add(fill);
                if (fills % DUPLICATE_EVERY == 0) {
                    trades.add(fill); // the same trade id on the same venue: a retry
                    duplicateIds.add(fill.getTradeId());
                }
            }
            sink.quotes(quotes);
            sink.trades(trades);
        } catch (RuntimeException e) {
            onFailure.accept(e);
            throw e; // ends the scheduled ticks
        }
    }

    private Trade nextFill(Instant now) {
        fills++;
        String provider = PROVIDERS.get((int) (fills % PROVIDERS.size()));
        int n = fillsPerProvider.merge(provider, 1, Integer::sum);
        String tradeId = provider + "-" + n;
        Side side = random.nextDouble() < BUY_BIAS.get(provider) ? Side.BUY : Side.SELL;
        if (provider.equals(OPTIONS_PROVIDER) && n % 2 == 1) {
            Instrument option = TestRecords.option(UNDERLYING, STRIKES[random.nextInt(STRIKES.length)], expiry,
                    random.nextBoolean() ? OptionRight.CALL : OptionRight.PUT);
            double quantity = 1 + random.nextInt(3);
            optionsBook.merge(option.getSymbol(), signed(side, quantity), BigDecimal::add);
            return TestRecords.trade(tradeId, provider, option, side, quantity, optionPrice(option, now), now);
        }
        // Up to four decimals, never zero: sums that are not exact in binary floating point.
        double quantity = (1 + random.nextInt(20_000)) / 10_000.0;
        Instrument perp = TestRecords.perp(UNDERLYING);
        if (provider.equals(OPTIONS_PROVIDER)) {
            optionsBook.merge(perp.getSymbol(), signed(side, quantity), BigDecimal::add);
        } else {
            linearPositions.merge(provider, signed(side, quantity), BigDecimal::add);
        }
        return TestRecords.trade(tradeId, provider, perp, side, quantity, spot, now);
    }

    private static BigDecimal signed(Side side, double quantity) {
        BigDecimal q = new BigDecimal(quantity); // exact: the double the job receives
        return side == Side.BUY ? q : q.negate();
    }

    private Quote perpQuote(Instant at) {
        return TestRecords.quote(TestRecords.perp(UNDERLYING), spot - 0.5, spot + 0.5, at);
    }

    private List<Quote> chain(Instant at) {
        List<Quote> quotes = new ArrayList<>();
        for (double k : STRIKES) {
            for (OptionRight right : OptionRight.values()) {
                Instrument option = TestRecords.option(UNDERLYING, k, expiry, right);
                double mid = optionPrice(option, at);
                Quote q = TestRecords.quote(option, mid * 0.999, mid * 1.001, at);
                q.setUnderlyingPrice(spot);
                quotes.add(q);
            }
        }
        return quotes;
    }

    /** Black-76 on the forward {@code spot}, with a smile skewed to the downside. */
    private double optionPrice(Instrument option, Instant at) {
        double tau = (expiry.toEpochMilli() - at.toEpochMilli()) / 31_536_000_000.0;
        double k = Math.log(option.getStrike() / spot);
        double vol = ATM_VOL - 0.3 * k + 0.5 * k * k;
        return Black76.price(option.getRight() == OptionRight.CALL, spot, option.getStrike(), tau, vol, 1.0);
    }

    // ---------------------------------------------------------------------------- expectations

    /** Rethrows the failure that stopped the ticks, if any. */
    void check() {
        RuntimeException e = failure;
        if (e != null) {
            throw new IllegalStateException("The workload stopped: " + e.getMessage(), e);
        }
    }

    /** The exact sum of each linear provider's distinct fills (BUY adds, SELL subtracts). */
    synchronized Map<String, BigDecimal> linearPositions() {
        return new TreeMap<>(linearPositions);
    }

    /** The options provider's instruments whose exact position is not zero. */
    synchronized int optionsBookPositions() {
        return (int) optionsBook.values().stream().filter(q -> q.signum() != 0).count();
    }

    /** Distinct fills sent (copies not counted). */
    synchronized long distinctFills() {
        return fills;
    }

    /** Trade ids sent a second time. */
    synchronized List<String> duplicateIds() {
        return List.copyOf(duplicateIds);
    }

    synchronized long ticks() {
        return ticks;
    }
}
