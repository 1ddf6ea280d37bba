package io.ballast.sandbox.market;

import io.ballast.avro.Quote;
import io.ballast.avro.Trade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated market, advanced one tick at a time by the caller: per underlying a Merton
 * jump-diffusion price, perpetual and spot quotes every tick, and an option chain quoted around a moving
 * SVI smile (every option once per {@value #OPTION_SLICES} ticks); then the providers' fills. Two venues:
 * SIMEX (USD-quoted options, a linear perpetual, spot) and the coin venue {@link CoinVenue} (the same options
 * quoted in coin, an inverse perpetual), which mirrors SIMEX's books: the same prices converted to its
 * conventions, the same sizes, so it adds nothing to the market's random stream.
 *
 * <p>Reproducible: the same seed gives the same prices, smiles, quotes and fills, tick for tick, whatever
 * the wall clock does (only event times and times to expiry follow the clock). The market and the
 * providers draw from separate random streams, so changing the providers or the rate leaves the market's
 * path alone. Not thread-safe: one thread ticks it; {@link #view()} may be read from any thread.
 */
public final class MarketSimulator {

    public static final double MILLIS_PER_YEAR = 31_536_000_000.0;
    /** Wall time per tick. */
    public static final long TICK_MILLIS = 100;
    static final int OPTION_SLICES = 10;

    /** Where quotes and fills go. */
    public interface Output {
        void quote(Quote quote);

        void trade(Trade trade);
    }

    private final List<Underlying> underlyings = new ArrayList<>();
    private final ProviderFlow flow;
    private final double timeScale;
    private final SplittableRandom marketRandom;
    private final Output output;
    private final MarketView view = new MarketView();
    private final boolean coinVenue;
    private long ticks;

    /** The state of one underlying's market. */
    final class Underlying {
        final UnderlyingSpec spec;
        final Listing listing;
        final JumpDiffusion price;
        final SmileModel smile;
        final Svi[] slices;
        final double[] forwards;
        final double[] taus;

        Underlying(UnderlyingSpec spec, Listing listing) {
            this.spec = spec;
            this.listing = listing;
            this.price = new JumpDiffusion(spec.spot(), 0, spec.vol(), spec.jumpsPerYear(), spec.jumpMean(),
                    spec.jumpStd());
            this.smile = new SmileModel(spec.vol(), spec.skewRho());
            this.slices = new Svi[listing.expiries().size()];
            this.forwards = new double[slices.length];
            this.taus = new double[slices.length];
        }

        double spot() {
            return price.price();
        }

        /** Fresh smiles and forwards for every expiry as of {@code now}. */
        void mark(long now) {
            for (int e = 0; e < slices.length; e++) {
                double tau = Math.max((listing.expiries().get(e) - now) / MILLIS_PER_YEAR, 1e-6);
                taus[e] = tau;
                forwards[e] = spot() * Math.exp(spec.basisPerYear() * tau);
                slices[e] = smile.slice(tau);
            }
        }

        /** Bid and ask of an option around the current smile; the spread widens into the wings. */
        double[] optionQuote(Listing.Option o) {
            int e = o.expiryIndex();
            double tau = taus[e];
            double forward = forwards[e];
            double k = Math.log(o.strike() / forward);
            double vol = slices[e].vol(k, tau);
            double mid = Black76.price(forward, o.strike(), tau, vol, o.call());
            double wings = Math.min(Math.abs(k) / (smile.atmVol(tau) * Math.sqrt(tau)), 4);
            double halfSpreadVol = 0.005 + 0.0075 * wings;
            double tick = spec.optionTick();
            double half = Math.max(Black76.vega(forward, o.strike(), tau, vol) * halfSpreadVol, tick);
            double bid = Math.max(0, Math.floor((mid - half) / tick) * tick);
            double ask = Math.max(tick, Math.ceil((mid + half) / tick) * tick);
            return new double[] {bid, ask, forward};
        }

        /** The coin venue's quote of a USD option quote {bid, ask, forward}: {bid, ask, forward}, in coin. */
        double[] coinOptionQuote(double[] usd) {
            return new double[] {CoinVenue.coinBid(usd[0], usd[2]), CoinVenue.coinAsk(usd[1], usd[2]), usd[2]};
        }

        double[] linearQuote(double halfSpreadBps) {
            double mid = spot();
            double half = mid * halfSpreadBps / 10_000;
            return new double[] {round2(mid - half), round2(mid + half)};
        }
    }

    /**
     * SIMEX only, no coin venue: the throughput harness's workload (about 22 quotes a tick), as before the coin
     * venue was added.
     */
    public MarketSimulator(List<UnderlyingSpec> specs, List<String> providers, double fillRate, long seed,
                           double timeScale, Instant start, Output output) {
        this(specs, providers, fillRate, seed, timeScale, start, false, output);
    }

    /**
     * @param providers the providers whose fills are simulated
     * @param fillRate the providers' fills per second of wall time, all together
     * @param timeScale simulated years pass this many times faster than wall time for the price process
     *     (1: real time)
     * @param start the listing time (expiries and strikes are fixed from it)
     * @param coinVenue whether the coin venue quotes and trades too (the sandbox's market)
     */
    public MarketSimulator(List<UnderlyingSpec> specs, List<String> providers, double fillRate, long seed,
                           double timeScale, Instant start, boolean coinVenue, Output output) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be > 0, got " + timeScale);
        }
        SplittableRandom root = new SplittableRandom(seed);
        this.marketRandom = root.split();
        SplittableRandom flowRandom = root.split();
        SplittableRandom venueRandom = root.split(); // after the others: their streams stay as they were
        this.timeScale = timeScale;
        this.output = output;
        this.coinVenue = coinVenue;
        for (UnderlyingSpec spec : specs) {
            Underlying u = new Underlying(spec, Listing.of(spec, start));
            u.mark(start.toEpochMilli());
            underlyings.add(u);
        }
        this.flow = new ProviderFlow(providers, underlyings, fillRate, flowRandom, coinVenue ? venueRandom : null);
    }

    /** One tick at wall time {@code now} (epoch millis). */
    public void tick(long now) {
        double dtSeconds = TICK_MILLIS / 1000.0;
        double dtYears = TICK_MILLIS * timeScale / MILLIS_PER_YEAR;
        Instant time = Instant.ofEpochMilli(now);
        int slice = (int) (ticks % OPTION_SLICES);
        for (Underlying u : underlyings) {
            u.price.step(dtYears, marketRandom);
            u.smile.step(dtSeconds, marketRandom);
            u.mark(now);
            double[] perp = linear(u, u.listing.perpetual(), u.spec.perpHalfSpreadBps(), time);
            if (coinVenue) {
                inverse(u, perp, time);
            }
            linear(u, u.listing.spot(), u.spec.spotHalfSpreadBps(), time);
            List<Listing.Option> options = u.listing.options();
            for (int i = slice; i < options.size(); i += OPTION_SLICES) {
                Listing.Option o = options.get(i);
                if (o.expiry() <= now) {
                    continue;
                }
                double[] q = u.optionQuote(o);
                view.update(ProviderFlow.VENUE, o.instrument(), q[0], q[1], q[2], time.toEpochMilli());
                double bidSize = size(u);
                double askSize = size(u);
                output.quote(Quote.newBuilder().setInstrument(o.instrument()).setVenue(ProviderFlow.VENUE)
                        .setBid(q[0]).setAsk(q[1]).setBidSize(bidSize).setAskSize(askSize)
                        .setUnderlyingPrice(q[2]).setEventTime(time).build());
                if (!coinVenue) {
                    continue;
                }
                double[] c = u.coinOptionQuote(q);
                view.update(CoinVenue.VENUE, o.coin(), c[0], c[1], c[2], time.toEpochMilli());
                output.quote(Quote.newBuilder().setInstrument(o.coin()).setVenue(CoinVenue.VENUE)
                        .setBid(c[0]).setAsk(c[1]).setBidSize(bidSize).setAskSize(askSize)
                        .setUnderlyingPrice(c[2]).setEventTime(time).build());
            }
        }
        flow.step(dtSeconds, now, output);
        ticks++;
    }

    /** A SIMEX linear quote; returns bid, ask, bid size, ask size. */
    private double[] linear(Underlying u, io.ballast.avro.Instrument instrument, double halfSpreadBps, Instant time) {
        double[] q = u.linearQuote(halfSpreadBps);
        view.update(ProviderFlow.VENUE, instrument, q[0], q[1], null, time.toEpochMilli());
        double bidSize = size(u);
        double askSize = size(u);
        output.quote(Quote.newBuilder().setInstrument(instrument).setVenue(ProviderFlow.VENUE)
                .setBid(q[0]).setAsk(q[1]).setBidSize(bidSize).setAskSize(askSize)
                .setUnderlyingPrice(null).setEventTime(time).build());
        return new double[] {q[0], q[1], bidSize, askSize};
    }

    /** The coin venue's inverse perpetual at the SIMEX perpetual's prices, its sizes in contracts. */
    private void inverse(Underlying u, double[] perp, Instant time) {
        io.ballast.avro.Instrument instrument = u.listing.inversePerpetual();
        double cv = instrument.getContractValue();
        view.update(CoinVenue.VENUE, instrument, perp[0], perp[1], null, time.toEpochMilli());
        output.quote(Quote.newBuilder().setInstrument(instrument).setVenue(CoinVenue.VENUE)
                .setBid(perp[0]).setAsk(perp[1])
                .setBidSize(CoinVenue.contracts(perp[2], perp[0], cv))
                .setAskSize(CoinVenue.contracts(perp[3], perp[1], cv))
                .setUnderlyingPrice(null).setEventTime(time).build());
    }

    private double size(Underlying u) {
        return Math.max(1, Math.round(u.spec.lot() * (0.5 + 19.5 * marketRandom.nextDouble()) * 10) / 10.0);
    }

    static double round2(double x) {
        return Math.round(x * 100) / 100.0;
    }

    public MarketView view() {
        return view;
    }

    public long ticks() {
        return ticks;
    }

    /** Current price of each underlying, in the order of the specs. */
    public double[] spots() {
        double[] s = new double[underlyings.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = underlyings.get(i).spot();
        }
        return s;
    }

    /** Jumps so far, all underlyings together. */
    public long jumps() {
        long n = 0;
        for (Underlying u : underlyings) {
            n += u.price.jumps();
        }
        return n;
    }

    public List<Listing> listings() {
        return underlyings.stream().map(u -> u.listing).toList();
    }
}
