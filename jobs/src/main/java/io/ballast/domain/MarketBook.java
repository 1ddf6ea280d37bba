package io.ballast.domain;

import io.ballast.avro.InstrumentKind;
import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketState;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.OptionMark;
import io.ballast.avro.internal.SmileParams;
import io.ballast.quant.RealizedVol;
import io.ballast.quant.Smile;
import io.ballast.quant.SmileFitter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The market of one underlying: its reference price S (the latest perpetual mid, else the latest spot
 * mid, or spot first where configured), the EWMA realized vol of S, the latest quote of every option
 * and linear instrument, and a smile fit per expiry (CONTRACT.md).
 *
 * <p>A quote older than the latest of its instrument is ignored. Changes are published at most every
 * {@code market.snapshot-interval} of event time: at once when the interval has passed since the last
 * snapshot; otherwise {@link #applyQuote} asks for a flush one interval of wall time later
 * ({@link #flush}), so that a quiet market (no new quote, so no watermark progress) still gets its
 * latest quotes out. Snapshots are stamped with event time either way. Publishing refits the smiles of the
 * expiries that changed (starting from their previous fit), emits their {@code VolSkew}, drops expired
 * options, and emits one compact {@link MarketSnapshot} for the inventory stage.
 *
 * <p>Instruments are identified by {@code venue:symbol} ({@link Keys#instrument}): two venues quoting the same
 * symbol are two instruments, each with its own latest quote, mid and IV. The reference price S is the latest
 * mid of the reference kind on any venue; the smile of an expiry is fitted to the options of every venue
 * (a strike quoted on two venues is two points). State written before venues holds bare symbols: the book
 * moves them, when it is loaded, to {@code defaults.venue:symbol} ({@link #adoptBareKeys}).
 *
 * <p>Records: the scalar {@link MarketState}; options and linear instruments by {@code venue:symbol}; smiles and
 * changed expiries by expiry; each written through its {@link Cell} or {@link Table}, never changed after.
 * Options of an expiry are iterated in {@link #OPTION_ORDER} (through an index by expiry), linear
 * instruments in {@link #OPTION_ORDER}, smiles in {@link #EXPIRY_ORDER}: the orders of a scan of the
 * state, so a book read back from state computes the same numbers as a cached one. The options and the
 * changed expiries themselves are only read by key: their tables may be unordered.
 */
public final class MarketBook {

    /** The order of options (by symbol) within an expiry. */
    public static final Comparator<String> OPTION_ORDER = StateKeyOrder.STRINGS;
    /** The order of expiries. */
    public static final Comparator<Long> EXPIRY_ORDER = StateKeyOrder.LONGS;

    /** What a market publishes, and what the metrics count. */
    public interface Output {
        void snapshot(MarketSnapshot snapshot);

        void skew(VolSkew skew);

        default void staleQuote() {
        }

        default void smileFitted() {
        }

        default void optionsExpired(int count) {
        }
    }

    private final String underlying;
    private final PipelineSettings settings;
    private final Cell<MarketState> state;
    private final Table<String, OptionMark> options;
    private final Table<String, LinearMark> linear;
    private final Table<Long, SmileParams> smiles;
    private final Table<Long, Boolean> changed;
    private final SmileFitter.Stats fitStats;
    /** The options by expiry, then symbol: an index of {@link #options}. */
    private final TreeMap<Long, TreeMap<String, OptionMark>> chains = new TreeMap<>(EXPIRY_ORDER);

    /**
     * @param fitStats what smile fits take is added here (shared by the books of a stage, for its metrics)
     */
    public MarketBook(String underlying, Cell<MarketState> state, Table<String, OptionMark> options,
                      Table<String, LinearMark> linear, Table<Long, SmileParams> smiles, Table<Long, Boolean> changed,
                      SmileFitter.Stats fitStats, PipelineSettings settings) {
        this.underlying = underlying;
        this.state = state;
        this.options = options;
        this.linear = linear;
        this.smiles = smiles;
        this.changed = changed;
        this.fitStats = fitStats;
        this.settings = settings;
        adoptBareKeys(options, settings.defaultVenue());
        adoptBareKeys(linear, settings.defaultVenue());
        for (Map.Entry<String, OptionMark> e : options.entries()) {
            index(e.getKey(), null, e.getValue());
        }
    }

    /**
     * Moves what state written before venues holds under a bare symbol to {@code venue:symbol}, unless that
     * key already holds something (then the bare entry, older, is dropped).
     */
    static <V> void adoptBareKeys(Table<String, V> table, String venue) {
        List<Map.Entry<String, V>> bare = new ArrayList<>();
        for (Map.Entry<String, V> e : table.entries()) {
            if (!Keys.hasVenue(e.getKey())) {
                bare.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        for (Map.Entry<String, V> e : bare) {
            table.remove(e.getKey());
            String key = Keys.instrument(venue, e.getKey());
            if (table.get(key) == null) {
                table.put(key, e.getValue());
            }
        }
    }

    /** {@code venue:symbol} of a tick (a tick without a venue, in tests only: {@code defaults.venue}). */
    private String key(MarketTick tick) {
        return Keys.instrument(tick.getVenue() == null ? settings.defaultVenue() : tick.getVenue(), tick.getSymbol());
    }

    /** A market on the heap alone (tests, tools). */
    public static MarketBook onHeap(String underlying, PipelineSettings settings) {
        return new MarketBook(underlying, Cell.onHeap(), HeapTable.unordered(), new HeapTable<>(OPTION_ORDER),
                new HeapTable<>(EXPIRY_ORDER), HeapTable.unordered(), new SmileFitter.Stats(), settings);
    }

    // ----------------------------------------------------------------------------- quotes

    /**
     * Applies a priced quote; publishes when the snapshot interval has passed since the last snapshot.
     *
     * @param processingTime the wall clock now, to time a flush of held-back changes
     * @return the wall-clock time at which {@link #flush} should run (a timer to arm), or
     *         {@code Long.MIN_VALUE} when none is needed (published now, or a flush is already due)
     */
    public long applyQuote(MarketTick tick, long processingTime, Output out) {
        long time = tick.getEventTime();
        boolean applied = tick.getKind() == InstrumentKind.OPTION ? applyOption(tick) : applyLinear(tick);
        if (!applied) {
            out.staleQuote();
            return Long.MIN_VALUE;
        }
        MarketState st = state.get() == null ? MarketState.newBuilder().build() : copy(state.get());
        if (tick.getKind() != InstrumentKind.OPTION && tick.getMid() != null && isReference(tick)) {
            updateRealizedVol(st, tick.getMid() / tick.getMultiplier(), tick.getEventTime());
        }
        st.setPending(true);
        st.setMaxEventTime(Math.max(st.getMaxEventTime(), time));
        st.setMaxIngestMicros(Math.max(st.getMaxIngestMicros(), tick.getIngestMicros()));
        long due = st.getLastEmit() == Long.MIN_VALUE ? Long.MIN_VALUE : st.getLastEmit() + settings.snapshotIntervalMs();
        long flushAt = Long.MIN_VALUE;
        if (time >= due) {
            publish(st, time, out);
        } else if (st.getFlushAt() == Long.MIN_VALUE) {
            flushAt = processingTime + settings.snapshotIntervalMs();
            st.setFlushAt(flushAt);
        }
        state.set(st);
        return flushAt;
    }

    /** The wall-clock flush of changes the event-time throttle held back. */
    public void flush(Output out) {
        if (state.get() == null) {
            return;
        }
        MarketState st = copy(state.get());
        st.setFlushAt(Long.MIN_VALUE);
        if (st.getPending()) {
            publish(st, Math.max(st.getLastEmit(), st.getMaxEventTime()), out);
        }
        state.set(st);
    }

    private boolean applyOption(MarketTick tick) {
        String key = key(tick);
        OptionMark previous = options.get(key);
        if (previous != null && tick.getEventTime() < previous.getEventTime()) {
            return false;
        }
        OptionMark mark = OptionMark.newBuilder()
                .setStrike(tick.getStrike())
                .setExpiry(tick.getExpiry())
                .setCall(tick.getCall())
                .setMultiplier(tick.getMultiplier())
                .setMid(tick.getMid())
                .setForward(tick.getForward())
                .setIv(tick.getIv())
                .setEventTime(tick.getEventTime())
                .setBid(tick.getBid())
                .setAsk(tick.getAsk())
                .build();
        options.put(key, mark);
        index(key, previous, mark);
        if (changed.get(mark.getExpiry()) == null) {
            changed.put(mark.getExpiry(), true);
        }
        return true;
    }

    private boolean applyLinear(MarketTick tick) {
        String key = key(tick);
        LinearMark previous = linear.get(key);
        if (previous != null && tick.getEventTime() < previous.getEventTime()) {
            return false;
        }
        if (tick.getMid() == null) {
            return true; // one-sided or empty book: nothing to mark, nothing to drop either
        }
        linear.put(key, LinearMark.newBuilder()
                .setKind(tick.getKind())
                .setMid(tick.getMid())
                .setMultiplier(tick.getMultiplier())
                .setEventTime(tick.getEventTime())
                .setInverse(tick.getInverse())
                .setContractValue(tick.getContractValue())
                .build());
        return true;
    }

    private void index(String symbol, OptionMark previous, OptionMark mark) {
        if (previous != null && previous.getExpiry() != mark.getExpiry()) {
            TreeMap<String, OptionMark> old = chains.get(previous.getExpiry());
            old.remove(symbol);
            if (old.isEmpty()) {
                chains.remove(previous.getExpiry());
            }
        }
        chains.computeIfAbsent(mark.getExpiry(), x -> new TreeMap<>(OPTION_ORDER)).put(symbol, mark);
    }

    /**
     * Whether a linear quote (already applied) moves the reference price: a quote of the preferred
     * kind always does; one of the other kind only while none of the preferred kind is quoted.
     */
    private boolean isReference(MarketTick tick) {
        InstrumentKind kind = tick.getKind();
        return kind == preferredKind() || (kind == fallbackKind() && kind == referenceKind());
    }

    /** The kind whose mid is the reference price: the configured one if quoted, else the other. */
    private InstrumentKind referenceKind() {
        InstrumentKind preferred = preferredKind();
        for (LinearMark m : linear.values()) {
            if (m.getKind() == preferred) {
                return preferred;
            }
        }
        return fallbackKind();
    }

    private InstrumentKind preferredKind() {
        return settings.spotReferenced(underlying) ? InstrumentKind.SPOT : InstrumentKind.PERPETUAL;
    }

    private InstrumentKind fallbackKind() {
        return settings.spotReferenced(underlying) ? InstrumentKind.PERPETUAL : InstrumentKind.SPOT;
    }

    /** S: the latest mid (per unit of underlying) of the reference kind; NaN when none is quoted. */
    double referencePrice() {
        InstrumentKind kind = referenceKind();
        LinearMark latest = null;
        for (LinearMark m : linear.values()) {
            if (m.getKind() == kind && (latest == null || m.getEventTime() > latest.getEventTime())) {
                latest = m;
            }
        }
        return latest == null ? Double.NaN : latest.getMid() / latest.getMultiplier();
    }

    private void updateRealizedVol(MarketState st, double price, long time) {
        RealizedVol rv = st.getRvLastPrice() == null
                ? RealizedVol.create(settings.rvHalfLifeMs(), settings.rvMinIntervalMs())
                : RealizedVol.restore(settings.rvHalfLifeMs(), settings.rvMinIntervalMs(), st.getRvWeightedVariance(),
                        st.getRvWeight(), st.getRvLastTime(), st.getRvLastPrice());
        rv = rv.update(time, price);
        st.setRvWeightedVariance(rv.weightedVariance());
        st.setRvWeight(rv.weight());
        st.setRvLastTime(rv.lastTimeMillis());
        st.setRvLastPrice(rv.lastPrice());
    }

    /** The annualized realized vol in {@code st}, null before the first return. */
    private Double realizedVol(MarketState st) {
        if (st.getRvLastPrice() == null) {
            return null;
        }
        RealizedVol rv = RealizedVol.restore(settings.rvHalfLifeMs(), settings.rvMinIntervalMs(), st.getRvWeightedVariance(),
                st.getRvWeight(), st.getRvLastTime(), st.getRvLastPrice());
        return rv.hasValue() ? rv.annualizedVol() : null;
    }

    // ---------------------------------------------------------------------------- publish

    private void publish(MarketState st, long asOf, Output out) {
        double s = referencePrice();
        double rate = settings.rate(underlying);

        // Drop what expired.
        List<Long> expiredChains = new ArrayList<>();
        for (Map.Entry<Long, TreeMap<String, OptionMark>> chain : chains.entrySet()) {
            if (chain.getKey() <= asOf) {
                expiredChains.add(chain.getKey());
            }
        }
        for (Long expiry : expiredChains) {
            TreeMap<String, OptionMark> chain = chains.remove(expiry);
            for (String symbol : chain.keySet()) {
                options.remove(symbol);
            }
            out.optionsExpired(chain.size());
        }
        List<Long> expiredSmiles = new ArrayList<>();
        for (Map.Entry<Long, SmileParams> e : smiles.entries()) {
            if (e.getKey() <= asOf) {
                expiredSmiles.add(e.getKey());
            }
        }
        for (Long expiry : expiredSmiles) {
            smiles.remove(expiry);
            changed.remove(expiry);
        }

        // The options of every expiry; the smiles of those that changed, refitted.
        Map<String, OptionIv> ivs = new HashMap<>(Math.max(16, 2 * options.size()));
        for (Map.Entry<Long, TreeMap<String, OptionMark>> chain : chains.entrySet()) {
            long expiry = chain.getKey();
            double tau = Pricing.timeToExpiry(expiry, asOf);
            boolean refit = changed.get(expiry) != null;
            int size = chain.getValue().size();
            double[] strikes = refit ? new double[size] : null;
            boolean[] calls = refit ? new boolean[size] : null;
            double[] chainIv = refit ? new double[size] : null;
            double forwardSum = 0;
            int forwards = 0;
            int i = 0;
            for (Map.Entry<String, OptionMark> e : chain.getValue().entrySet()) {
                OptionMark o = e.getValue();
                Double iv = o.getIv();
                if (o.getForward() == null) {
                    // Quoted without a forward: solved here, on S.
                    iv = o.getMid() == null || Double.isNaN(s) ? null : nanToNull(Pricing.impliedVol(
                            o.getCall(), o.getMid() / o.getMultiplier(), s, o.getStrike(), tau, Math.exp(-rate * tau)));
                } else {
                    forwardSum += o.getForward();
                    forwards++;
                }
                ivs.put(e.getKey(), optionIv(o, iv));
                if (refit) {
                    strikes[i] = o.getStrike();
                    calls[i] = o.getCall();
                    chainIv[i] = iv == null ? Double.NaN : iv;
                    i++;
                }
            }
            if (refit) {
                double forward = forwards > 0 ? forwardSum / forwards : s;
                if (!Double.isNaN(forward)) {
                    fitSmile(expiry, forward, tau, strikes, calls, chainIv, size, asOf, out);
                }
            }
        }
        List<Long> fitted = new ArrayList<>(changed.size());
        for (Map.Entry<Long, Boolean> e : changed.entries()) {
            fitted.add(e.getKey());
        }
        for (Long expiry : fitted) {
            changed.remove(expiry);
        }

        st.setVersion(st.getVersion() + 1);
        st.setLastEmit(asOf);
        st.setPending(false);
        out.snapshot(MarketSnapshot.newBuilder()
                .setUnderlying(underlying)
                .setVersion(st.getVersion())
                .setAsOf(asOf)
                .setReferencePrice(Double.isNaN(s) ? null : s)
                .setRealizedVol(realizedVol(st))
                .setRate(rate)
                .setSmiles(new ArrayList<>(smiles.values()))
                .setOptions(ivs)
                .setLinear(linearMarks())
                .setIngestMicros(st.getMaxIngestMicros())
                .build());
    }

    /** What the inventory stage needs of an option: its marks and, for the option-hedge rule, its terms and quote. */
    private static OptionIv optionIv(OptionMark o, Double iv) {
        OptionIv v = new OptionIv();
        v.setIv(iv);
        v.setForward(o.getForward());
        v.setMid(o.getMid());
        v.setBid(o.getBid());
        v.setAsk(o.getAsk());
        v.setStrike(o.getStrike());
        v.setExpiry(o.getExpiry());
        v.setCall(o.getCall());
        v.setMultiplier(o.getMultiplier());
        return v;
    }

    private Map<String, LinearMark> linearMarks() {
        Map<String, LinearMark> all = new HashMap<>(Math.max(16, 2 * linear.size()));
        for (Map.Entry<String, LinearMark> e : linear.entries()) {
            all.put(e.getKey(), e.getValue());
        }
        return all;
    }

    /** The smile of one expiry ({@link Smiles#fit}), published. */
    private void fitSmile(long expiry, double forward, double tau, double[] strikes, boolean[] calls, double[] ivs, int n,
                          long asOf, Output out) {
        Smile smile = Smiles.fit(forward, tau, strikes, calls, ivs, n, SmileRecords.warmStart(smiles.get(expiry)), fitStats);
        if (smile == null) {
            return;
        }
        out.smileFitted();
        SmileParams p = SmileRecords.of(expiry, forward, tau, smile, asOf);
        smiles.put(expiry, p);
        out.skew(VolSkew.newBuilder()
                .setUnderlying(underlying)
                .setExpiry(Instant.ofEpochMilli(expiry))
                .setForward(forward)
                .setTimeToExpiry(tau)
                .setAtmVol(smile.atmVol())
                .setRr25(smile.rr25())
                .setBf25(smile.bf25())
                .setSviA(p.getSvi() ? p.getA() : null)
                .setSviB(p.getSvi() ? p.getB() : null)
                .setSviRho(p.getSvi() ? p.getRho() : null)
                .setSviM(p.getSvi() ? p.getM() : null)
                .setSviSigma(p.getSvi() ? p.getSigma() : null)
                .setPoints(p.getPoints())
                .setRmse(p.getRmse())
                .setAsOf(Instant.ofEpochMilli(asOf))
                .build());
    }

    private static Double nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * A copy to change: the stored record is never changed in place. (The all-arguments constructor makes
     * a new field of {@code MarketState} a compile error here rather than a silent loss.)
     */
    static MarketState copy(MarketState st) {
        return new MarketState(st.getVersion(), st.getLastEmit(), st.getPending(), st.getFlushAt(), st.getMaxEventTime(),
                st.getMaxIngestMicros(), st.getRvWeightedVariance(), st.getRvWeight(), st.getRvLastPrice(),
                st.getRvLastTime());
    }
}
