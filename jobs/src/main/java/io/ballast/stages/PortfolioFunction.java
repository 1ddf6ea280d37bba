package io.ballast.stages;

import io.ballast.avro.Collateral;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.PortfolioInput;
import io.ballast.avro.internal.PortfolioMeta;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.CollateralUpdate;
import io.ballast.domain.Keys;
import io.ballast.domain.LimitsUpdate;
import io.ballast.domain.PipelineSettings;
import io.ballast.domain.PortfolioBook;
import io.ballast.state.AvroStateType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The portfolio stage (key {@code provider}): a thin shell over {@link PortfolioBook}, which holds the rules.
 * Its inputs are the books' summaries from the inventory stage and the collateral balances; the market's
 * reference prices and the provider-level limits arrive broadcast.
 *
 * <p>Emission: at once on a fill's summary and on a collateral change (with {@code portfolio.fill-interval}
 * above 0: at once when the previous record is at least that old, else when it is); a summary from a market
 * move is stored, and the record goes out at most every {@code portfolio.interval} (a processing-time timer
 * per provider, armed only while a record is held back, at the earliest time one is due). A market move reaches a provider only through its
 * books' summaries: no operation visits other keys.
 *
 * <p>State, per provider: the latest summary per underlying, the balances by {@code venue/asset}, scalar
 * meta. All three are bounded by the provider's underlyings and balances (a balance is removed by its
 * tombstone), so no TTL is needed. Broadcast: reference prices per underlying, provider-level limits.
 */
public final class PortfolioFunction extends KeyedBroadcastProcessFunction<String, PortfolioInput, BroadcastEvent, PortfolioRisk> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RebalanceSignal> SIGNALS =
            new OutputTag<>("portfolio-signals", new AvroTypeInfo<>(RebalanceSignal.class));

    /** Broadcast state. Names are part of savepoints: never rename. */
    public static final MapStateDescriptor<String, Double> PRICES =
            new MapStateDescriptor<>("reference-prices", Types.STRING, Types.DOUBLE);
    public static final MapStateDescriptor<String, RiskLimits> LIMITS =
            new MapStateDescriptor<>("provider-limits", Types.STRING, AvroStateType.of(RiskLimits.class, "portfolio/limits"));

    /** Keyed state names: part of savepoints, never rename. */
    static final String STATE_BOOKS = "books";
    static final String STATE_SETS = "scenario-sets";
    static final String STATE_COLLATERAL = "collateral";
    static final String STATE_META = "meta";

    private final PipelineSettings settings;

    private transient MapState<String, BookSummary> books;
    private transient MapState<String, byte[]> sets;
    private transient MapState<String, Collateral> collateral;
    private transient ValueState<PortfolioMeta> meta;
    private transient RiskLimits defaultLimits;
    private transient BookCache<PortfolioBook> cache;
    private transient PortfolioMetrics metrics;
    /** Providers whose MARGIN_USAGE is breached (this subtask). */
    private transient Set<String> breached;
    /** Latest margin usage per provider (this subtask); null usage (equity ≤ 0) counts as infinite. */
    private transient Map<String, Double> usage;

    public PortfolioFunction(PipelineSettings settings) {
        this.settings = settings;
    }

    /** A book's summary as an input of the stage. */
    public static PortfolioInput input(BookSummary s) {
        return PortfolioInput.newBuilder().setProviderId(s.getProviderId()).setSummary(s).build();
    }

    /** A balance (or its deletion) as an input of the stage. */
    public static PortfolioInput input(CollateralUpdate u) {
        return PortfolioInput.newBuilder().setProviderId(u.getProviderId()).setHolding(u.getHolding())
                .setCollateral(u.getCollateral()).build();
    }

    @Override
    public void open(OpenContext openContext) {
        books = getRuntimeContext().getMapState(new MapStateDescriptor<>(STATE_BOOKS, Types.STRING,
                AvroStateType.of(BookSummary.class, "portfolio/" + STATE_BOOKS)));
        sets = getRuntimeContext().getMapState(new MapStateDescriptor<>(STATE_SETS, Types.STRING,
                org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        collateral = getRuntimeContext().getMapState(new MapStateDescriptor<>(STATE_COLLATERAL, Types.STRING,
                AvroStateType.of(Collateral.class, "portfolio/" + STATE_COLLATERAL)));
        meta = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_META,
                AvroStateType.of(PortfolioMeta.class, "portfolio/" + STATE_META)));
        defaultLimits = settings.defaultLimits();
        cache = new BookCache<>(settings.bookCachePositions(), PortfolioBook::weight);
        breached = new HashSet<>();
        usage = new HashMap<>();
        metrics = new PortfolioMetrics(getRuntimeContext().getMetricGroup(), breached::size, this::worstUsage);
    }

    @Override
    public void processElement(PortfolioInput in, ReadOnlyContext ctx, Collector<PortfolioRisk> out) throws Exception {
        String key = ctx.getCurrentKey();
        PortfolioBook book = book(key);
        boolean change;
        if (in.getSummary() != null) {
            change = book.applySummary(in.getSummary());
        } else {
            book.applyCollateral(in.getProviderId(), in.getHolding(), in.getCollateral());
            metrics.collateralUpdates.inc();
            change = true;
        }
        long time = ctx.timerService().currentProcessingTime();
        if (change ? book.dueForChange(time) : book.due(time)) {
            emit(ctx, key, book, time, out);
        } else {
            if (change) {
                book.holdChange();
            }
            arm(ctx.timerService(), book, book.changePending() ? book.changeDueAt() : book.dueAt());
        }
        book.flush();
        cache.settle(key);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PortfolioRisk> out) throws Exception {
        String key = ctx.getCurrentKey();
        PortfolioBook book = book(key);
        if (book.meta() == null) {
            return;
        }
        book.nextTimer(Long.MIN_VALUE);
        // A record that went out since the timer was armed (a fill, a balance) already held the summaries.
        if ((book.changePending() && book.dueForChange(timestamp)) || book.due(timestamp)) {
            emit(ctx, key, book, timestamp, out);
        } else if (book.changePending()) {
            arm(ctx.timerService(), book, book.changeDueAt());
        }
        book.flush();
        cache.settle(key);
    }

    /** Arms the emit timer at {@code at} unless one is armed no later. */
    private static void arm(org.apache.flink.streaming.api.TimerService timers, PortfolioBook book, long at) {
        if (book.nextTimer() == Long.MIN_VALUE || at < book.nextTimer()) {
            timers.registerProcessingTimeTimer(at);
            book.nextTimer(at);
        }
    }

    @Override
    public void processBroadcastElement(BroadcastEvent event, Context ctx, Collector<PortfolioRisk> out) throws Exception {
        MarketSnapshot market = event.getMarket();
        if (market != null && market.getReferencePrice() != null) {
            ctx.getBroadcastState(PRICES).put(market.getUnderlying(), market.getReferencePrice());
        }
        LimitsUpdate limits = event.getLimits();
        if (limits != null && Keys.parseLimits(limits.getKey()) != null && Keys.parseLimits(limits.getKey()).length == 1) {
            if (limits.isDeletion()) {
                ctx.getBroadcastState(LIMITS).remove(limits.getKey());
            } else {
                ctx.getBroadcastState(LIMITS).put(limits.getKey(), limits.getLimits());
            }
        }
    }

    private void emit(ReadOnlyContext ctx, String key, PortfolioBook book, long now, Collector<PortfolioRisk> out)
            throws Exception {
        Map<String, Double> prices = new HashMap<>();
        for (Map.Entry<String, Double> e : ctx.getBroadcastState(PRICES).immutableEntries()) {
            prices.put(e.getKey(), e.getValue());
        }
        ReadOnlyBroadcastState<String, RiskLimits> all = ctx.getBroadcastState(LIMITS);
        RiskLimits own = all.get(key);
        book.evaluate(now, prices, own != null ? own : defaultLimits, new PortfolioBook.Output() {
            @Override
            public void risk(PortfolioRisk risk) {
                metrics.records.inc();
                usage.put(key, risk.getMarginUsage() == null
                        ? (risk.getMargin() > 0 ? Double.POSITIVE_INFINITY : 0.0) : risk.getMarginUsage());
                out.collect(risk);
            }

            @Override
            public void signal(RebalanceSignal signal) {
                metrics.signals.get(signal.getType()).inc();
                ctx.output(SIGNALS, signal);
            }
        });
        if (book.meta().getMarginBreached()) {
            breached.add(key);
        } else {
            breached.remove(key);
        }
    }

    /** The largest margin usage among this subtask's providers; 0 with none. */
    double worstUsage() {
        double worst = 0;
        for (double u : usage.values()) {
            worst = Math.max(worst, u);
        }
        return worst;
    }

    private PortfolioBook book(String key) {
        return cache.get(key, () -> new PortfolioBook(StateTable.StateCell.load(meta),
                StateTable.load(books, null), StateTable.load(sets, null), StateTable.load(collateral, null), settings));
    }
}
