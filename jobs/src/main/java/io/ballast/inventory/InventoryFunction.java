package io.ballast.inventory;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.Urgency;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.Position;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.config.PipelineSettings;
import io.ballast.job.LimitsUpdate;
import io.ballast.kafka.RejectReason;
import io.ballast.kafka.Rejection;
import io.ballast.market.QuoteIvFunction;
import io.ballast.state.AvroStateType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inventory of one provider in one underlying (key {@code provider/UNDERLYING}): exact positions
 * from fills, rolling greeks against the latest market snapshot, and the rebalance signals of
 * CONTRACT.md.
 *
 * <p>A fill is applied once per (venue, trade id), whatever its lateness or order, then the book is
 * re-marked, a {@code RiskSnapshot} is emitted and the signals are decided. Market moves reach the key
 * through one processing-time timer per key, aligned to {@code inventory.refresh-interval}: when it
 * fires and the underlying's snapshot (or the key's limits) changed, or a pending hedge timed out, the
 * book is re-marked and the signals decided again. No operation ever visits other keys. Wall-clock
 * timers bound how stale a book can be even when the inputs go quiet (a quiet input holds the watermark
 * back); what is computed is still stamped and judged in event time: the book is marked as of the
 * latest of its own last fill, the market snapshot and the watermark, and hedge timeouts are compared
 * with that time.
 *
 * <p>State, per key: positions by symbol; pending hedges by signal id; trade ids seen (expire with
 * {@code inventory.dedupe-ttl}); scalar meta (sequences, breach flags, last reservation price). Option
 * positions are removed once their expiry has passed; the rest lives as long as the key.
 * Broadcast state: the latest market snapshot per underlying, and the limits records by key.
 */
public final class InventoryFunction extends KeyedBroadcastProcessFunction<String, SourcedTrade, BroadcastEvent, RiskSnapshot> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RebalanceSignal> SIGNALS = new OutputTag<>("signals", new AvroTypeInfo<>(RebalanceSignal.class));
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("duplicates", Types.POJO(Rejection.class));

    /** Broadcast state. Names are part of savepoints: never rename. */
    public static final MapStateDescriptor<String, MarketSnapshot> MARKET =
            new MapStateDescriptor<>("market", Types.STRING, AvroStateType.of(MarketSnapshot.class, "inventory/market"));
    public static final MapStateDescriptor<String, RiskLimits> LIMITS =
            new MapStateDescriptor<>("limits", Types.STRING, AvroStateType.of(RiskLimits.class, "inventory/limits"));

    static final String STATE_POSITIONS = "positions";
    static final String STATE_PENDING = "pending-hedges";
    static final String STATE_TRADE_IDS = "trade-ids";
    static final String STATE_META = "meta";

    private static final char ID_SEPARATOR = '\u001f';
    /** A hedge whose remainder is this small a fraction of what was left is filled. */
    private static final double FILLED_TOLERANCE = 1e-9;

    private final PipelineSettings settings;

    private transient MapState<String, Position> positions;
    private transient MapState<String, PendingHedge> pending;
    private transient MapState<String, Long> tradeIds;
    private transient ValueState<InventoryMeta> meta;

    /** The job-level default limits, built once (read only). */
    private transient RiskLimits defaultLimits;
    private transient RiskCalculator calculator;
    private transient BookRisk risk;

    private transient Counter fills;
    private transient Counter duplicates;
    private transient Map<SignalType, Counter> signals;
    private transient Histogram quoteToSignalMicros;
    private transient Set<String> tracked;
    private transient BandWatch bandWatch;

    public InventoryFunction(PipelineSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        positions = getRuntimeContext().getMapState(
                new MapStateDescriptor<>(STATE_POSITIONS, Types.STRING, AvroStateType.of(Position.class, "inventory/" + STATE_POSITIONS)));
        pending = getRuntimeContext().getMapState(
                new MapStateDescriptor<>(STATE_PENDING, Types.STRING, AvroStateType.of(PendingHedge.class, "inventory/" + STATE_PENDING)));
        MapStateDescriptor<String, Long> ids = new MapStateDescriptor<>(STATE_TRADE_IDS, Types.STRING, Types.LONG);
        ids.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(settings.dedupeTtlMs()))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        tradeIds = getRuntimeContext().getMapState(ids);
        meta = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_META, AvroStateType.of(InventoryMeta.class, "inventory/" + STATE_META)));

        defaultLimits = settings.defaultLimits();
        calculator = new RiskCalculator();
        risk = new BookRisk();

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        fills = metrics.counter("fillsApplied");
        duplicates = metrics.counter("duplicateTrades");
        signals = new EnumMap<>(SignalType.class);
        for (SignalType t : SignalType.values()) {
            signals.put(t, metrics.counter("signals_" + t.name()));
        }
        quoteToSignalMicros = metrics.histogram("quoteToSignalLatencyMicros", new DescriptiveStatisticsHistogram(10_000));
        tracked = new HashSet<>();
        metrics.gauge("providersTracked", () -> tracked.size());
        bandWatch = new BandWatch();
        metrics.gauge("maxDeltaToBand", bandWatch::max);
    }

    // ------------------------------------------------------------------------------------ fills

    @Override
    public void processElement(SourcedTrade sourced, ReadOnlyContext ctx, Collector<RiskSnapshot> out) throws Exception {
        Trade t = sourced.getTrade();
        long time = t.getEventTime().toEpochMilli();
        String id = t.getVenue() + ID_SEPARATOR + t.getTradeId();
        if (tradeIds.contains(id)) {
            duplicates.inc();
            ctx.output(REJECTED, duplicate(sourced, tradeIds.get(id)));
            return;
        }
        tradeIds.put(id, time);
        fills.inc();

        InventoryMeta m = metaOf(t);
        double signed = t.getSide() == Side.BUY ? t.getQuantity() : -t.getQuantity();
        Instrument instrument = t.getInstrument();
        Position p = positions.get(instrument.getSymbol());
        if (p == null) {
            p = Position.newBuilder().setInstrument(instrument).setQuantity(Exact.ZERO).setCashFlow(Exact.ZERO)
                    .setFees(Exact.ZERO).setFills(0).setLastEventTime(time).build();
        }
        p.setQuantity(Exact.plus(p.getQuantity(), signed));
        p.setCashFlow(Exact.plusProduct(p.getCashFlow(), -signed, t.getPrice()));
        if (t.getFee() != null) {
            p.setFees(Exact.plus(p.getFees(), t.getFee()));
        }
        p.setFills(p.getFills() + 1);
        p.setLastEventTime(Math.max(p.getLastEventTime(), time));
        if (Exact.isZero(p.getQuantity())) {
            positions.remove(instrument.getSymbol()); // flat: no risk left to carry
        } else {
            positions.put(instrument.getSymbol(), p);
        }

        if (t.getSignalId() != null) {
            PendingHedge h = pending.get(t.getSignalId());
            if (h != null) {
                double remaining = h.getRemaining() - signed;
                // Filled (or overfilled), up to the rounding of the router's quantities.
                if (Math.abs(remaining) <= FILLED_TOLERANCE * Math.abs(h.getRemaining())
                        || Math.signum(remaining) != Math.signum(h.getRemaining())) {
                    pending.remove(t.getSignalId());
                } else {
                    h.setRemaining(remaining);
                    pending.put(t.getSignalId(), h);
                }
            }
        }
        m.setLastEventTime(Math.max(m.getLastEventTime(), time));
        tracked.add(ctx.getCurrentKey());
        // A late fill is applied, but the book is marked as of now (its latest fill, or the market), not as
        // of the fill's old time; the signals it triggers carry the fill's time.
        MarketSnapshot market = ctx.getBroadcastState(MARKET).get(m.getUnderlying());
        long markTime = market == null ? m.getLastEventTime() : Math.max(m.getLastEventTime(), market.getAsOf());
        evaluate(ctx, m, market, markTime, time, 0, out);
        schedule(ctx.timerService(), m);
        meta.update(m);
    }

    // ------------------------------------------------------------------------------- broadcast

    @Override
    public void processBroadcastElement(BroadcastEvent event, Context ctx, Collector<RiskSnapshot> out) throws Exception {
        MarketSnapshot market = event.getMarket();
        if (market != null) {
            BroadcastState<String, MarketSnapshot> state = ctx.getBroadcastState(MARKET);
            MarketSnapshot current = state.get(market.getUnderlying());
            if (current == null || current.getVersion() < market.getVersion()) {
                state.put(market.getUnderlying(), market);
            }
        }
        LimitsUpdate limits = event.getLimits();
        if (limits != null) {
            BroadcastState<String, RiskLimits> state = ctx.getBroadcastState(LIMITS);
            if (limits.isDeletion()) {
                state.remove(limits.getKey());
            } else {
                state.put(limits.getKey(), limits.getLimits());
            }
        }
    }

    // ---------------------------------------------------------------------------------- timers

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RiskSnapshot> out) throws Exception {
        InventoryMeta m = meta.value();
        if (m == null) {
            return;
        }
        m.setNextTimer(Long.MIN_VALUE);
        MarketSnapshot market = ctx.getBroadcastState(MARKET).get(m.getUnderlying());
        long now = eventTimeNow(ctx.timerService().currentWatermark(), m, market);
        boolean changed = expirePending(now) | purgeExpiredOptions(now);
        if (market != null && market.getVersion() != m.getMarketVersion()) {
            changed = true;
        }
        if (!limitsStamp(effectiveLimits(ctx, m)).equals(m.getLimitsStamp())) {
            changed = true;
        }
        if (changed) {
            evaluate(ctx, m, market, now, now, market == null ? 0 : market.getIngestMicros(), out);
        }
        if (!positions.isEmpty() || !pending.isEmpty()) {
            schedule(ctx.timerService(), m);
        }
        meta.update(m);
    }

    // ------------------------------------------------------------------------------ decisions

    /**
     * Marks the book as of {@code asOf} against {@code market} (the underlying's snapshot, or null), emits its {@code RiskSnapshot} and decides the signals, which
     * carry {@code triggerTime}, the event time of the input that caused the evaluation.
     */
    private void evaluate(ReadOnlyContext ctx, InventoryMeta m, MarketSnapshot market, long asOf, long triggerTime,
                          long ingestMicros, Collector<RiskSnapshot> out) throws Exception {
        RiskLimits limits = effectiveLimits(ctx, m);
        m.setMarketVersion(market == null ? -1 : market.getVersion());
        m.setLimitsStamp(limitsStamp(limits));

        calculator.compute(positions.values(), market, asOf, risk);
        double pendingDelta = pendingDelta(asOf);
        Instant markedAt = Instant.ofEpochMilli(asOf);
        Instant at = Instant.ofEpochMilli(triggerTime);
        m.setSnapshotSequence(m.getSnapshotSequence() + 1);
        out.collect(RiskSnapshot.newBuilder()
                .setProviderId(m.getProviderId())
                .setUnderlying(m.getUnderlying())
                .setReferencePrice(risk.referencePrice)
                .setNetDelta(risk.netDelta)
                .setGamma(risk.gamma)
                .setVega(risk.vega)
                .setTheta(risk.theta)
                .setDollarGamma(risk.dollarGamma())
                .setDeltaNotional(risk.deltaNotional())
                .setMarkValue(risk.markValue)
                .setRealizedVol(market == null ? null : market.getRealizedVol())
                .setPositions(risk.positions)
                .setUnpricedPositions(risk.unpricedPositions)
                .setPendingHedge(pendingDelta)
                .setAsOf(markedAt)
                .setSequence(m.getSnapshotSequence())
                .build());

        long before = m.getSignalSequence();
        limitSignal(ctx, m, SignalType.GAMMA_LIMIT, risk.dollarGamma(), limits.getGammaLimit(), at);
        limitSignal(ctx, m, SignalType.VEGA_LIMIT, risk.vega, limits.getVegaLimit(), at);
        deltaHedge(ctx, m, market, limits, pendingDelta, at);
        quoteSkew(ctx, m, market, limits, at);
        if (ingestMicros > 0 && m.getSignalSequence() > before) {
            quoteToSignalMicros.update(QuoteIvFunction.nowMicros() - ingestMicros);
        }
    }

    private void deltaHedge(ReadOnlyContext ctx, InventoryMeta m, MarketSnapshot market, RiskLimits limits,
                            double pendingDelta, Instant at) throws Exception {
        double band = SignalRules.band(limits, risk);
        double effective = risk.netDelta + pendingDelta;
        bandWatch.observe(Math.abs(effective - limits.getDeltaTarget()) / band);
        String instrument = limits.getHedgeInstrument() != null ? limits.getHedgeInstrument() : m.getUnderlying() + "-PERP";
        LinearMark hedgeMark = market == null ? null : market.getLinear().get(instrument);
        double deltaPerContract = hedgeMark == null ? 1.0 : hedgeMark.getMultiplier();
        double contracts = SignalRules.hedgeContracts(effective, limits, band, deltaPerContract);
        if (contracts == 0) {
            return;
        }
        double deviation = effective - limits.getDeltaTarget();
        String id = nextSignalId(m, SignalType.DELTA_HEDGE);
        pending.put(id, PendingHedge.newBuilder().setInstrument(instrument).setRemaining(contracts)
                .setDeltaPerContract(deltaPerContract).setExpiresAt(m.getLastEventTime() + limits.getHedgeTimeoutMs()).build());
        emit(ctx, signal(m, id, SignalType.DELTA_HEDGE, SignalStatus.ACTION, band,
                Math.abs(deviation) > 2 * band ? Urgency.HIGH : Urgency.NORMAL,
                String.format("effective delta %.6g (net %.6g, pending %.6g) is %.6g from target %.6g, outside band %.6g: %s %.6g %s",
                        effective, risk.netDelta, pendingDelta, deviation, limits.getDeltaTarget(), band,
                        contracts > 0 ? "BUY" : "SELL", Math.abs(contracts), instrument), at)
                .setInstrument(instrument)
                .setSide(contracts > 0 ? Side.BUY : Side.SELL)
                .setQuantity(Math.abs(contracts))
                .build());
    }

    private void limitSignal(ReadOnlyContext ctx, InventoryMeta m, SignalType type, double value, Double limit, Instant at) {
        boolean wasBreached = type == SignalType.GAMMA_LIMIT ? m.getGammaBreached() : m.getVegaBreached();
        if (Double.isNaN(value)) {
            return; // not measurable (no reference price yet): keep the state
        }
        boolean breached = SignalRules.breached(value, limit);
        if (breached == wasBreached) {
            return;
        }
        if (type == SignalType.GAMMA_LIMIT) {
            m.setGammaBreached(breached);
        } else {
            m.setVegaBreached(breached);
        }
        String what = type == SignalType.GAMMA_LIMIT ? "|dollar gamma|" : "|vega|";
        double threshold = limit == null ? Double.NaN : limit;
        String reason = breached
                ? String.format("%s %.6g exceeds the limit %.6g", what, Math.abs(value), threshold)
                : limit == null ? what + " limit removed" : String.format("%s %.6g back within the limit %.6g", what, Math.abs(value), threshold);
        emit(ctx, signal(m, nextSignalId(m, type), type, breached ? SignalStatus.BREACH : SignalStatus.CLEARED, threshold,
                breached ? (Math.abs(value) > 1.5 * threshold ? Urgency.HIGH : Urgency.NORMAL) : Urgency.LOW, reason, at).build());
    }

    private void quoteSkew(ReadOnlyContext ctx, InventoryMeta m, MarketSnapshot market, RiskLimits limits, Instant at) {
        if (market == null || market.getRealizedVol() == null || Double.isNaN(risk.referencePrice)) {
            return;
        }
        double[] skew = SignalRules.quoteSkew(risk.netDelta, risk.referencePrice, market.getRealizedVol(), limits);
        double reservation = skew[0];
        if (!Double.isFinite(reservation)) {
            return;
        }
        Double last = m.getLastReservationPrice();
        double moveBps = last == null ? Double.POSITIVE_INFINITY : Math.abs(reservation - last) / Math.abs(last) * 1e4;
        if (!(moveBps > settings.quoteSkewBps())) {
            return;
        }
        m.setLastReservationPrice(reservation);
        emit(ctx, signal(m, nextSignalId(m, SignalType.QUOTE_SKEW), SignalType.QUOTE_SKEW, SignalStatus.ACTION,
                settings.quoteSkewBps(), Urgency.LOW,
                last == null ? String.format("reservation price %.8g (S %.8g, inventory %.6g)", reservation, risk.referencePrice, risk.netDelta - limits.getDeltaTarget())
                        : String.format("reservation price moved %.3g bps to %.8g (S %.8g, inventory %.6g)", moveBps, reservation, risk.referencePrice, risk.netDelta - limits.getDeltaTarget()),
                at)
                .setReservationPrice(reservation)
                .setBidOffset(skew[1])
                .setAskOffset(skew[2])
                .build());
    }

    private RebalanceSignal.Builder signal(InventoryMeta m, String id, SignalType type, SignalStatus status,
                                           double threshold, Urgency urgency, String reason, Instant at) {
        return RebalanceSignal.newBuilder()
                .setSignalId(id)
                .setProviderId(m.getProviderId())
                .setUnderlying(m.getUnderlying())
                .setType(type)
                .setStatus(status)
                .setInstrument(null).setSide(null).setQuantity(null)
                .setReservationPrice(null).setBidOffset(null).setAskOffset(null)
                .setNetDelta(risk.netDelta)
                .setGamma(risk.gamma)
                .setVega(risk.vega)
                .setThreshold(threshold)
                .setUrgency(urgency)
                .setReason(reason)
                .setEventTime(at);
    }

    private void emit(ReadOnlyContext ctx, RebalanceSignal s) {
        signals.get(s.getType()).inc();
        ctx.output(SIGNALS, s);
    }

    /** {@code provider/UNDERLYING/TYPE/sequence}, from the key's sequence in state: never reused. */
    private static String nextSignalId(InventoryMeta m, SignalType type) {
        long seq = m.getSignalSequence() + 1;
        m.setSignalSequence(seq);
        return m.getProviderId() + "/" + m.getUnderlying() + "/" + type.name() + "/" + seq;
    }

    // -------------------------------------------------------------------------------- helpers

    /** The limits of this key: {@code provider/UNDERLYING}, else {@code provider}, else the job defaults. */
    private RiskLimits effectiveLimits(ReadOnlyContext ctx, InventoryMeta m) throws Exception {
        ReadOnlyBroadcastState<String, RiskLimits> all = ctx.getBroadcastState(LIMITS);
        RiskLimits l = all.get(m.getProviderId() + "/" + m.getUnderlying());
        if (l == null) {
            l = all.get(m.getProviderId());
        }
        return l != null ? l : defaultLimits;
    }

    private static String limitsStamp(RiskLimits l) {
        return l.getProviderId() + "/" + l.getUnderlying() + "@" + l.getUpdatedAt().toEpochMilli() + "#" + l.hashCode();
    }

    private double pendingDelta(long asOf) throws Exception {
        double sum = 0;
        for (PendingHedge h : pending.values()) {
            if (h.getExpiresAt() > asOf) {
                sum += h.getRemaining() * h.getDeltaPerContract();
            }
        }
        return sum;
    }

    /** Removes pending hedges whose timeout has passed; true when any was removed. */
    private boolean expirePending(long now) throws Exception {
        boolean any = false;
        Iterator<Map.Entry<String, PendingHedge>> it = pending.iterator();
        while (it.hasNext()) {
            if (it.next().getValue().getExpiresAt() <= now) {
                it.remove();
                any = true;
            }
        }
        return any;
    }

    /** Removes option positions past their expiry; true when any was removed. */
    private boolean purgeExpiredOptions(long now) throws Exception {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Position> e : positions.entries()) {
            Instrument ins = e.getValue().getInstrument();
            if (ins.getKind() == InstrumentKind.OPTION && ins.getExpiry().toEpochMilli() <= now) {
                expired.add(e.getKey());
            }
        }
        for (String symbol : expired) {
            positions.remove(symbol);
        }
        return !expired.isEmpty();
    }

    /**
     * The event time a refresh is judged at: the latest of the key's last fill, the market snapshot and
     * the watermark (ignored before the first and at the end of input).
     */
    private static long eventTimeNow(long watermark, InventoryMeta m, MarketSnapshot market) {
        long now = m.getLastEventTime();
        if (market != null) {
            now = Math.max(now, market.getAsOf());
        }
        if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
            now = Math.max(now, watermark);
        }
        return now;
    }

    /**
     * Keeps one refresh timer armed at the next multiple of the refresh interval (processing time;
     * aligned, so that the keys of a subtask wake together).
     */
    private void schedule(TimerService timers, InventoryMeta m) {
        long now = timers.currentProcessingTime();
        if (m.getNextTimer() > now) {
            return;
        }
        long interval = settings.refreshIntervalMs();
        long next = (Math.floorDiv(now, interval) + 1) * interval;
        timers.registerProcessingTimeTimer(next);
        m.setNextTimer(next);
    }

    private InventoryMeta metaOf(Trade t) throws Exception {
        InventoryMeta m = meta.value();
        if (m == null) {
            m = InventoryMeta.newBuilder()
                    .setProviderId(t.getProviderId())
                    .setUnderlying(t.getInstrument().getUnderlying())
                    .build();
        }
        return m;
    }

    private static Rejection duplicate(SourcedTrade s, Long firstSeen) {
        Trade t = s.getTrade();
        RejectedRecord r = RejectedRecord.newBuilder()
                .setSourceTopic(s.getTopic())
                .setPartition(s.getPartition())
                .setOffset(s.getOffset())
                .setReason(RejectReason.DUPLICATE_TRADE.name())
                .setDetail("trade id '" + t.getTradeId() + "' on venue '" + t.getVenue() + "' was already applied"
                        + (firstSeen == null ? "" : " (event time " + Instant.ofEpochMilli(firstSeen) + ")"))
                .setPayload(s.getPayload())
                .setEventTime(Instant.ofEpochMilli(Math.max(0, s.getKafkaTimestamp())))
                .build();
        byte[] key = null;
        if (s.getKey() != null) {
            key = new byte[s.getKey().remaining()];
            s.getKey().duplicate().get(key);
        }
        return new Rejection(key, r);
    }

    /** Largest |effective delta − target| / band seen over the last two 10-second windows. */
    static final class BandWatch {
        private static final long WINDOW_MS = 10_000;
        private long windowStart = System.currentTimeMillis();
        private double current;
        private double previous;

        synchronized void observe(double ratio) {
            rotate();
            if (Double.isFinite(ratio)) {
                current = Math.max(current, ratio);
            }
        }

        synchronized double max() {
            rotate();
            return Math.max(current, previous);
        }

        private void rotate() {
            long now = System.currentTimeMillis();
            if (now - windowStart >= WINDOW_MS) {
                previous = now - windowStart >= 2 * WINDOW_MS ? 0 : current;
                current = 0;
                windowStart = now;
            }
        }
    }
}
