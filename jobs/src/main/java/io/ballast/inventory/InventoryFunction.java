package io.ballast.inventory;

import io.ballast.avro.Instrument;
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
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * through one processing-time timer per key, every {@code inventory.refresh-interval} (longer when the
 * subtask holds more books than {@code inventory.refresh-budget} allows; each key at its own phase, so
 * refreshes are spread evenly): when it fires and the underlying's snapshot (or the key's limits)
 * changed, or a pending hedge timed out, the book is re-marked and the signals decided again. No
 * operation ever visits other keys. Books are kept decoded on the heap ({@link Book}, written through
 * to keyed state), so a refresh that finds nothing changed costs no state access. Wall-clock
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
    /** Decoded books of recently used keys, least recently used first; see {@link Book}. */
    private transient LinkedHashMap<String, Book> books;
    /** Sum of the cached books' {@link Book#weight()}, held at most at {@code inventory.book-cache-positions}. */
    private transient long cachedWeight;
    /** {@link #limitsStamp} of the limits objects in use; cleared whenever limits change. */
    private transient IdentityHashMap<RiskLimits, String> stamps;
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
        books = new LinkedHashMap<>(16, 0.75f, true);
        cachedWeight = 0;
        stamps = new IdentityHashMap<>();
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
        metrics.gauge("refreshIntervalMs", this::refreshIntervalMs);
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

        String key = ctx.getCurrentKey();
        Book b = book(key);
        int weight = b.weight();
        if (b.meta == null) {
            b.meta = InventoryMeta.newBuilder()
                    .setProviderId(t.getProviderId())
                    .setUnderlying(t.getInstrument().getUnderlying())
                    .build();
        }
        InventoryMeta m = b.meta;
        double signed = t.getSide() == Side.BUY ? t.getQuantity() : -t.getQuantity();
        Instrument instrument = t.getInstrument();
        String symbol = instrument.getSymbol();
        Book.Held held = b.positions.get(symbol);
        Position p = held == null ? null : held.position();
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
            positions.remove(symbol); // flat: no risk left to carry
            b.remove(symbol);
        } else {
            positions.put(symbol, p);
            b.put(symbol, p);
        }

        if (t.getSignalId() != null) {
            PendingHedge h = b.pending.get(t.getSignalId());
            if (h != null) {
                double remaining = h.getRemaining() - signed;
                // Filled (or overfilled), up to the rounding of the router's quantities.
                if (Math.abs(remaining) <= FILLED_TOLERANCE * Math.abs(h.getRemaining())
                        || Math.signum(remaining) != Math.signum(h.getRemaining())) {
                    pending.remove(t.getSignalId());
                    b.pending.remove(t.getSignalId());
                } else {
                    h.setRemaining(remaining);
                    pending.put(t.getSignalId(), h);
                }
            }
        }
        m.setLastEventTime(Math.max(m.getLastEventTime(), time));
        tracked.add(key);
        // A late fill is applied, but the book is marked as of now (its latest fill, or the market), not as
        // of the fill's old time; the signals it triggers carry the fill's time.
        MarketSnapshot market = ctx.getBroadcastState(MARKET).get(m.getUnderlying());
        long markTime = market == null ? m.getLastEventTime() : Math.max(m.getLastEventTime(), market.getAsOf());
        evaluate(ctx, b, market, markTime, time, 0, out);
        schedule(ctx.timerService(), key, m);
        meta.update(m);
        settle(b, weight);
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
            stamps.clear();
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
        String key = ctx.getCurrentKey();
        Book b = book(key);
        int weight = b.weight();
        InventoryMeta m = b.meta;
        if (m == null) {
            return;
        }
        m.setNextTimer(Long.MIN_VALUE);
        MarketSnapshot market = ctx.getBroadcastState(MARKET).get(m.getUnderlying());
        long now = eventTimeNow(ctx.timerService().currentWatermark(), m, market);
        boolean changed = expirePending(b, now) | purgeExpiredOptions(b, now);
        if (market != null && market.getVersion() != m.getMarketVersion()) {
            changed = true;
        }
        if (!limitsStamp(effectiveLimits(ctx, key, m)).equals(m.getLimitsStamp())) {
            changed = true;
        }
        if (changed) {
            evaluate(ctx, b, market, now, now, market == null ? 0 : market.getIngestMicros(), out);
        }
        if (b.idle()) {
            tracked.remove(key); // flat, nothing pending: no more refreshes until the next fill
        } else {
            tracked.add(key);
            schedule(ctx.timerService(), key, m);
        }
        // A refresh that changed nothing only moved the timer: not written back. After a restore the
        // stored nextTimer is in the past, so the next fill arms a timer again (the restored one still
        // fires; one more refresh at most).
        if (changed) {
            meta.update(m);
        }
        settle(b, weight);
    }

    // ------------------------------------------------------------------------------ decisions

    /**
     * Marks the book as of {@code asOf} against {@code market} (the underlying's snapshot, or null), emits its {@code RiskSnapshot} and decides the signals, which
     * carry {@code triggerTime}, the event time of the input that caused the evaluation.
     */
    private void evaluate(ReadOnlyContext ctx, Book b, MarketSnapshot market, long asOf, long triggerTime,
                          long ingestMicros, Collector<RiskSnapshot> out) throws Exception {
        InventoryMeta m = b.meta;
        RiskLimits limits = effectiveLimits(ctx, ctx.getCurrentKey(), m);
        m.setMarketVersion(market == null ? -1 : market.getVersion());
        m.setLimitsStamp(limitsStamp(limits));

        calculator.compute(b.positions.values(), market, asOf, risk);
        double pendingDelta = pendingDelta(b, asOf);
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
        deltaHedge(ctx, b, market, limits, pendingDelta, asOf, at);
        quoteSkew(ctx, m, market, limits, at);
        if (ingestMicros > 0 && m.getSignalSequence() > before) {
            quoteToSignalMicros.update(QuoteIvFunction.nowMicros() - ingestMicros);
        }
    }

    /**
     * @param asOf the event time the book is marked at: the hedge's timeout counts from it (not from the
     *             key's last fill, which may be long past when a refresh decides the hedge)
     */
    private void deltaHedge(ReadOnlyContext ctx, Book b, MarketSnapshot market, RiskLimits limits,
                            double pendingDelta, long asOf, Instant at) throws Exception {
        InventoryMeta m = b.meta;
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
        PendingHedge hedge = PendingHedge.newBuilder().setInstrument(instrument).setRemaining(contracts)
                .setDeltaPerContract(deltaPerContract).setExpiresAt(asOf + limits.getHedgeTimeoutMs()).build();
        pending.put(id, hedge);
        b.pending.put(id, hedge);
        emit(ctx, signal(m, id, SignalType.DELTA_HEDGE, SignalStatus.ACTION, band,
                Math.abs(deviation) > 2 * band ? Urgency.HIGH : Urgency.NORMAL,
                new Reason().text("effective delta ").num(effective, 6).text(" (net ").num(risk.netDelta, 6)
                        .text(", pending ").num(pendingDelta, 6).text(") is ").num(deviation, 6)
                        .text(" from target ").num(limits.getDeltaTarget(), 6).text(", outside band ").num(band, 6)
                        .text(contracts > 0 ? ": BUY " : ": SELL ").num(Math.abs(contracts), 6).text(" " + instrument).toString(), at)
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
                ? new Reason().text(what + " ").num(Math.abs(value), 6).text(" exceeds the limit ").num(threshold, 6).toString()
                : limit == null ? what + " limit removed"
                : new Reason().text(what + " ").num(Math.abs(value), 6).text(" back within the limit ").num(threshold, 6).toString();
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
                (last == null ? new Reason().text("reservation price ")
                        : new Reason().text("reservation price moved ").num(moveBps, 3).text(" bps to "))
                        .num(reservation, 8).text(" (S ").num(risk.referencePrice, 8)
                        .text(", inventory ").num(risk.netDelta - limits.getDeltaTarget(), 6).text(")").toString(),
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
    private RiskLimits effectiveLimits(ReadOnlyContext ctx, String key, InventoryMeta m) throws Exception {
        ReadOnlyBroadcastState<String, RiskLimits> all = ctx.getBroadcastState(LIMITS);
        RiskLimits l = all.get(key); // the key is provider/UNDERLYING
        if (l == null) {
            l = all.get(m.getProviderId());
        }
        return l != null ? l : defaultLimits;
    }

    /** Which limits are applied, to notice a change: who, when and a hash of every field. */
    private String limitsStamp(RiskLimits l) {
        return stamps.computeIfAbsent(l, x ->
                x.getProviderId() + "/" + x.getUnderlying() + "@" + x.getUpdatedAt().toEpochMilli() + "#" + x.hashCode());
    }

    private static double pendingDelta(Book b, long asOf) {
        double sum = 0;
        for (PendingHedge h : b.pending.values()) {
            if (h.getExpiresAt() > asOf) {
                sum += h.getRemaining() * h.getDeltaPerContract();
            }
        }
        return sum;
    }

    /** Removes pending hedges whose timeout has passed; true when any was removed. */
    private boolean expirePending(Book b, long now) throws Exception {
        boolean any = false;
        Iterator<Map.Entry<String, PendingHedge>> it = b.pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, PendingHedge> e = it.next();
            if (e.getValue().getExpiresAt() <= now) {
                pending.remove(e.getKey());
                it.remove();
                any = true;
            }
        }
        return any;
    }

    /** Removes option positions past their expiry; true when any was removed. */
    private boolean purgeExpiredOptions(Book b, long now) throws Exception {
        if (b.firstExpiry() > now) {
            return false;
        }
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Book.Held> e : b.positions.entrySet()) {
            if (Book.Held.optionExpiry(e.getValue().instrument()) <= now) {
                expired.add(e.getKey());
            }
        }
        for (String symbol : expired) {
            positions.remove(symbol);
            b.remove(symbol);
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
     * Keeps one refresh timer armed (processing time), at most one {@link #refreshIntervalMs} ahead.
     * Each key has its own phase within the interval (from a hash of the key), so the books of a
     * subtask are refreshed evenly over the interval, not all at once in front of a fill or a
     * checkpoint barrier.
     */
    private void schedule(TimerService timers, String key, InventoryMeta m) {
        long now = timers.currentProcessingTime();
        if (m.getNextTimer() > now) {
            return;
        }
        long interval = refreshIntervalMs();
        long phase = Math.floorMod(key.hashCode() * 0x9E3779B9L, interval);
        long next = Math.floorDiv(now - phase, interval) * interval + phase + interval;
        timers.registerProcessingTimeTimer(next);
        m.setNextTimer(next);
    }

    /**
     * {@code inventory.refresh-interval}, or longer when this subtask holds more books than
     * {@code inventory.refresh-budget} refreshes per second allow at that interval (a whole multiple of
     * it).
     */
    long refreshIntervalMs() {
        long base = settings.refreshIntervalMs();
        long needed = (tracked.size() * 1000L + settings.refreshBudget() - 1) / settings.refreshBudget();
        return needed <= base ? base : (needed + base - 1) / base * base;
    }

    /** Books in the cache now (for tests). */
    int cachedBooks() {
        return books.size();
    }

    /** The key's book: from the cache, else read from keyed state (and then cached). */
    private Book book(String key) throws Exception {
        Book b = books.get(key);
        if (b == null) {
            b = new Book();
            b.meta = meta.value();
            for (Map.Entry<String, Position> e : positions.entries()) {
                b.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, PendingHedge> e : pending.entries()) {
                b.pending.put(e.getKey(), e.getValue());
            }
            books.put(key, b);
            cachedWeight += b.weight();
        }
        return b;
    }

    /**
     * Accounts for what the current book gained or lost since it weighed {@code before}, then drops
     * least recently used books (the current one last) until the cache is within its bound.
     */
    private void settle(Book b, int before) {
        cachedWeight += b.weight() - before;
        long max = settings.bookCachePositions();
        Iterator<Book> eldest = books.values().iterator();
        while (cachedWeight > max && eldest.hasNext()) {
            cachedWeight -= eldest.next().weight();
            eldest.remove();
        }
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
