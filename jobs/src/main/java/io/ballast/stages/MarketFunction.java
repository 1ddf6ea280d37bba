package io.ballast.stages;

import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketState;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.OptionMark;
import io.ballast.avro.internal.SmileParams;
import io.ballast.domain.MarketBook;
import io.ballast.domain.PipelineSettings;
import io.ballast.quant.SmileFitter;
import io.ballast.state.AvroStateType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The market stage (key: underlying): a thin shell over {@link MarketBook}, which holds the rules. It
 * keeps every underlying's book decoded on the heap ({@link BookCache}, written through to keyed state:
 * a snapshot needs every option, linear instrument and smile of the underlying, which with RocksDB would
 * be a full deserializing scan each time), arms the wall-clock flush timer a book asks for, and emits
 * what the book publishes: {@link MarketSnapshot}s (main output) and {@code VolSkew} ({@link #SKEW}).
 *
 * <p>State, per underlying: scalar {@link MarketState}; options by symbol; linear instruments by symbol;
 * smiles and changed expiries by expiry. Options and smiles are removed by the book once expired.
 */
public final class MarketFunction extends KeyedProcessFunction<String, MarketTick, MarketSnapshot> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<VolSkew> SKEW = new OutputTag<>("vol-skew", new AvroTypeInfo<>(VolSkew.class));

    /** Keyed state names: part of savepoints, never rename. */
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

    private transient BookCache<MarketBook> books;
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
        books = new BookCache<>(Long.MAX_VALUE, b -> 1);
        fitStats = new SmileFitter.Stats();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        stale = metrics.counter("staleQuotesIgnored");
        fits = metrics.counter("smileFits");
        expiredPurged = metrics.counter("expiredOptionsPurged");
        fitEvaluations = metrics.counter("smileFitEvaluations");
        warmStartsRejected = metrics.counter("smileWarmStartsRejected");
    }

    @Override
    public void processElement(MarketTick tick, Context ctx, Collector<MarketSnapshot> out) throws Exception {
        Emit emit = new Emit(ctx, out);
        long flushAt = book(ctx.getCurrentKey()).applyQuote(tick, ctx.timerService().currentProcessingTime(), emit);
        if (flushAt != Long.MIN_VALUE) {
            ctx.timerService().registerProcessingTimeTimer(flushAt);
        }
        emit.countFits();
    }

    /** The wall-clock flush of changes the event-time throttle held back. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketSnapshot> out) throws Exception {
        Emit emit = new Emit(ctx, out);
        book(ctx.getCurrentKey()).flush(emit);
        emit.countFits();
    }

    private MarketBook book(String underlying) {
        return books.get(underlying, () -> new MarketBook(underlying, StateTable.StateCell.load(market),
                StateTable.loadUnordered(options), StateTable.load(linear, MarketBook.OPTION_ORDER),
                StateTable.load(smiles, MarketBook.EXPIRY_ORDER), StateTable.loadUnordered(changed),
                fitStats, settings));
    }

    /** What the book publishes, to the outputs and the metrics. */
    private final class Emit implements MarketBook.Output {
        private final Context ctx;
        private final Collector<MarketSnapshot> out;
        private final long evaluationsBefore = fitStats.evaluations();
        private final long rejectedBefore = fitStats.warmRejected();

        Emit(Context ctx, Collector<MarketSnapshot> out) {
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public void snapshot(MarketSnapshot snapshot) {
            out.collect(snapshot);
        }

        @Override
        public void skew(VolSkew skew) {
            ctx.output(SKEW, skew);
        }

        @Override
        public void staleQuote() {
            stale.inc();
        }

        @Override
        public void smileFitted() {
            fits.inc();
        }

        @Override
        public void optionsExpired(int count) {
            expiredPurged.inc(count);
        }

        void countFits() {
            fitEvaluations.inc(fitStats.evaluations() - evaluationsBefore);
            warmStartsRejected.inc(fitStats.warmRejected() - rejectedBefore);
        }
    }
}
