package io.ballast.domain;

import io.ballast.avro.Collateral;
import io.ballast.avro.PnlAttribution;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.StressGrid;
import io.ballast.avro.UnderlyingRisk;
import io.ballast.avro.Urgency;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.PortfolioMeta;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The portfolio of one provider (key {@code provider}): the latest summary of each of its books (one per
 * underlying, from the inventory stage), its collateral balances, and the rules of CONTRACT.md
 * ("portfolio-risk") that turn them into a {@code PortfolioRisk} and the MARGIN_USAGE / LIQUIDATION_BUFFER
 * signals. No Flink: the portfolio stage stores what this changes and emits what it returns.
 *
 * <p>Records: the scalar {@code meta}, summaries by underlying, balances by {@code venue/asset}; a stored
 * record is never changed (a change stores a new one). The state is bounded by the provider's underlyings
 * and balances: a book's summary stays (its realized P&amp;L and fees are cumulative), a balance leaves with
 * its tombstone.
 *
 * <p>A summary that carries no scenario column keeps the previous one; a summary without a reference
 * price drops it (the book cannot be revalued: its positions count as unpriced).
 */
public final class PortfolioBook {

    /** What the portfolio decides. */
    public interface Output {
        void risk(PortfolioRisk risk);

        void signal(RebalanceSignal signal);
    }

    private final PipelineSettings settings;
    private final Cell<PortfolioMeta> metaCell;
    private final Table<String, BookSummary> books;
    private final Table<String, byte[]> sets;
    private final Table<String, Collateral> holdings;
    /** Decoded sets by underlying, with the stored bytes they came from (heap only: a cache of {@link #sets}). */
    private final Map<String, Decoded> decoded = new HashMap<>();

    /** The meta as changed since the last {@link #flush}, or null: written once per input, not per change. */
    private PortfolioMeta unwritten;
    /** The liquidation moves of the last record: where the next search looks first (heap only). */
    private Liquidation.Moves lastMoves;
    /** Bumped by every change of a balance (heap only: a cache key). */
    private int holdingsVersion;
    /** The balances as last valued, and what they were valued with (heap only). */
    private ValuedCollateral valued;

    private record ValuedCollateral(int holdingsVersion, Map<String, Double> coinPrices, Map<String, Double> haircuts,
                                    CollateralValue value) {
    }

    /**
     * A set as decoded from {@code bytes} (null when they were for other axes or another search), and how many
     * of the stored fills since it has been added to it.
     */
    private static final class Decoded {
        private final byte[] bytes;
        private final ScenarioSet set;
        private int fillsAdded;

        Decoded(byte[] bytes, ScenarioSet set) {
            this.bytes = bytes;
            this.set = set;
        }

        byte[] bytes() {
            return bytes;
        }

        ScenarioSet set() {
            return set;
        }

        int fillsAdded() {
            return fillsAdded;
        }

        void fillsAdded(int count) {
            fillsAdded = count;
        }
    }

    /**
     * @param books the latest summary per underlying, without its scenario set
     * @param sets the latest scenario set per underlying ({@link ScenarioSet#encode}), written only when a
     *             summary brings a new one
     */
    public PortfolioBook(Cell<PortfolioMeta> meta, Table<String, BookSummary> books, Table<String, byte[]> sets,
                         Table<String, Collateral> holdings, PipelineSettings settings) {
        this.metaCell = meta;
        this.books = books;
        this.sets = sets;
        this.holdings = holdings;
        this.settings = settings;
    }

    /** A portfolio on the heap alone (tests, tools). */
    public static PortfolioBook onHeap(PipelineSettings settings) {
        return new PortfolioBook(Cell.onHeap(), new HeapTable<>(null), new HeapTable<>(null), new HeapTable<>(null),
                settings);
    }

    /** What the portfolio costs a cache: its books (and their sets) and balances, and one for the rest. */
    public int weight() {
        return 2 * books.size() + holdings.size() + 1;
    }

    private PortfolioMeta current() {
        return unwritten != null ? unwritten : metaCell.get();
    }

    /** Writes what changed of the meta since the last call; the stage calls it once after each input or timer. */
    public void flush() {
        if (unwritten != null) {
            metaCell.set(unwritten);
            unwritten = null;
        }
    }

    /** Null until the provider's first input. */
    public PortfolioMeta meta() {
        return current();
    }

    /** The armed emit timer (processing time), {@code Long.MIN_VALUE} for none. */
    public long nextTimer() {
        PortfolioMeta m = current();
        return m == null ? Long.MIN_VALUE : m.getNextTimer();
    }

    /** Remembers the armed emit timer ({@code Long.MIN_VALUE}: none). */
    public void nextTimer(long at) {
        PortfolioMeta m = copy(current());
        m.setNextTimer(at);
        unwritten = m;
    }

    /** Whether a record may go out now on a market move: the last went out at least {@code portfolio.interval} ago. */
    public boolean due(long now) {
        PortfolioMeta m = current();
        return m == null || m.getLastEmitted() == Long.MIN_VALUE || now < m.getLastEmitted()
                || now - m.getLastEmitted() >= settings.portfolioIntervalMs();
    }

    /**
     * Whether a record may go out now on a fill or balance change: the last went out at least
     * {@code portfolio.fill-interval} ago (always, with the default 0).
     */
    public boolean dueForChange(long now) {
        PortfolioMeta m = current();
        // A clock that went back (a restore on another machine) does not hold records back.
        return m == null || m.getLastEmitted() == Long.MIN_VALUE || now < m.getLastEmitted()
                || now - m.getLastEmitted() >= settings.portfolioFillIntervalMs();
    }

    /** Holds a fill or balance change back: its record goes out at {@link #changeDueAt}, covering every change since. */
    public void holdChange() {
        PortfolioMeta m = copy(current());
        m.setChangePending(true);
        unwritten = m;
    }

    /** Whether a fill or balance change is held back. */
    public boolean changePending() {
        PortfolioMeta m = current();
        return m != null && m.getChangePending();
    }

    /** When a held-back change's record is due (processing time). */
    public long changeDueAt() {
        PortfolioMeta m = current();
        return m == null || m.getLastEmitted() == Long.MIN_VALUE ? Long.MIN_VALUE
                : m.getLastEmitted() + settings.portfolioFillIntervalMs();
    }

    /** When a held-back record is due (processing time). */
    public long dueAt() {
        PortfolioMeta m = current();
        return m == null || m.getLastEmitted() == Long.MIN_VALUE ? Long.MIN_VALUE : m.getLastEmitted() + settings.portfolioIntervalMs();
    }

    // ----------------------------------------------------------------------------- changing

    /**
     * Stores a book's summary and adds its explain piece to the day's.
     *
     * @return whether it follows a fill: then the portfolio is emitted at once
     */
    public boolean applySummary(BookSummary s) {
        PortfolioMeta m = start(s.getProviderId());
        m.setAsOf(Math.max(m.getAsOf(), s.getAsOf()));
        if (s.getExplainTo() != 0) {
            PnlExplain piece = new PnlExplain(s.getExplainTo(), s.getExplainTotal(), s.getExplainDelta(),
                    s.getExplainGamma(), s.getExplainVega(), s.getExplainTheta(),
                    s.getExplainTotal() - s.getExplainDelta() - s.getExplainGamma() - s.getExplainVega() - s.getExplainTheta());
            PnlExplain day = PnlExplain.accumulate(dayExplain(m), piece, s.getExplainTo(), settings.dayOffsetMs());
            m.setExplainSince(day.since());
            m.setExplainTotal(day.total());
            m.setExplainDelta(day.delta());
            m.setExplainGamma(day.gamma());
            m.setExplainVega(day.vega());
            m.setExplainTheta(day.theta());
            m.setExplainUnexplained(day.unexplained());
        }
        unwritten = m;
        BookSummary stored = Records.copy(s, new BookSummary()); // shallow
        stored.setScenarioSet(null);
        stored.setScenarioFills(null);
        if (s.getReferencePrice() == null) {
            sets.remove(s.getUnderlying()); // cannot be revalued: no column until it is priced again
        } else if (s.getScenarioSet() != null) {
            sets.put(s.getUnderlying(), bytes(s.getScenarioSet())); // a new set: no fills since
        } else {
            BookSummary previous = books.get(s.getUnderlying());
            if (previous != null) {
                stored.setColumnAsOf(previous.getColumnAsOf());
                stored.setScenarioFills(previous.getScenarioFills());
            }
            if (s.getScenarioFills() != null) {
                if (previous != null && previous.getColumnAsOf() == s.getColumnAsOf() && sets.get(s.getUnderlying()) != null) {
                    byte[] all = ScenarioSet.concatFills(previous.getScenarioFills() == null ? null
                            : bytes(previous.getScenarioFills()), bytes(s.getScenarioFills()));
                    stored.setScenarioFills(java.nio.ByteBuffer.wrap(all));
                } else {
                    // A fill for a set this portfolio does not hold (not expected: a book sends its set before
                    // any fill for it). Without it the column would be wrong: none until the book's next set.
                    sets.remove(s.getUnderlying());
                    stored.setScenarioFills(null);
                }
            }
        }
        books.put(s.getUnderlying(), stored);
        return s.getFill();
    }

    /**
     * Stores a balance, or deletes it ({@code collateral} null).
     *
     * @param holding {@code venue/asset}
     */
    public void applyCollateral(String providerId, String holding, Collateral collateral) {
        PortfolioMeta m = start(providerId);
        if (collateral != null) {
            m.setAsOf(Math.max(m.getAsOf(), collateral.getUpdatedAt().toEpochMilli()));
            holdings.put(holding, collateral);
        } else {
            holdings.remove(holding);
        }
        holdingsVersion++;
        unwritten = m;
    }

    private PortfolioMeta start(String providerId) {
        PortfolioMeta current = current();
        return current == null ? PortfolioMeta.newBuilder().setProviderId(providerId).build() : copy(current);
    }

    /**
     * Values the portfolio as of the latest input, emits its {@code PortfolioRisk} and decides the signals.
     *
     * @param now processing time of the emission (for the throttle)
     * @param referencePrices underlying → S, from the market (a book's own S when the market has none)
     * @param limits the provider's limits: its {@code provider} record, else the job's defaults
     */
    public void evaluate(long now, Map<String, Double> referencePrices, RiskLimits limits, Output out) {
        PortfolioMeta m = copy(current());
        String provider = m.getProviderId();
        ScenarioAxes axes = settings.scenarioAxes();
        LiquidationSearch search = settings.liquidationSearch();
        ScenarioGrid grid = ScenarioGrid.zero(axes);
        List<ScenarioSet> revalued = new ArrayList<>();
        Map<String, Double> prices = new HashMap<>();
        List<UnderlyingRisk> underlyings = new ArrayList<>();
        double deltaUsd = 0;
        double dollarGamma = 0;
        double vega = 0;
        double theta = 0;
        double optionValue = 0;
        double spotValue = 0;
        double linearPnl = 0;
        double realized = 0;
        double unrealized = 0;
        double fees = 0;
        for (BookSummary b : books.values()) {
            Double s = b.getReferencePrice();
            boolean priced = s != null;
            int unpriced = b.getUnpricedPositions();
            if (priced) {
                prices.put(b.getUnderlying(), s);
                deltaUsd += b.getNetDelta() * s;
                ScenarioSet set = scenarioSet(b, axes, search);
                if (set != null) {
                    grid = grid.plus(set.column());
                    revalued.add(set);
                } else if (b.getPositions() > 0) {
                    unpriced = b.getPositions(); // no column on these axes: left out of the stress grid
                }
            } else {
                unpriced = b.getPositions();
            }
            dollarGamma += b.getDollarGamma();
            vega += b.getVega();
            theta += b.getTheta();
            optionValue += b.getOptionValue();
            spotValue += b.getSpotValue();
            linearPnl += b.getLinearPnl();
            realized += b.getRealizedPnl();
            unrealized += b.getUnrealizedPnl();
            fees += b.getFees();
            underlyings.add(UnderlyingRisk.newBuilder()
                    .setUnderlying(b.getUnderlying())
                    .setReferencePrice(priced ? s : Double.NaN)
                    .setNetDelta(b.getNetDelta())
                    .setDeltaUsd(priced ? b.getNetDelta() * s : Double.NaN)
                    .setDollarGamma(b.getDollarGamma())
                    .setVega(b.getVega())
                    .setTheta(b.getTheta())
                    .setOptionValue(b.getOptionValue())
                    .setLinearPnl(b.getLinearPnl())
                    .setUnpricedPositions(unpriced)
                    .build());
        }
        prices.putAll(referencePrices); // the market's S is the newest
        CollateralValue collateral = collateral(prices,
                limits.getCollateralHaircuts() == null ? Map.of() : limits.getCollateralHaircuts());
        double coinUsd = 0;
        for (double usd : collateral.coinUsd().values()) {
            grid = grid.plus(ScenarioGrid.collateral(axes, usd));
            coinUsd += usd;
        }
        deltaUsd += collateral.coinDeltaUsd();
        double equity = PortfolioMargin.equity(collateral.collateralValue(), optionValue, spotValue, linearPnl);
        Liquidation.Moves moves = Liquidation.find(equity, revalued, coinUsd, search, lastMoves);
        lastMoves = moves;
        PortfolioMargin margin = PortfolioMargin.of(equity, grid, moves,
                Liquidation.pnlOfMove(revalued, coinUsd), search, limits.getMinLiquidationMove());

        long asOf = m.getAsOf();
        long day = PnlExplain.dayStart(asOf, settings.dayOffsetMs());
        PnlExplain explain = dayExplain(m);
        if (explain == null || explain.since() != day) {
            explain = PnlExplain.zero(day);
        }
        m.setSequence(m.getSequence() + 1);
        m.setLastEmitted(now);
        m.setChangePending(false); // this record covers every change so far
        out.risk(PortfolioRisk.newBuilder()
                .setProviderId(provider)
                .setAsOf(Instant.ofEpochMilli(asOf))
                .setSequence(m.getSequence())
                .setUnderlyings(underlyings)
                .setDeltaUsd(deltaUsd)
                .setDollarGamma(dollarGamma)
                .setVega(vega)
                .setTheta(theta)
                .setCollateralValue(collateral.collateralValue())
                .setUnvaluedAssets(new ArrayList<>(collateral.unvaluedAssets()))
                .setUnvaluedHoldings(collateral.unvaluedHoldings())
                .setEquity(equity)
                .setRealizedPnl(realized)
                .setUnrealizedPnl(unrealized)
                .setFees(fees)
                .setExplain(PnlAttribution.newBuilder()
                        .setSince(Instant.ofEpochMilli(explain.since()))
                        .setTotal(explain.total())
                        .setDelta(explain.delta())
                        .setGamma(explain.gamma())
                        .setVega(explain.vega())
                        .setTheta(explain.theta())
                        .setUnexplained(explain.unexplained())
                        .build())
                .setScenarios(StressGrid.newBuilder()
                        .setSpotShocks(BookSummaries.boxed(axes.spotShocks()))
                        .setVolShocks(BookSummaries.boxed(axes.volShocks()))
                        .setGrid(BookSummaries.boxed(grid.cells()))
                        .setWorstLoss(grid.worstLoss())
                        .setWorstSpotShock(grid.worstSpotShock())
                        .setWorstVolShock(grid.worstVolShock())
                        .build())
                .setMargin(margin.margin())
                .setMarginUsage(margin.marginUsage())
                .setLiquidationMoveDown(margin.liquidationMoveDown())
                .setLiquidationMoveUp(margin.liquidationMoveUp())
                .build());

        PortfolioRules.Decision d = PortfolioRules.decide(
                new PortfolioRules.State(m.getMarginBreached(), m.getBufferBreached(), m.getSignalSequence()), provider,
                margin, new PortfolioRules.Limits(limits.getMaxMarginUsage(), limits.getMinLiquidationMove()), asOf);
        m.setMarginBreached(d.state().marginBreached());
        m.setBufferBreached(d.state().bufferBreached());
        m.setSignalSequence(d.state().signalSequence());
        unwritten = m;
        for (PortfolioSignal s : d.signals()) {
            out.signal(signal(s, vega));
        }
    }

    /**
     * The wire record of a portfolio signal: keyed {@code provider}, underlying "*"; {@code netDelta} and
     * {@code gamma} are 0 (no single underlying), {@code vega} the portfolio's, {@code threshold} the limit
     * (0 when the limit was removed).
     */
    static RebalanceSignal signal(PortfolioSignal s, double vega) {
        return RebalanceSignal.newBuilder()
                .setSignalId(s.signalId())
                .setProviderId(s.providerId())
                .setUnderlying(PortfolioSignal.ALL_UNDERLYINGS)
                .setType(SignalType.valueOf(s.type().name()))
                .setStatus(s.status())
                .setInstrument(null).setSide(null).setQuantity(null)
                .setReservationPrice(null).setBidOffset(null).setAskOffset(null)
                .setNetDelta(0)
                .setGamma(0)
                .setVega(vega)
                .setThreshold(Double.isNaN(s.threshold()) ? 0 : s.threshold())
                .setUrgency(s.status() == SignalStatus.BREACH ? Urgency.HIGH : Urgency.LOW)
                .setReason(s.reason())
                .setEventTime(Instant.ofEpochMilli(s.eventTime()))
                .setEquity(s.equity())
                .setMargin(s.margin())
                .setMarginUsage(s.marginUsage())
                .setLiquidationMoveDown(s.liquidationMoveDown())
                .setLiquidationMoveUp(s.liquidationMoveUp())
                .build();
    }

    /**
     * The stored scenario set of a book with the fills since it added, decoded once per set and each fill
     * added once (the set keeps what searches read of it); null without one (or on other axes).
     */
    private ScenarioSet scenarioSet(BookSummary book, ScenarioAxes axes, LiquidationSearch search) {
        String underlying = book.getUnderlying();
        byte[] bytes = sets.get(underlying);
        if (bytes == null) {
            decoded.remove(underlying);
            return null;
        }
        Decoded cached = decoded.get(underlying);
        if (cached == null || cached.bytes() != bytes) {
            cached = new Decoded(bytes, ScenarioSet.decode(bytes, axes, search));
            decoded.put(underlying, cached);
        }
        if (cached.set() == null) {
            return null;
        }
        java.nio.ByteBuffer wire = book.getScenarioFills();
        if (wire != null && wire.remaining() > cached.fillsAdded() * ScenarioSet.FILL_BYTES) {
            byte[] fills = bytes(wire);
            int count = ScenarioSet.fillCount(fills);
            if (!cached.set().addFills(fills, cached.fillsAdded())) {
                decoded.put(underlying, new Decoded(bytes, null)); // not fills of this version: no column
                return null;
            }
            cached.fillsAdded(count);
        }
        return cached.set();
    }

    private static byte[] bytes(java.nio.ByteBuffer wire) {
        byte[] out = new byte[wire.remaining()];
        wire.duplicate().get(out);
        return out;
    }

    /**
     * The balances valued at {@code prices}: computed again only when a balance, the price of a coin asset held
     * or the haircuts changed since the last time.
     */
    private CollateralValue collateral(Map<String, Double> prices, Map<String, Double> haircuts) {
        Map<String, Double> coinPrices = new HashMap<>();
        for (Collateral c : holdings.values()) {
            if (!CollateralValue.USD_ASSETS.contains(c.getAsset())) {
                coinPrices.put(c.getAsset(), prices.get(c.getAsset()));
            }
        }
        ValuedCollateral last = valued;
        if (last != null && last.holdingsVersion() == holdingsVersion && last.coinPrices().equals(coinPrices)
                && last.haircuts().equals(haircuts)) {
            return last.value();
        }
        List<CollateralHolding> balances = new ArrayList<>();
        for (Collateral c : holdings.values()) {
            balances.add(new CollateralHolding(c.getVenue(), c.getAsset(), c.getAmount()));
        }
        CollateralValue value = CollateralValue.of(balances, prices, haircuts);
        valued = new ValuedCollateral(holdingsVersion, coinPrices, new HashMap<>(haircuts), value);
        return value;
    }

    /** The day's explain so far as stored, or null before the first piece. */
    private static PnlExplain dayExplain(PortfolioMeta m) {
        if (m.getExplainSince() == Long.MIN_VALUE) {
            return null;
        }
        return new PnlExplain(m.getExplainSince(), m.getExplainTotal(), m.getExplainDelta(), m.getExplainGamma(),
                m.getExplainVega(), m.getExplainTheta(), m.getExplainUnexplained());
    }

    static PortfolioMeta copy(PortfolioMeta m) {
        return Records.copy(m, new PortfolioMeta());
    }
}
