package io.ballast.market;

import io.ballast.avro.InstrumentKind;
import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketState;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.OptionMark;
import io.ballast.avro.internal.SmileParams;
import io.ballast.config.PipelineSettings;
import io.ballast.inventory.RiskCalculator;
import io.ballast.quant.SmileFitter;
import io.ballast.state.AvroStateType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The market of one underlying (key: underlying): its reference price S (the latest perpetual mid,
 * else the latest spot mid, or spot first where configured), the EWMA realized vol of S, the latest
 * quote of every option and linear instrument, and a smile fit per expiry.
 *
 * <p>A quote older than the latest of its instrument is ignored. Changes are published at most every
 * {@code market.snapshot-interval} of event time: at once when the interval has passed since the last
 * snapshot; otherwise a processing-time timer publishes them at most one interval of wall time later,
 * so a quiet market (no new quote, so no watermark progress) still gets its latest quotes out.
 * Snapshots are stamped with event time either way. Publishing refits the smiles of the expiries that
 * changed, emits their {@code VolSkew}, drops expired options, and emits one compact
 * {@link MarketSnapshot} for the inventory stage.
 *
 * <p>State, per underlying: scalar {@link MarketState}; options by symbol; linear instruments by
 * symbol; smiles and changed expiries by expiry. Options and smiles are removed once expired.
 *
 * <p>Every key's state is also held on the heap ({@link Book}), read from Flink state the first time
 * the key is seen by this instance (so after a restore or a rescale too) and from then on written to
 * both, so reads never go to the state backend: a snapshot needs every option, linear instrument and
 * smile of the underlying, which with RocksDB would be a full deserializing scan each time. Cached
 * records are never mutated once written (a write puts a new object), so they are safe to share with
 * the heap backend's copy-on-write snapshots.
 *
 * <p>A smile is refitted starting from its previous fit (the {@code smiles} state, so a replay from a
 * checkpoint refits the same way), see {@link SmileFitter.WarmStart}.
 */
public final class MarketFunction extends KeyedProcessFunction<String, MarketTick, MarketSnapshot> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<VolSkew> SKEW = new OutputTag<>("vol-skew", new AvroTypeInfo<>(VolSkew.class));

    static final String STATE_MARKET = "market";
    static final String STATE_OPTIONS = "options";
    static final String STATE_LINEAR = "linear";
    static final String STATE_SMILES = "smiles";
    static final String STATE_CHANGED = "changed-expiries";

    private final PipelineSettings settings;

    private transient ValueState<MarketState> market;
    private transient MapState<String, OptionMark> options;
    private transient MapState<String, LinearMark> linear;
    private transient MapState<Long, SmileParams> smiles;
    private transient MapState<Long, Boolean> changed;

    /** Heap copies of the keyed state, by underlying; see {@link Book}. */
    private transient Map<String, Book> books;
    private transient SmileFitter.Stats fitStats;

    private transient Counter stale;
    private transient Counter fits;
    private transient Counter expiredPurged;
    private transient Counter fitEvaluations;
    private transient Counter warmStartsRejected;

    public MarketFunction(PipelineSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        market = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_MARKET, AvroStateType.of(MarketState.class, "market/" + STATE_MARKET)));
        options = getRuntimeContext().getMapState(
                new MapStateDescriptor<>(STATE_OPTIONS, Types.STRING, AvroStateType.of(OptionMark.class, "market/" + STATE_OPTIONS)));
        linear = getRuntimeContext().getMapState(
                new MapStateDescriptor<>(STATE_LINEAR, Types.STRING, AvroStateType.of(LinearMark.class, "market/" + STATE_LINEAR)));
        smiles = getRuntimeContext().getMapState(
                new MapStateDescriptor<>(STATE_SMILES, Types.LONG, AvroStateType.of(SmileParams.class, "market/" + STATE_SMILES)));
        changed = getRuntimeContext().getMapState(new MapStateDescriptor<>(STATE_CHANGED, Types.LONG, Types.BOOLEAN));
        books = new HashMap<>();
        fitStats = new SmileFitter.Stats();
        stale = getRuntimeContext().getMetricGroup().counter("staleQuotesIgnored");
        fits = getRuntimeContext().getMetricGroup().counter("smileFits");
        expiredPurged = getRuntimeContext().getMetricGroup().counter("expiredOptionsPurged");
        fitEvaluations = getRuntimeContext().getMetricGroup().counter("smileFitEvaluations");
        warmStartsRejected = getRuntimeContext().getMetricGroup().counter("smileWarmStartsRejected");
    }

    @Override
    public void processElement(MarketTick tick, Context ctx, Collector<MarketSnapshot> out) throws Exception {
        Book book = book(ctx.getCurrentKey());
        long time = tick.getEventTime();
        boolean applied = tick.getKind() == InstrumentKind.OPTION ? applyOption(book, tick) : applyLinear(book, tick);
        if (!applied) {
            stale.inc();
            return;
        }
        MarketState st = book.state == null ? MarketState.newBuilder().build() : copyOf(book.state);
        if (tick.getKind() != InstrumentKind.OPTION && tick.getMid() != null && isReference(book, tick)) {
            updateRealizedVol(st, tick.getMid() / tick.getMultiplier(), tick.getEventTime());
        }
        st.setPending(true);
        st.setMaxEventTime(Math.max(st.getMaxEventTime(), time));
        st.setMaxIngestMicros(Math.max(st.getMaxIngestMicros(), tick.getIngestMicros()));
        long due = st.getLastEmit() == Long.MIN_VALUE ? Long.MIN_VALUE : st.getLastEmit() + settings.snapshotIntervalMs();
        if (time >= due) {
            publish(ctx.getCurrentKey(), book, st, time, ctx, out);
        } else if (st.getFlushAt() == Long.MIN_VALUE) {
            long flushAt = ctx.timerService().currentProcessingTime() + settings.snapshotIntervalMs();
            ctx.timerService().registerProcessingTimeTimer(flushAt);
            st.setFlushAt(flushAt);
        }
        putState(book, st);
    }

    /** The wall-clock flush of changes the event-time throttle held back. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketSnapshot> out) throws Exception {
        Book book = book(ctx.getCurrentKey());
        if (book.state == null) {
            return;
        }
        MarketState st = copyOf(book.state);
        st.setFlushAt(Long.MIN_VALUE);
        if (st.getPending()) {
            publish(ctx.getCurrentKey(), book, st, Math.max(st.getLastEmit(), st.getMaxEventTime()), ctx, out);
        }
        putState(book, st);
    }

    // ------------------------------------------------------------------------ state, write-through

    /** The heap copy of the current key's state, read from Flink state on first use. */
    private Book book(String underlying) throws Exception {
        Book book = books.get(underlying);
        if (book == null) {
            book = new Book();
            book.state = market.value();
            for (Map.Entry<String, OptionMark> e : options.entries()) {
                book.putOption(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, LinearMark> e : linear.entries()) {
                book.linear.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<Long, SmileParams> e : smiles.entries()) {
                book.smiles.put(e.getKey(), e.getValue());
            }
            for (Long expiry : changed.keys()) {
                book.changed.add(expiry);
            }
            books.put(underlying, book);
        }
        return book;
    }

    private void putState(Book book, MarketState st) throws Exception {
        market.update(st);
        book.state = st;
    }

    /**
     * A copy to change: the cached record may be the very object the heap state backend holds for a
     * snapshot in progress, so it is replaced, never changed in place. (The all-arguments constructor
     * makes a new field of {@code MarketState} a compile error here rather than a silent loss.)
     */
    static MarketState copyOf(MarketState st) {
        return new MarketState(st.getVersion(), st.getLastEmit(), st.getPending(), st.getFlushAt(), st.getMaxEventTime(),
                st.getMaxIngestMicros(), st.getRvWeightedVariance(), st.getRvWeight(), st.getRvLastPrice(),
                st.getRvLastTime());
    }

    // ---------------------------------------------------------------------------------- quotes

    private boolean applyOption(Book book, MarketTick tick) throws Exception {
        OptionMark previous = book.options.get(tick.getSymbol());
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
                .build();
        options.put(tick.getSymbol(), mark);
        book.putOption(tick.getSymbol(), mark);
        if (book.changed.add(mark.getExpiry())) {
            changed.put(mark.getExpiry(), true);
        }
        return true;
    }

    private boolean applyLinear(Book book, MarketTick tick) throws Exception {
        LinearMark previous = book.linear.get(tick.getSymbol());
        if (previous != null && tick.getEventTime() < previous.getEventTime()) {
            return false;
        }
        if (tick.getMid() == null) {
            return true; // one-sided or empty book: nothing to mark, nothing to drop either
        }
        LinearMark mark = LinearMark.newBuilder()
                .setKind(tick.getKind())
                .setMid(tick.getMid())
                .setMultiplier(tick.getMultiplier())
                .setEventTime(tick.getEventTime())
                .build();
        linear.put(tick.getSymbol(), mark);
        book.linear.put(tick.getSymbol(), mark);
        return true;
    }

    /**
     * Whether a linear quote (already applied) moves the reference price: a quote of the preferred
     * kind always does; one of the other kind only while none of the preferred kind is quoted.
     */
    private boolean isReference(Book book, MarketTick tick) {
        InstrumentKind kind = tick.getKind();
        return kind == preferredKind(tick.getUnderlying())
                || (kind == fallbackKind(tick.getUnderlying()) && kind == referenceKind(book, tick.getUnderlying()));
    }

    /** The kind whose mid is the reference price: the configured one if quoted, else the other. */
    private InstrumentKind referenceKind(Book book, String underlying) {
        InstrumentKind preferred = preferredKind(underlying);
        for (LinearMark m : book.linear.values()) {
            if (m.getKind() == preferred) {
                return preferred;
            }
        }
        return fallbackKind(underlying);
    }

    private InstrumentKind preferredKind(String underlying) {
        return settings.spotReferenced(underlying) ? InstrumentKind.SPOT : InstrumentKind.PERPETUAL;
    }

    private InstrumentKind fallbackKind(String underlying) {
        return settings.spotReferenced(underlying) ? InstrumentKind.PERPETUAL : InstrumentKind.SPOT;
    }

    /** S: the latest mid (per unit of underlying) of the reference kind; NaN when none is quoted. */
    private double referencePrice(Book book, String underlying) {
        InstrumentKind kind = referenceKind(book, underlying);
        LinearMark latest = null;
        for (LinearMark m : book.linear.values()) {
            if (m.getKind() == kind && (latest == null || m.getEventTime() > latest.getEventTime())) {
                latest = m;
            }
        }
        return latest == null ? Double.NaN : latest.getMid() / latest.getMultiplier();
    }

    private void updateRealizedVol(MarketState st, double price, long time) {
        QuantAdapter.updateRealizedVol(st, price, time, settings.rvHalfLifeMs(), settings.rvMinIntervalMs());
    }

    // --------------------------------------------------------------------------------- publish

    private void publish(String underlying, Book book, MarketState st, long asOf, Context ctx, Collector<MarketSnapshot> out)
            throws Exception {
        double s = referencePrice(book, underlying);
        double rate = settings.rate(underlying);

        // Drop what expired.
        for (Iterator<Map.Entry<Long, TreeMap<String, OptionMark>>> it = book.chains.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, TreeMap<String, OptionMark>> chain = it.next();
            if (chain.getKey() <= asOf) {
                for (String symbol : chain.getValue().keySet()) {
                    options.remove(symbol);
                    book.options.remove(symbol);
                    expiredPurged.inc();
                }
                it.remove();
            }
        }
        for (Iterator<Long> it = book.smiles.keySet().iterator(); it.hasNext(); ) {
            Long expiry = it.next();
            if (expiry <= asOf) {
                smiles.remove(expiry);
                changed.remove(expiry);
                book.changed.remove(expiry);
                it.remove();
            }
        }

        // The options of every expiry; the smiles of those that changed, refitted.
        Map<String, OptionIv> ivs = new HashMap<>(Math.max(16, 2 * book.options.size()));
        for (Map.Entry<Long, TreeMap<String, OptionMark>> chain : book.chains.entrySet()) {
            long expiry = chain.getKey();
            double tau = (expiry - asOf) / RiskCalculator.MILLIS_PER_YEAR;
            boolean refit = book.changed.contains(expiry);
            int size = chain.getValue().size();
            double[] chainIv = refit ? new double[size] : null;
            double forwardSum = 0;
            int forwards = 0;
            int i = 0;
            for (Map.Entry<String, OptionMark> e : chain.getValue().entrySet()) {
                OptionMark o = e.getValue();
                Double iv = o.getIv();
                if (o.getForward() == null) {
                    // Quoted without a forward: solved here, on S.
                    iv = o.getMid() == null || Double.isNaN(s) ? null : nanToNull(QuantAdapter.impliedVol(
                            o.getCall(), o.getMid() / o.getMultiplier(), s, o.getStrike(), tau, Math.exp(-rate * tau)));
                } else {
                    forwardSum += o.getForward();
                    forwards++;
                }
                ivs.put(e.getKey(), new OptionIv(iv, o.getForward(), o.getMid()));
                if (refit) {
                    chainIv[i++] = iv == null ? Double.NaN : iv;
                }
            }
            if (refit) {
                double forward = forwards > 0 ? forwardSum / forwards : s;
                if (!Double.isNaN(forward)) {
                    fitSmile(underlying, book, expiry, forward, tau, chain.getValue(), chainIv, asOf, ctx);
                }
            }
        }
        for (Long expiry : book.changed) {
            changed.remove(expiry);
        }
        book.changed.clear();

        st.setVersion(st.getVersion() + 1);
        st.setLastEmit(asOf);
        st.setPending(false);
        out.collect(MarketSnapshot.newBuilder()
                .setUnderlying(underlying)
                .setVersion(st.getVersion())
                .setAsOf(asOf)
                .setReferencePrice(Double.isNaN(s) ? null : s)
                .setRealizedVol(QuantAdapter.realizedVol(st, settings.rvHalfLifeMs(), settings.rvMinIntervalMs()))
                .setRate(rate)
                .setSmiles(new ArrayList<>(book.smiles.values()))
                .setOptions(ivs)
                .setLinear(new HashMap<>(book.linear))
                .setIngestMicros(st.getMaxIngestMicros())
                .build());
    }

    /**
     * Out-of-the-money options of one expiry (puts below F, calls at or above), fitted and published.
     * {@code ivs} holds the IV of every option of {@code chain}, in its order (NaN for none).
     */
    private void fitSmile(String underlying, Book book, long expiry, double forward, double tau,
                          TreeMap<String, OptionMark> chain, double[] ivs, long asOf, Context ctx)
            throws Exception {
        double[] strikes = new double[chain.size()];
        double[] vols = new double[chain.size()];
        int n = 0;
        int i = 0;
        for (OptionMark o : chain.values()) {
            boolean otm = o.getCall() ? o.getStrike() >= forward : o.getStrike() < forward;
            double iv = ivs[i++];
            if (otm && iv > 0) {
                strikes[n] = o.getStrike();
                vols[n] = iv;
                n++;
            }
        }
        long evaluationsBefore = fitStats.evaluations();
        long rejectedBefore = fitStats.warmRejected();
        QuantAdapter.FittedSmile fit = QuantAdapter.fitSmile(expiry, forward, tau, strikes, vols, n, asOf,
                book.smiles.get(expiry), fitStats);
        fitEvaluations.inc(fitStats.evaluations() - evaluationsBefore);
        warmStartsRejected.inc(fitStats.warmRejected() - rejectedBefore);
        if (fit == null) {
            return;
        }
        fits.inc();
        smiles.put(expiry, fit.params);
        book.smiles.put(expiry, fit.params);
        SmileParams p = fit.params;
        ctx.output(SKEW, VolSkew.newBuilder()
                .setUnderlying(underlying)
                .setExpiry(Instant.ofEpochMilli(expiry))
                .setForward(forward)
                .setTimeToExpiry(tau)
                .setAtmVol(fit.atmVol)
                .setRr25(fit.rr25)
                .setBf25(fit.bf25)
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
     * The state of one underlying, on the heap, mirroring the Flink state exactly: what is put or
     * removed in one is put or removed in the other in the same call. Iteration follows the order in
     * which RocksDB returns the same state (serialized keys, unsigned bytes), so sums over options
     * and the list of smiles come out as they would from a scan of the state.
     */
    static final class Book {
        /** The {@code market} value, null while the state holds none. */
        MarketState state;
        /** The {@code options} state, by symbol. */
        final Map<String, OptionMark> options = new HashMap<>();
        /** The same options by expiry, then symbol. */
        final TreeMap<Long, TreeMap<String, OptionMark>> chains = new TreeMap<>(Long::compareUnsigned);
        /** The {@code linear} state. */
        final Map<String, LinearMark> linear = new HashMap<>();
        /** The {@code smiles} state. */
        final TreeMap<Long, SmileParams> smiles = new TreeMap<>(Long::compareUnsigned);
        /** The keys of the {@code changed-expiries} state. */
        final Set<Long> changed = new HashSet<>();

        void putOption(String symbol, OptionMark mark) {
            OptionMark previous = options.put(symbol, mark);
            if (previous != null && previous.getExpiry() != mark.getExpiry()) {
                TreeMap<String, OptionMark> old = chains.get(previous.getExpiry());
                old.remove(symbol);
                if (old.isEmpty()) {
                    chains.remove(previous.getExpiry());
                }
            }
            chains.computeIfAbsent(mark.getExpiry(), x -> new TreeMap<>(STATE_KEY_ORDER)).put(symbol, mark);
        }
    }

    /**
     * The order of String map keys in RocksDB: the unsigned bytes of their {@link StringSerializer}
     * form (length + 1 as a base-128 varint, then the characters, ASCII one byte each). For two ASCII
     * strings shorter than 127 characters that is: shorter first, then by character.
     */
    static final Comparator<String> STATE_KEY_ORDER = (x, y) -> {
        if (x.length() < 127 && y.length() < 127 && isAscii(x) && isAscii(y)) {
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        }
        return java.util.Arrays.compareUnsigned(serialized(x), serialized(y));
    };

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] serialized(String s) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(s.length() + 8);
            StringSerializer.INSTANCE.serialize(s, out);
            return out.getCopyOfBuffer();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
