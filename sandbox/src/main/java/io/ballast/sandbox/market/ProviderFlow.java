package io.ballast.sandbox.market;

import io.ballast.avro.Instrument;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;

import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The providers' fills: market makers whose quotes the market hits. Fills arrive as a Poisson process
 * at the configured rate; each picks a provider, an underlying and an instrument (perpetuals 30%, options
 * 70%, mostly short-dated and near the money); the provider buys at its bid or sells at its ask.
 *
 * <p>Inventory drifts: each provider/underlying has a directional flow bias that wanders and mean-reverts
 * (half-life 20 s), so deltas build up and need hedging. Options flow leans against the provider's own
 * option inventory, as a market maker skews its quotes to shed it, which keeps gamma and vega from
 * growing without bound.
 *
 * <p>A share ({@value #COIN_VENUE_SHARE}) of the fills, drawn from a random stream of its own (so the rest of the
 * flow is the same with or without it), goes to the coin venue ({@link CoinVenue}): an option fill trades the
 * option's coin-quoted twin (price and fee in coin, {@code underlyingPrice} the forward), a perpetual fill the
 * inverse perpetual (the same size in coin as whole contracts, price USD per coin, fee in USD).
 */
final class ProviderFlow {

    static final String VENUE = "SIMEX";
    /** Share of the fills that trade on the coin venue. */
    static final double COIN_VENUE_SHARE = 0.3;

    private final List<String> providers;
    private final List<MarketSimulator.Underlying> underlyings;
    private final double fillRate;
    private final RandomGenerator random;
    /** Null without a coin venue. */
    private final RandomGenerator venueRandom;
    private final MeanReverting[][] bias;
    private final double[][] optionContracts;
    private long tradeSequence;

    ProviderFlow(List<String> providers, List<MarketSimulator.Underlying> underlyings, double fillRate,
                 RandomGenerator random, RandomGenerator venueRandom) {
        if (!(fillRate >= 0)) {
            throw new IllegalArgumentException("fill rate must be >= 0, got " + fillRate);
        }
        this.providers = List.copyOf(providers);
        this.underlyings = underlyings;
        this.fillRate = fillRate;
        this.random = random;
        this.venueRandom = venueRandom;
        this.bias = new MeanReverting[providers.size()][underlyings.size()];
        this.optionContracts = new double[providers.size()][underlyings.size()];
        for (MeanReverting[] row : bias) {
            for (int u = 0; u < row.length; u++) {
                row[u] = new MeanReverting(0, 20, 0.15);
            }
        }
    }

    void step(double dtSeconds, long now, MarketSimulator.Output output) {
        for (MeanReverting[] row : bias) {
            for (MeanReverting b : row) {
                b.step(dtSeconds, random);
            }
        }
        if (providers.isEmpty() || underlyings.isEmpty()) {
            return;
        }
        int fills = Poisson.sample(random, fillRate * dtSeconds);
        for (int i = 0; i < fills; i++) {
            Trade t = fill(now);
            if (t != null) {
                output.trade(t);
            }
        }
    }

    private Trade fill(long now) {
        int p = random.nextInt(providers.size());
        int u = random.nextInt(underlyings.size());
        MarketSimulator.Underlying und = underlyings.get(u);
        double lean = Math.max(-0.4, Math.min(0.4, bias[p][u].value()));
        double lot = und.spec.lot();
        Instrument instrument;
        double bid;
        double ask;
        double quantity;
        double feePerContract;
        Listing.Option pickedOption = null;
        double forward = Double.NaN;
        boolean option = random.nextDouble() < 0.7;
        boolean coinVenue = venueRandom != null && venueRandom.nextDouble() < COIN_VENUE_SHARE;
        Double underlyingPrice = null;
        if (option) {
            Listing.Option o = pickOption(und, now);
            if (o == null) {
                return null;
            }
            double[] q = und.optionQuote(o);
            pickedOption = o;
            forward = q[2];
            instrument = o.instrument();
            bid = q[0];
            ask = q[1];
            quantity = size(lot, -0.2, 0.7);
            double capacity = 10 * lot;
            lean = 0.5 * lean - 0.3 * Math.tanh(optionContracts[p][u] / capacity);
            feePerContract = Math.min(0.0003 * q[2], 0.125 * 0.5 * (bid + ask));
        } else {
            double[] q = und.linearQuote(und.spec.perpHalfSpreadBps());
            instrument = und.listing.perpetual();
            bid = q[0];
            ask = q[1];
            quantity = size(lot, -0.3, 0.6);
            feePerContract = 0.00005 * 0.5 * (bid + ask);
        }
        boolean buy = random.nextDouble() < 0.5 + lean;
        double fee = MarketSimulator.round2(feePerContract * quantity);
        if (coinVenue && option) {
            double[] c = und.coinOptionQuote(new double[] {bid, ask, forward});
            instrument = pickedOption.coin();
            bid = c[0];
            ask = c[1];
            underlyingPrice = c[2];
            fee = CoinVenue.optionFee(quantity, buy ? bid : ask);
        } else if (coinVenue) {
            instrument = und.listing.inversePerpetual();
            double cv = instrument.getContractValue();
            quantity = CoinVenue.contracts(quantity, buy ? bid : ask, cv);
            fee = CoinVenue.inverseFee(quantity, cv);
        }
        if (buy && !(bid > 0)) {
            return null; // nobody sells at a zero bid
        }
        double price = buy ? bid : ask;
        if (option) {
            optionContracts[p][u] += buy ? quantity : -quantity;
        }
        return Trade.newBuilder()
                .setTradeId((coinVenue ? "D" : "F") + (++tradeSequence))
                .setProviderId(providers.get(p))
                .setVenue(coinVenue ? CoinVenue.VENUE : VENUE)
                .setInstrument(instrument)
                .setSide(buy ? Side.BUY : Side.SELL)
                .setQuantity(quantity)
                .setPrice(price)
                .setFee(fee)
                .setSignalId(null)
                .setUnderlyingPrice(underlyingPrice)
                .setEventTime(Instant.ofEpochMilli(now))
                .build();
    }

    /** Short expiries and strikes near the money more often; calls and puts alike. */
    private Listing.Option pickOption(MarketSimulator.Underlying und, long now) {
        double[] expiryWeights = {0.4, 0.3, 0.2, 0.1};
        double r = random.nextDouble();
        int e = 0;
        while (e < expiryWeights.length - 1 && r > expiryWeights[e]) {
            r -= expiryWeights[e];
            e++;
        }
        List<Long> expiries = und.listing.expiries();
        e = Math.min(e, expiries.size() - 1);
        List<Listing.Option> chain = und.listing.options(expiries.get(e));
        if (chain.isEmpty() || expiries.get(e) <= now) {
            return null;
        }
        int centre = Listing.STRIKES / 2;
        int strike = (int) Math.max(0, Math.min(Listing.STRIKES - 1, Math.round(centre + 2.0 * random.nextGaussian())));
        boolean call = random.nextBoolean();
        for (Listing.Option o : chain) {
            if (o.strikeIndex() == strike && o.call() == call) {
                return o;
            }
        }
        return chain.get(random.nextInt(chain.size()));
    }

    /** Lognormal sizes in units of the lot, rounded to a tenth of a lot (at least a tenth). */
    private double size(double lot, double logMean, double logSd) {
        double units = Math.exp(logMean + logSd * random.nextGaussian());
        double tenths = Math.max(1, Math.round(units * 10));
        return tenths * lot / 10;
    }

    long fills() {
        return tradeSequence;
    }
}
