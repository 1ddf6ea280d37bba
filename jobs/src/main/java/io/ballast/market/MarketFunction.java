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
import io.ballast.state.AvroStateType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private transient Counter stale;
    private transient Counter fits;
    private transient Counter expiredPurged;

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
        stale = getRuntimeContext().getMetricGroup().counter("staleQuotesIgnored");
        fits = getRuntimeContext().getMetricGroup().counter("smileFits");
        expiredPurged = getRuntimeContext().getMetricGroup().counter("expiredOptionsPurged");
    }

    @Override
    public void processElement(MarketTick tick, Context ctx, Collector<MarketSnapshot> out) throws Exception {
        MarketState st = market.value();
        if (st == null) {
            st = MarketState.newBuilder().build();
        }
        long time = tick.getEventTime();
        boolean applied = tick.getKind() == InstrumentKind.OPTION ? applyOption(tick) : applyLinear(tick, st);
        if (!applied) {
            stale.inc();
            return;
        }
        st.setPending(true);
        st.setMaxEventTime(Math.max(st.getMaxEventTime(), time));
        st.setMaxIngestMicros(Math.max(st.getMaxIngestMicros(), tick.getIngestMicros()));
        long due = st.getLastEmit() == Long.MIN_VALUE ? Long.MIN_VALUE : st.getLastEmit() + settings.snapshotIntervalMs();
        if (time >= due) {
            publish(ctx.getCurrentKey(), st, time, ctx, out);
        } else if (st.getFlushAt() == Long.MIN_VALUE) {
            long flushAt = ctx.timerService().currentProcessingTime() + settings.snapshotIntervalMs();
            ctx.timerService().registerProcessingTimeTimer(flushAt);
            st.setFlushAt(flushAt);
        }
        market.update(st);
    }

    /** The wall-clock flush of changes the event-time throttle held back. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketSnapshot> out) throws Exception {
        MarketState st = market.value();
        if (st == null) {
            return;
        }
        st.setFlushAt(Long.MIN_VALUE);
        if (st.getPending()) {
            publish(ctx.getCurrentKey(), st, Math.max(st.getLastEmit(), st.getMaxEventTime()), ctx, out);
        }
        market.update(st);
    }

    private boolean applyOption(MarketTick tick) throws Exception {
        OptionMark previous = options.get(tick.getSymbol());
        if (previous != null && tick.getEventTime() < previous.getEventTime()) {
            return false;
        }
        options.put(tick.getSymbol(), OptionMark.newBuilder()
                .setStrike(tick.getStrike())
                .setExpiry(tick.getExpiry())
                .setCall(tick.getCall())
                .setMultiplier(tick.getMultiplier())
                .setMid(tick.getMid())
                .setForward(tick.getForward())
                .setIv(tick.getIv())
                .setEventTime(tick.getEventTime())
                .build());
        changed.put(tick.getExpiry(), true);
        return true;
    }

    private boolean applyLinear(MarketTick tick, MarketState st) throws Exception {
        LinearMark previous = linear.get(tick.getSymbol());
        if (previous != null && tick.getEventTime() < previous.getEventTime()) {
            return false;
        }
        if (tick.getMid() == null) {
            return true; // one-sided or empty book: nothing to mark, nothing to drop either
        }
        linear.put(tick.getSymbol(), LinearMark.newBuilder()
                .setKind(tick.getKind())
                .setMid(tick.getMid())
                .setMultiplier(tick.getMultiplier())
                .setEventTime(tick.getEventTime())
                .build());
        // A quote of the preferred kind is the reference; one of the other kind only while none of the
        // preferred kind is quoted (which takes a look at the linear instruments).
        InstrumentKind kind = tick.getKind();
        if (kind == preferredKind(tick.getUnderlying())
                || (kind == fallbackKind(tick.getUnderlying()) && kind == referenceKind(tick.getUnderlying()))) {
            updateRealizedVol(st, tick.getMid() / tick.getMultiplier(), tick.getEventTime());
        }
        return true;
    }

    /** The kind whose mid is the reference price: the configured one if quoted, else the other. */
    private InstrumentKind referenceKind(String underlying) throws Exception {
        InstrumentKind preferred = preferredKind(underlying);
        for (LinearMark m : linear.values()) {
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
    private double referencePrice(String underlying) throws Exception {
        InstrumentKind kind = referenceKind(underlying);
        LinearMark latest = null;
        for (LinearMark m : linear.values()) {
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

    private void publish(String underlying, MarketState st, long asOf, Context ctx, Collector<MarketSnapshot> out)
            throws Exception {
        double s = referencePrice(underlying);
        double rate = settings.rate(underlying);

        // Drop what expired; group the rest by expiry.
        Map<Long, List<Map.Entry<String, OptionMark>>> byExpiry = new HashMap<>();
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, OptionMark> e : options.entries()) {
            if (e.getValue().getExpiry() <= asOf) {
                expired.add(e.getKey());
            } else {
                byExpiry.computeIfAbsent(e.getValue().getExpiry(), x -> new ArrayList<>()).add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        for (String symbol : expired) {
            options.remove(symbol);
            expiredPurged.inc();
        }
        List<Long> goneSmiles = new ArrayList<>();
        for (Long expiry : smiles.keys()) {
            if (expiry <= asOf) {
                goneSmiles.add(expiry);
            }
        }
        for (Long expiry : goneSmiles) {
            smiles.remove(expiry);
            changed.remove(expiry);
        }

        Map<String, OptionIv> ivs = new HashMap<>();
        List<Long> refit = new ArrayList<>();
        for (Long expiry : changed.keys()) {
            refit.add(expiry);
        }
        for (Map.Entry<Long, List<Map.Entry<String, OptionMark>>> group : byExpiry.entrySet()) {
            long expiry = group.getKey();
            double tau = (expiry - asOf) / RiskCalculator.MILLIS_PER_YEAR;
            double forwardSum = 0;
            int forwards = 0;
            for (Map.Entry<String, OptionMark> e : group.getValue()) {
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
                ivs.put(e.getKey(), OptionIv.newBuilder().setIv(iv).setForward(o.getForward()).setMid(o.getMid()).build());
            }
            if (refit.contains(expiry)) {
                double forward = forwards > 0 ? forwardSum / forwards : s;
                if (!Double.isNaN(forward)) {
                    fitSmile(underlying, expiry, forward, tau, group.getValue(), ivs, asOf, ctx);
                }
            }
        }
        changed.clear();

        List<SmileParams> current = new ArrayList<>();
        for (SmileParams p : smiles.values()) {
            current.add(p);
        }
        Map<String, LinearMark> linearNow = new HashMap<>();
        for (Map.Entry<String, LinearMark> e : linear.entries()) {
            linearNow.put(e.getKey(), e.getValue());
        }
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
                .setSmiles(current)
                .setOptions(ivs)
                .setLinear(linearNow)
                .setIngestMicros(st.getMaxIngestMicros())
                .build());
    }

    /** Out-of-the-money options of one expiry (puts below F, calls at or above), fitted and published. */
    private void fitSmile(String underlying, long expiry, double forward, double tau,
                          List<Map.Entry<String, OptionMark>> chain, Map<String, OptionIv> ivs, long asOf, Context ctx)
            throws Exception {
        double[] strikes = new double[chain.size()];
        double[] vols = new double[chain.size()];
        int n = 0;
        for (Map.Entry<String, OptionMark> e : chain) {
            OptionMark o = e.getValue();
            boolean otm = o.getCall() ? o.getStrike() >= forward : o.getStrike() < forward;
            Double iv = ivs.get(e.getKey()).getIv();
            if (otm && iv != null && iv > 0) {
                strikes[n] = o.getStrike();
                vols[n] = iv;
                n++;
            }
        }
        QuantAdapter.FittedSmile fit = QuantAdapter.fitSmile(expiry, forward, tau, strikes, vols, n, asOf);
        if (fit == null) {
            return;
        }
        fits.inc();
        smiles.put(expiry, fit.params);
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
}
