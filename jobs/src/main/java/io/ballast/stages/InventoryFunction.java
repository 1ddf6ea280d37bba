package io.ballast.stages;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.Position;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.Clock;
import io.ballast.domain.InventoryBook;
import io.ballast.domain.Keys;
import io.ballast.domain.Limits;
import io.ballast.domain.LimitsUpdate;
import io.ballast.domain.PipelineSettings;
import io.ballast.kafka.Rejection;
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
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The inventory stage (key {@code provider/UNDERLYING}): a thin shell over {@link InventoryBook}, which
 * holds the rules. It applies each fill once per (venue, trade id), keeps one processing-time refresh
 * timer per key, keeps the books decoded on the heap ({@link BookCache}, written through to keyed state)
 * and emits what the book decides.
 *
 * <p>Refreshes: every {@code inventory.refresh-interval} of wall time (longer when the subtask holds more
 * books than {@code inventory.refresh-budget} allows; each key at its own phase, so refreshes are spread
 * evenly), the book re-marks if its market or limits changed or a hedge timed out. No operation visits
 * other keys. Wall-clock timers bound how stale a book can be even when the inputs go quiet.
 *
 * <p>State, per key: positions by {@code venue:symbol} (bare symbols in state of before venues, adopted by
 * {@code defaults.venue} when the book is loaded); pending hedges by signal id; trade ids seen (expire with
 * {@code inventory.dedupe-ttl}); scalar meta. Broadcast: the latest market snapshot per underlying and
 * the limits records by key. A key's state is cleared by the book as it goes flat (positions) or hedges
 * fill or time out; the meta of a key lives as long as the job.
 */
public final class InventoryFunction extends KeyedBroadcastProcessFunction<String, SourcedTrade, BroadcastEvent, RiskSnapshot> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RebalanceSignal> SIGNALS = new OutputTag<>("signals", new AvroTypeInfo<>(RebalanceSignal.class));
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("duplicates", Types.POJO(Rejection.class));
    /** Each mark's summary for the portfolio stage (when {@code portfolio.enabled}). */
    public static final OutputTag<BookSummary> SUMMARIES = new OutputTag<>("book-summaries", new AvroTypeInfo<>(BookSummary.class));

    /** Broadcast state. Names are part of savepoints: never rename. */
    public static final MapStateDescriptor<String, MarketSnapshot> MARKET =
            new MapStateDescriptor<>("market", Types.STRING, AvroStateType.of(MarketSnapshot.class, "inventory/market"));
    public static final MapStateDescriptor<String, RiskLimits> LIMITS =
            new MapStateDescriptor<>("limits", Types.STRING, AvroStateType.of(RiskLimits.class, "inventory/limits"));

    /** Keyed state names: part of savepoints, never rename. */
    static final String STATE_POSITIONS = "positions";
    static final String STATE_PENDING = "pending-hedges";
    static final String STATE_TRADE_IDS = "trade-ids";
    static final String STATE_META = "meta";

    private final PipelineSettings settings;

    private transient MapState<String, Position> positions;
    private transient MapState<String, PendingHedge> pending;
    private transient MapState<String, Long> tradeIds;
    private transient ValueState<InventoryMeta> meta;

    private transient RiskLimits defaultLimits;
    private transient BookCache<InventoryBook> books;
    private transient InventoryBook.Scratch scratch;
    /** {@link Limits#stamp} of the limits objects in use; cleared whenever limits change. */
    private transient IdentityHashMap<RiskLimits, String> stamps;

    private transient InventoryMetrics metrics;
    /** Keys with a position or a pending hedge: refreshed by their timer. */
    private transient Set<String> tracked;
    /** Keys with a gamma or vega limit breached. */
    private transient Set<String> breached;

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
        books = new BookCache<>(settings.bookCachePositions(), InventoryBook::weight);
        scratch = new InventoryBook.Scratch();
        stamps = new IdentityHashMap<>();

        tracked = new HashSet<>();
        breached = new HashSet<>();
        metrics = new InventoryMetrics(getRuntimeContext().getMetricGroup(), tracked::size, breached::size,
                this::refreshIntervalMs);
    }

    @Override
    public void processElement(SourcedTrade sourced, ReadOnlyContext ctx, Collector<RiskSnapshot> out) throws Exception {
        Trade t = sourced.getTrade();
        String id = Keys.trade(t.getVenue(), t.getTradeId());
        if (tradeIds.contains(id)) {
            metrics.duplicates.inc();
            ctx.output(REJECTED, Rejection.duplicateTrade(sourced, tradeIds.get(id)));
            return;
        }
        tradeIds.put(id, t.getEventTime().toEpochMilli());
        metrics.fills.inc();
        String key = ctx.getCurrentKey();
        InventoryBook book = book(key);
        tracked.add(key);
        schedule(ctx.timerService(), key, book);
        String underlying = t.getInstrument().getUnderlying();
        RiskLimits limits = limits(ctx, key, t.getProviderId());
        scratch.wallClock(ctx.timerService().currentProcessingTime());
        book.applyFill(t, ctx.getBroadcastState(MARKET).get(underlying), limits, stamp(limits), new Emit(ctx, out, 0));
        after(key, book);
    }

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

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RiskSnapshot> out) throws Exception {
        String key = ctx.getCurrentKey();
        InventoryBook book = book(key);
        InventoryMeta m = book.meta();
        if (m == null) {
            return;
        }
        book.nextTimer(Long.MIN_VALUE);
        MarketSnapshot market = ctx.getBroadcastState(MARKET).get(m.getUnderlying());
        RiskLimits limits = limits(ctx, key, m.getProviderId());
        scratch.wallClock(ctx.timerService().currentProcessingTime());
        book.refresh(ctx.timerService().currentWatermark(), market, limits, stamp(limits),
                new Emit(ctx, out, market == null ? 0 : market.getIngestMicros()));
        if (book.idle()) {
            tracked.remove(key); // flat, nothing pending: no more refreshes until the next fill
        } else {
            tracked.add(key);
            schedule(ctx.timerService(), key, book);
        }
        after(key, book);
    }

    /** What the book decides, to the outputs and the metrics. */
    private final class Emit implements InventoryBook.Output {
        private final ReadOnlyContext ctx;
        private final Collector<RiskSnapshot> out;
        /** Wall clock at which the market snapshot behind a refresh entered the job; 0 for none. */
        private final long ingestMicros;
        private boolean latencyMeasured;

        Emit(ReadOnlyContext ctx, Collector<RiskSnapshot> out, long ingestMicros) {
            this.ctx = ctx;
            this.out = out;
            this.ingestMicros = ingestMicros;
        }

        @Override
        public void risk(RiskSnapshot snapshot) {
            out.collect(snapshot);
        }

        @Override
        public void signal(RebalanceSignal s) {
            metrics.signals.get(s.getType()).inc();
            ctx.output(SIGNALS, s);
            if (ingestMicros > 0 && !latencyMeasured) {
                latencyMeasured = true;
                metrics.quoteToSignalMicros.update(Clock.nowMicros() - ingestMicros);
            }
        }

        @Override
        public void deltaToBand(double ratio) {
            metrics.bandWatch.observe(ratio);
        }

        @Override
        public void summary(BookSummary summary) {
            ctx.output(SUMMARIES, summary);
        }
    }

    private void after(String key, InventoryBook book) {
        InventoryMeta m = book.meta();
        if (m != null && (m.getGammaBreached() || m.getVegaBreached())) {
            breached.add(key);
        } else {
            breached.remove(key);
        }
        books.settle(key);
    }

    /** The limits of the current key ({@code provider/UNDERLYING}): its own, the provider's, or the defaults. */
    private RiskLimits limits(ReadOnlyContext ctx, String key, String providerId) throws Exception {
        ReadOnlyBroadcastState<String, RiskLimits> all = ctx.getBroadcastState(LIMITS);
        return Limits.effective(key, providerId, k -> {
            try {
                return all.get(k);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot read the limits broadcast state", e);
            }
        }, defaultLimits);
    }

    private String stamp(RiskLimits l) {
        return stamps.computeIfAbsent(l, Limits::stamp);
    }

    /** Keeps the key's refresh timer armed, at most one {@link #refreshIntervalMs} ahead (see {@link RefreshSchedule}). */
    private void schedule(TimerService timers, String key, InventoryBook book) {
        long next = RefreshSchedule.next(timers.currentProcessingTime(), book.nextTimer(), key, refreshIntervalMs());
        if (next != Long.MIN_VALUE) {
            timers.registerProcessingTimeTimer(next);
            book.nextTimer(next);
        }
    }

    /** The refresh interval of this subtask now, given the books it tracks. */
    long refreshIntervalMs() {
        return RefreshSchedule.interval(settings.refreshIntervalMs(), settings.refreshBudget(), tracked.size());
    }

    /** Books in the cache now (for tests). */
    int cachedBooks() {
        return books.size();
    }

    private InventoryBook book(String key) {
        return books.get(key, () -> new InventoryBook(StateTable.StateCell.load(meta),
                StateTable.load(positions, null), StateTable.load(pending, null), scratch, settings));
    }
}
