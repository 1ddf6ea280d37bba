package io.ballast.domain;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.Urgency;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.PendingKind;
import io.ballast.avro.internal.Position;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inventory of one provider in one underlying (key {@code provider/UNDERLYING}), and the rules of
 * CONTRACT.md that change it: exact positions from fills, rolling greeks against the latest market
 * snapshot, pending hedges, and the rebalance signals.
 *
 * <p>{@link #applyFill} applies a fill (already known to be new: dedupe is the stage's), re-marks the
 * book, emits its {@code RiskSnapshot} and decides the signals. {@link #refresh} re-marks and decides
 * again when the market snapshot or the limits changed, or a pending hedge timed out, or an option
 * expired. What is computed is stamped and judged in event time: the book is marked as of the latest of
 * its own last fill, the market snapshot and the watermark, and hedge timeouts are compared with that time.
 *
 * <p>Positions are identified by {@code venue:symbol} ({@link Keys#instrument}): fills of one symbol on two
 * venues are two positions, each marked at its own venue's quote; the greeks, values and signals of the book
 * cover every venue. State written before venues holds positions under a bare symbol: the book moves them to
 * {@code defaults.venue:symbol} when it is loaded ({@link #adoptBarePositions}).
 *
 * <p>Records: the scalar {@code meta}, positions by {@code venue:symbol}, pending hedges by signal id, each written
 * through its {@link Cell} or {@link Table} when it changes, never changed after (a change writes a new
 * record). Positions and hedges are iterated by {@code venue:symbol} and signal id, so the greeks are summed in the same
 * order however the book was loaded: a book read back from state gives the same numbers to the last bit.
 * Option positions are removed once expired; a flat position is removed.
 */
public final class InventoryBook {

    /** What a book decides. */
    public interface Output {
        void risk(RiskSnapshot snapshot);

        void signal(RebalanceSignal signal);

        /** |effective delta − target| / band at a delta decision (for the {@code maxDeltaToBand} gauge). */
        default void deltaToBand(double ratio) {
        }

        /** The book's summary for the portfolio stage, at every mark (when the portfolio is enabled). */
        default void summary(BookSummary summary) {
        }
    }

    /** Scratch space for marking, shared by the books of one thread: no allocation per evaluation. */
    public static final class Scratch {
        private final RiskCalculator calculator = new RiskCalculator();
        private final BookRisk risk = new BookRisk();
        private final BookRisk before = new BookRisk();
        private long wallClock = Long.MIN_VALUE;

        /**
         * The wall time (processing time, epoch ms) of the input being applied: what
         * {@code portfolio.scenario-interval} is measured in. Unset ({@code Long.MIN_VALUE}, books on the heap
         * in tools and tests): the mark's event time stands in for it.
         */
        public void wallClock(long epochMs) {
            wallClock = epochMs;
        }
    }

    /** A hedge whose remainder is this small a fraction of what was left is filled. */
    private static final double FILLED_TOLERANCE = 1e-9;

    private final PipelineSettings settings;
    private final Cell<InventoryMeta> metaCell;
    private final Table<String, Position> positions;
    private final Table<String, PendingHedge> pending;
    private final Scratch scratch;
    /** The positions unpacked for marking, converted once per change rather than per mark. */
    private final Holdings held = new Holdings();
    /** Earliest expiry among option positions (epoch ms); {@code Long.MAX_VALUE} with none. */
    private long firstExpiry = Long.MAX_VALUE;
    /**
     * The stage's armed refresh timer. Kept with {@code meta} whenever that is written, but a refresh
     * that changed nothing only moves it on the heap.
     */
    private long nextTimer;
    /** The book's last mark, for the explain of the next interval (heap only: lost with the cache, see CONTRACT.md). */
    private BookMark lastMark;
    /** Event time of the last full revaluation of the book's scenario set (heap only: a restored book builds one at its first mark). */
    private long columnAt = Long.MIN_VALUE;
    /** Wall time of that revaluation ({@link Scratch#wallClock}). */
    private long columnAtWall = Long.MIN_VALUE;
    /**
     * Whether the portfolio holds a scenario set of this book: one is sent whole at most every scenario interval,
     * each fill in between in the fill form, which the portfolio adds to it (heap only).
     */
    private boolean setSent;
    /** The fill being applied: its instrument and signed quantity (contracts), for the scenario set; null between fills. */
    private Instrument filling;
    /** Its position's key, {@code venue:symbol}. */
    private String fillingKey;
    private double fillingQuantity;
    /** What was held of the filled instrument before the fill (null: nothing); with {@link #filling}. */
    private Holdings.Held fillingBefore;
    /** Whether the fill's explain was marked before it ({@link #applyFill}): it closes its position, or is inverse. */
    private boolean fillingMarkedBefore;
    /** P&amp;L and fees of option positions purged at expiry since the meta was last written, USD. */
    private double purgedRealized;
    private double purgedFees;

    public InventoryBook(Cell<InventoryMeta> meta, Table<String, Position> positions, Table<String, PendingHedge> pending,
                         Scratch scratch, PipelineSettings settings) {
        this.metaCell = meta;
        this.positions = positions;
        this.pending = pending;
        this.scratch = scratch;
        this.settings = settings;
        adoptBarePositions();
        for (Map.Entry<String, Position> e : positions.entries()) {
            hold(e.getKey(), e.getValue());
        }
        nextTimer = meta.get() == null ? Long.MIN_VALUE : meta.get().getNextTimer();
    }

    /**
     * Moves each position that state written before venues holds under a bare symbol to
     * {@code defaults.venue:symbol}, with its {@code venue} set (CONTRACT.md, "Identity: (venue, symbol)").
     */
    private void adoptBarePositions() {
        List<Map.Entry<String, Position>> bare = new ArrayList<>();
        for (Map.Entry<String, Position> e : positions.entries()) {
            if (!Keys.hasVenue(e.getKey())) {
                bare.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        String venue = settings.defaultVenue();
        for (Map.Entry<String, Position> e : bare) {
            Position moved = Records.copy(e.getValue(), new Position());
            moved.setVenue(venue);
            positions.remove(e.getKey());
            positions.put(Keys.instrument(venue, e.getKey()), moved);
        }
    }

    /** A book on the heap alone (tests, tools). */
    public static InventoryBook onHeap(PipelineSettings settings) {
        return new InventoryBook(Cell.onHeap(), new HeapTable<>(null), new HeapTable<>(null), new Scratch(), settings);
    }

    // ------------------------------------------------------------------------------- reading

    /** Null until the key's first fill. */
    public InventoryMeta meta() {
        return metaCell.get();
    }

    /** Flat and nothing pending: no refresh needed until the next fill. */
    public boolean idle() {
        return positions.isEmpty() && pending.isEmpty();
    }

    /** What the book costs a cache: its positions and pending hedges, and one for the rest. */
    public int weight() {
        return positions.size() + pending.size() + 1;
    }

    public long nextTimer() {
        return nextTimer;
    }

    public void nextTimer(long at) {
        nextTimer = at;
    }

    // ----------------------------------------------------------------------------- changing

    /**
     * Applies a new fill (BUY adds, SELL subtracts, exactly), counts it against the pending hedge its
     * {@code signalId} names, re-marks the book and decides. A late fill is applied, but the book is
     * marked as of now (its latest fill, or the market), not as of the fill's old time; the signals it
     * triggers carry the fill's time.
     *
     * @param market the underlying's latest snapshot, or null
     * @param limits the limits in force for this book, and {@code limitsStamp} their {@link Limits#stamp}
     */
    public void applyFill(Trade t, MarketSnapshot market, RiskLimits limits, String limitsStamp, Output out) {
        long time = t.getEventTime().toEpochMilli();
        InventoryMeta m = metaCell.get() == null
                ? InventoryMeta.newBuilder().setProviderId(t.getProviderId()).setUnderlying(t.getInstrument().getUnderlying()).build()
                : copy(metaCell.get());
        double signed = t.getSide() == Side.BUY ? t.getQuantity() : -t.getQuantity();
        Instrument instrument = t.getInstrument();
        String symbol = instrument.getSymbol();
        String venue = t.getVenue();
        String key = Keys.instrument(venue, symbol);
        long markTimeBefore = market == null ? Math.max(m.getLastEventTime(), time)
                : Math.max(Math.max(m.getLastEventTime(), time), market.getAsOf());
        Position p = positions.get(key);
        Position next = p == null
                ? Position.newBuilder().setInstrument(instrument).setQuantity(Exact.ZERO).setCashFlow(Exact.ZERO)
                        .setFees(Exact.ZERO).setFills(0).setLastEventTime(time).setVenue(venue).build()
                : Records.copy(p, new Position());
        next.setQuantity(Exact.plus(next.getQuantity(), signed));
        next.setCashFlow(Exact.plusProduct(next.getCashFlow(), -signed, t.getPrice()));
        if (t.getFee() != null) {
            next.setFees(Exact.plus(next.getFees(), t.getFee()));
        }
        next.setFills(next.getFills() + 1);
        next.setLastEventTime(Math.max(next.getLastEventTime(), time));
        double fee = t.getFee() == null ? 0 : t.getFee();
        double realized;
        if (instrument.getInverse()) {
            InversePositionPnl pnl = (p == null ? InversePositionPnl.flat(instrument.getContractValue())
                    : BookSummaries.inversePnl(p)).apply(signed, t.getPrice(), fee);
            next.setAverageEntry(pnl.averageEntry());
            next.setRealizedPnl(pnl.realized());
            next.setRealizedCoin(pnl.realizedCoin());
            realized = pnl.realized();
        } else {
            PositionPnl pnl = (p == null ? PositionPnl.flat(instrument.getMultiplier()) : BookSummaries.pnl(p))
                    .apply(signed, t.getPrice(), fee);
            next.setAverageEntry(pnl.averageEntry());
            next.setRealizedPnl(pnl.realized());
            realized = pnl.realized();
        }
        // The explain's interval ends before the fill: the old positions re-marked at the new market. Read off
        // the mark after the fill (the filled position taken back to its old quantity) unless the fill closes
        // the position, which that mark no longer holds, or is of an inverse contract (whose value is not in
        // proportion to its quantity): then marked here, before the fill is applied.
        boolean markedBefore = Exact.isZero(next.getQuantity()) || instrument.getInverse();
        PnlExplain beforeFill = settings.portfolioEnabled() && markedBefore ? explainTo(market, markTimeBefore) : null;
        fillingBefore = settings.portfolioEnabled() ? held.get(key) : null;
        if (Exact.isZero(next.getQuantity())) {
            m.setClosedRealizedPnl(m.getClosedRealizedPnl() + realized);
            m.setClosedFees(m.getClosedFees() + Exact.toDouble(next.getFees()));
            removePosition(key); // flat: no risk left to carry
        } else {
            positions.put(key, next);
            hold(key, next);
        }

        if (t.getSignalId() != null) {
            PendingHedge h = pending.get(t.getSignalId());
            // Only a fill of the hedge's own venue:symbol executes it.
            if (h != null && HedgeInstrument.filledBy(h.getInstrument(), venue, symbol)) {
                double remaining = h.getRemaining() - signed;
                // Filled (or overfilled), up to the rounding of the router's quantities.
                if (Math.abs(remaining) <= FILLED_TOLERANCE * Math.abs(h.getRemaining())
                        || Math.signum(remaining) != Math.signum(h.getRemaining())) {
                    pending.remove(t.getSignalId());
                } else {
                    PendingHedge left = Records.copy(h, new PendingHedge());
                    left.setRemaining(remaining);
                    pending.put(t.getSignalId(), left);
                }
            }
        }
        m.setLastEventTime(Math.max(m.getLastEventTime(), time));
        m.setLastFillVenue(venue);
        long markTime = market == null ? m.getLastEventTime() : Math.max(m.getLastEventTime(), market.getAsOf());
        filling = instrument;
        fillingKey = key;
        fillingQuantity = signed;
        fillingMarkedBefore = markedBefore;
        try {
            evaluate(m, market, limits, limitsStamp, markTime, time, true, beforeFill, out);
        } finally {
            filling = null;
            fillingBefore = null;
        }
        write(m);
    }

    /**
     * Re-marks the book and decides again if anything it depends on changed since it was last marked:
     * the market snapshot, the limits, a pending hedge's timeout, an option's expiry. Judged as of the
     * latest of the book's last fill, the market's time and {@code watermark} (ignored before the first
     * and at the end of input).
     *
     * @return whether the book was re-marked (and its records written)
     */
    public boolean refresh(long watermark, MarketSnapshot market, RiskLimits limits, String limitsStamp, Output out) {
        InventoryMeta current = metaCell.get();
        if (current == null) {
            return false;
        }
        long now = eventTimeNow(watermark, current, market);
        boolean changed = expirePending(now) | purgeExpiredOptions(now, market);
        if (market != null && market.getVersion() != current.getMarketVersion()) {
            changed = true;
        }
        if (!limitsStamp.equals(current.getLimitsStamp())) {
            changed = true;
        }
        if (changed) {
            InventoryMeta m = copy(current);
            m.setClosedRealizedPnl(m.getClosedRealizedPnl() + purgedRealized);
            m.setClosedFees(m.getClosedFees() + purgedFees);
            purgedRealized = 0;
            purgedFees = 0;
            evaluate(m, market, limits, limitsStamp, now, now, false, null, out);
            write(m);
        }
        return changed;
    }

    private void write(InventoryMeta m) {
        m.setNextTimer(nextTimer);
        metaCell.set(m);
    }

    /**
     * Marks the book as of {@code asOf} against {@code market}, emits its {@code RiskSnapshot} and
     * decides the signals, which carry {@code triggerTime}, the event time of the input that caused it.
     */
    private void evaluate(InventoryMeta m, MarketSnapshot market, RiskLimits limits, String limitsStamp, long asOf,
                          long triggerTime, boolean fill, PnlExplain beforeFill, Output out) {
        BookRisk risk = scratch.risk;
        m.setMarketVersion(market == null ? -1 : market.getVersion());
        m.setLimitsStamp(limitsStamp);

        BookSummaries summaries = !settings.portfolioEnabled() ? null
                : new BookSummaries(fill && filling != null && filling.getKind() == InstrumentKind.OPTION ? fillingKey : null,
                        held.size());
        scratch.calculator.compute(held, market, asOf, risk, summaries);
        if (summaries != null) {
            summarize(m, risk, summaries, asOf, fill, beforeFill, out);
        }
        double pendingDelta = pendingDelta(asOf);
        Instant at = Instant.ofEpochMilli(triggerTime);
        m.setSnapshotSequence(m.getSnapshotSequence() + 1);
        out.risk(RiskSnapshot.newBuilder()
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
                .setAsOf(Instant.ofEpochMilli(asOf))
                .setSequence(m.getSnapshotSequence())
                .setByExpiry(risk.byExpiry())
                .build());

        limitSignal(m, risk, SignalType.GAMMA_LIMIT, risk.dollarGamma(), limits.getGammaLimit(), at, out);
        limitSignal(m, risk, SignalType.VEGA_LIMIT, risk.vega, limits.getVegaLimit(), at, out);
        if (limits.getOptionHedge() && optionHedge(m, risk, market, limits, asOf, at, out)) {
            pendingDelta = pendingDelta(asOf); // the option legs' delta enters the delta decision
        }
        deltaHedge(m, risk, market, limits, pendingDelta, asOf, at, out);
        quoteSkew(m, risk, market, limits, at, out);
    }

    /**
     * @param asOf the event time the book is marked at: the hedge's timeout counts from it (not from the
     *             key's last fill, which may be long past when a refresh decides the hedge)
     */
    private void deltaHedge(InventoryMeta m, BookRisk risk, MarketSnapshot market, RiskLimits limits,
                            double pendingDelta, long asOf, Instant at, Output out) {
        double band = SignalRules.band(limits, risk);
        double effective = risk.netDelta + pendingDelta;
        out.deltaToBand(Math.abs(effective - limits.getDeltaTarget()) / band);
        String instrument = HedgeInstrument.resolve(limits.getHedgeInstrument(), m.getUnderlying(), m.getLastFillVenue(),
                settings.defaultVenue(), market == null ? null : market.getLinear());
        String symbol = Keys.symbolOf(instrument);
        LinearMark hedgeMark = market == null ? null : Keys.lookup(market.getLinear(), instrument, symbol);
        // The hedge instrument's kind is learned from its quotes: an inverse one hedges cv/P per contract.
        boolean inverse = hedgeMark != null && hedgeMark.getInverse() && hedgeMark.getContractValue() != null;
        double deltaPerContract = hedgeMark == null ? 1.0
                : inverse ? hedgeMark.getContractValue() / hedgeMark.getMid() : hedgeMark.getMultiplier();
        double contracts = SignalRules.hedgeContracts(effective, limits, band, deltaPerContract);
        Double residual = null;
        if (inverse && contracts != 0) {
            double whole = SignalRules.wholeContracts(contracts);
            residual = limits.getDeltaTarget() - effective - whole * deltaPerContract;
            contracts = whole != 0 && Math.abs(whole) >= limits.getMinHedgeQuantity() ? whole : 0;
        }
        if (contracts == 0) {
            return;
        }
        double deviation = effective - limits.getDeltaTarget();
        String id = nextSignalId(m, SignalType.DELTA_HEDGE);
        pending.put(id, PendingHedge.newBuilder().setInstrument(instrument).setRemaining(contracts)
                .setDeltaPerContract(deltaPerContract).setExpiresAt(asOf + limits.getHedgeTimeoutMs())
                .setKind(PendingKind.DELTA).build());
        out.signal(signal(m, risk, id, SignalType.DELTA_HEDGE, SignalStatus.ACTION, band,
                Math.abs(deviation) > 2 * band ? Urgency.HIGH : Urgency.NORMAL,
                new Reason().text("effective delta ").num(effective, 6).text(" (net ").num(risk.netDelta, 6)
                        .text(", pending ").num(pendingDelta, 6).text(") is ").num(deviation, 6)
                        .text(" from target ").num(limits.getDeltaTarget(), 6).text(", outside band ").num(band, 6)
                        .text(contracts > 0 ? ": BUY " : ": SELL ").num(Math.abs(contracts), 6).text(" " + instrument)
                        .text(residual == null ? "" : new Reason().text(" (inverse, ").num(hedgeMark.getContractValue(), 6)
                                .text(" USD per contract at ").num(hedgeMark.getMid(), 8).text(": whole contracts, residual delta ")
                                .num(residual, 8).text(")").toString()).toString(), at)
                .setResidualDelta(residual)
                .setInstrument(symbol)
                .setVenue(Keys.venueOf(instrument))
                .setSide(contracts > 0 ? Side.BUY : Side.SELL)
                .setQuantity(Math.abs(contracts))
                .build());
    }

    /**
     * GAMMA_HEDGE / VEGA_HEDGE ({@link OptionHedgeRule}): decides the option hedge of the book, stores each
     * leg as a pending hedge with its greeks per contract and emits one signal per leg.
     *
     * @return whether a hedge was decided
     */
    private boolean optionHedge(InventoryMeta m, BookRisk risk, MarketSnapshot market, RiskLimits limits, long asOf,
                                Instant at, Output out) {
        OptionHedgeLimits hedgeLimits = OptionHedgeLimits.of(limits);
        OptionHedgeRule.Book book = OptionHedgeRule.Book.of(m.getUnderlying(), risk, asOf);
        List<PendingOptionHedge> pendingHedges = pendingHedges();
        // First without the chain: off, within limits, pending or no S end there, before any option is priced.
        OptionHedgeRule.Decision d = OptionHedgeRule.decide(book, List.of(), hedgeLimits, pendingHedges);
        if (d.outcome() != OptionHedgeRule.Outcome.NO_CANDIDATE || market == null) {
            return false;
        }
        d = OptionHedgeRule.decide(book, chain(market), hedgeLimits, pendingHedges);
        if (d.outcome() != OptionHedgeRule.Outcome.HEDGE) {
            return false;
        }
        for (OptionHedgeRule.Leg leg : d.legs()) {
            boolean gamma = leg.kind() == HedgeKind.GAMMA;
            SignalType type = gamma ? SignalType.GAMMA_HEDGE : SignalType.VEGA_HEDGE;
            double value = gamma ? book.dollarGamma(d.gamma()) : d.vega();
            double limit = gamma ? limits.getGammaLimit() : limits.getVegaLimit();
            String id = nextSignalId(m, type);
            pending.put(id, PendingHedge.newBuilder().setInstrument(leg.instrument()).setRemaining(leg.quantity())
                    .setDeltaPerContract(leg.option().deltaPerContract()).setExpiresAt(asOf + limits.getHedgeTimeoutMs())
                    .setKind(gamma ? PendingKind.GAMMA : PendingKind.VEGA)
                    .setGammaPerContract(leg.option().gammaPerContract())
                    .setVegaPerContract(leg.option().vegaPerContract())
                    .build());
            out.signal(signal(m, risk, id, type, SignalStatus.ACTION, limit,
                    Math.abs(value) > 1.5 * limit ? Urgency.HIGH : Urgency.NORMAL, d.reason(), at)
                    .setInstrument(Keys.symbolOf(leg.instrument()))
                    .setVenue(Keys.venueOf(leg.instrument()))
                    .setSide(leg.side())
                    .setQuantity(Math.abs(leg.quantity()))
                    .build());
        }
        return true;
    }

    /** The book's pending hedges, every kind, as the option-hedge rule reads them. */
    private List<PendingOptionHedge> pendingHedges() {
        List<PendingOptionHedge> out = new ArrayList<>(pending.size());
        for (Map.Entry<String, PendingHedge> e : pending.entries()) {
            PendingHedge h = e.getValue();
            out.add(new PendingOptionHedge(e.getKey(), HedgeKind.valueOf(h.getKind().name()), h.getInstrument(),
                    h.getRemaining(), h.getDeltaPerContract(), h.getGammaPerContract(), h.getVegaPerContract(),
                    h.getExpiresAt()));
        }
        return out;
    }

    /** The options of the market snapshot with their terms (an option of a snapshot without them is left out). */
    private static List<HedgeCandidate> chain(MarketSnapshot market) {
        List<HedgeCandidate> out = new ArrayList<>(market.getOptions().size());
        for (Map.Entry<String, OptionIv> e : market.getOptions().entrySet()) {
            OptionIv o = e.getValue();
            if (o.getStrike() == null || o.getExpiry() == null || o.getCall() == null) {
                continue;
            }
            out.add(HedgeCandidate.of(e.getKey(), market.getUnderlying(), o.getCall(), o.getStrike(), o.getExpiry(),
                    o.getMultiplier(), o.getBid(), o.getAsk(), o.getIv(), o.getForward()));
        }
        return out;
    }

    private void limitSignal(InventoryMeta m, BookRisk risk, SignalType type, double value, Double limit, Instant at,
                             Output out) {
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
        out.signal(signal(m, risk, nextSignalId(m, type), type, breached ? SignalStatus.BREACH : SignalStatus.CLEARED, threshold,
                breached ? (Math.abs(value) > 1.5 * threshold ? Urgency.HIGH : Urgency.NORMAL) : Urgency.LOW, reason, at).build());
    }

    private void quoteSkew(InventoryMeta m, BookRisk risk, MarketSnapshot market, RiskLimits limits, Instant at, Output out) {
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
        out.signal(signal(m, risk, nextSignalId(m, SignalType.QUOTE_SKEW), SignalType.QUOTE_SKEW, SignalStatus.ACTION,
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

    private static RebalanceSignal.Builder signal(InventoryMeta m, BookRisk risk, String id, SignalType type,
                                                  SignalStatus status, double threshold, Urgency urgency, String reason,
                                                  Instant at) {
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

    /** The next id from the key's sequence in state: never reused. */
    private static String nextSignalId(InventoryMeta m, SignalType type) {
        long seq = m.getSignalSequence() + 1;
        m.setSignalSequence(seq);
        return Keys.signal(m.getProviderId(), m.getUnderlying(), type, seq);
    }

    // ------------------------------------------------------------------------------ portfolio

    /** The explain of the old positions from the last mark to {@code asOf} at {@code market}; null when none. */
    private PnlExplain explainTo(MarketSnapshot market, long asOf) {
        if (lastMark == null || held.size() == 0) {
            return null;
        }
        BookSummaries before = new BookSummaries(null, held.size());
        scratch.calculator.compute(held, market, asOf, scratch.before, before);
        BookMark mark = before.mark(asOf, scratch.before);
        return mark != null && samePositions(lastMark, mark) && mark.asOf() >= lastMark.asOf()
                ? PnlExplain.between(lastMark, mark) : null;
    }

    /** Sends the book's summary: P&amp;L, values, the explain since the last mark, the scenario column when due. */
    private void summarize(InventoryMeta m, BookRisk risk, BookSummaries s, long asOf, boolean fill,
                           PnlExplain beforeFill, Output out) {
        BookMark mark = s.mark(asOf, risk);
        PnlExplain piece = fill && filling != null && !fillingMarkedBefore ? explainBeforeFill(mark) : beforeFill;
        if (!fill && lastMark != null && mark != null && samePositions(lastMark, mark) && asOf >= lastMark.asOf()) {
            piece = PnlExplain.between(lastMark, mark);
        }
        lastMark = mark;
        ScenarioSet changed = null;
        byte[] fillForm = null;
        if (!(risk.referencePrice > 0) || !Double.isFinite(risk.referencePrice)) {
            setSent = false; // the portfolio drops the set of an unpriced book: the next priced mark sends one
        } else {
            long wall = scratch.wallClock == Long.MIN_VALUE ? asOf : scratch.wallClock;
            boolean rebuild = !setSent || wall >= columnAtWall + settings.scenarioIntervalMs()
                    || wall < columnAtWall || asOf < columnAt;
            if (!rebuild && fill) {
                fillForm = fillForm(s, risk);
                rebuild = fillForm == null;
            }
            if (rebuild) {
                changed = ScenarioSet.of(s.positions(m.getUnderlying(), risk), settings.scenarioAxes(),
                        settings.liquidationSearch());
                columnAt = asOf;
                columnAtWall = wall;
                setSent = true;
            }
        }
        out.summary(s.summary(m.getProviderId(), m.getUnderlying(), asOf, fill, risk, m.getClosedRealizedPnl(),
                m.getClosedFees(), piece, asOf, changed, fillForm, columnAt));
    }

    /**
     * The fill being applied in the scenario set's fill form, at this mark: an option at its forward, τ and
     * vol now, a linear instrument as q·m·S of exposure (an inverse one as q·cv).
     *
     * @return null when it cannot be (an option not priced at this mark): the set is then rebuilt
     */
    private byte[] fillForm(BookSummaries s, BookRisk risk) {
        if (filling == null) {
            return null;
        }
        if (filling.getKind() != InstrumentKind.OPTION) {
            // An inverse contract moves like q·cv/S units of underlying: q·cv USD of exposure.
            return ScenarioSet.linearFill(filling.getInverse() ? fillingQuantity * filling.getContractValue()
                    : fillingQuantity * filling.getMultiplier() * risk.referencePrice);
        }
        OptionPosition now = s.watched();
        if (now == null) {
            return null;
        }
        return ScenarioSet.optionFill(new OptionPosition(now.call(), now.strike(), now.timeToExpiry(), fillingQuantity,
                now.multiplier(), now.forward(), now.vol()), risk.rate);
    }

    /**
     * The explain of the interval that ended with the fill being applied, read off {@code after}, the mark
     * after it: the positions other than the filled one are marked as they were held through the interval
     * (same market, same time), and the filled one is taken back to its old quantity — its option greeks and
     * value in proportion, a linear position's value as q·m·(mark − its old average entry) — or left out when
     * it is new. Null when {@code after} could not mark every position (a fill of an instrument that cannot
     * be priced also leaves its interval unexplained) or the interval does not follow the last mark.
     */
    private PnlExplain explainBeforeFill(BookMark after) {
        if (after == null || lastMark == null) {
            return null;
        }
        String symbol = fillingKey;
        double before = fillingBefore == null ? 0 : fillingBefore.quantity;
        List<PositionMark> positions = new ArrayList<>(after.positions().size());
        for (PositionMark x : after.positions()) {
            if (!x.key().equals(symbol)) {
                positions.add(x);
            } else if (before != 0) {
                double r = before / x.quantity();
                if (filling.getKind() == InstrumentKind.OPTION) {
                    positions.add(new PositionMark(x.key(), before, x.price(), x.value() * r, x.delta() * r,
                            x.gamma() * r, x.vega() * r, x.theta() * r, x.vol()));
                } else {
                    double m = filling.getMultiplier();
                    double value = filling.getKind() == InstrumentKind.SPOT ? x.value() * r
                            : before * m * (x.price() - fillingBefore.pnl().averageEntry());
                    positions.add(PositionMark.linear(x.key(), before, m, x.price(), value));
                }
            }
        }
        BookMark mark = new BookMark(after.asOf(), after.referencePrice(), positions);
        return samePositions(lastMark, mark) && mark.asOf() >= lastMark.asOf() ? PnlExplain.between(lastMark, mark) : null;
    }

    /** Whether two marks hold the same positions in the same quantities (an interval the explain can read). */
    static boolean samePositions(BookMark a, BookMark b) {
        if (a.positions().size() != b.positions().size()) {
            return false;
        }
        for (int i = 0; i < a.positions().size(); i++) {
            PositionMark x = a.positions().get(i);
            PositionMark y = b.positions().get(i);
            if (!x.key().equals(y.key()) || x.quantity() != y.quantity()) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------ helpers

    private double pendingDelta(long asOf) {
        double sum = 0;
        for (PendingHedge h : pending.values()) {
            if (h.getExpiresAt() > asOf) {
                sum += h.getRemaining() * h.getDeltaPerContract();
            }
        }
        return sum;
    }

    /** Removes pending hedges whose timeout has passed; true when any was removed. */
    private boolean expirePending(long now) {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, PendingHedge> e : pending.entries()) {
            if (e.getValue().getExpiresAt() <= now) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            pending.remove(id);
        }
        return !expired.isEmpty();
    }

    /**
     * Removes option positions past their expiry, settling their P&amp;L at intrinsic value against S (0 without
     * one); true when any was removed.
     */
    private boolean purgeExpiredOptions(long now, MarketSnapshot market) {
        if (firstExpiry > now) {
            return false;
        }
        List<String> expired = new ArrayList<>();
        for (int i = 0; i < held.size(); i++) {
            if (held.get(i).optionExpiry <= now) {
                expired.add(held.get(i).key);
            }
        }
        Double s = market == null ? null : market.getReferencePrice();
        for (String key : expired) {
            Position p = positions.get(key);
            Instrument ins = p.getInstrument();
            double intrinsic = s == null ? 0
                    : Math.max(0, ins.getRight() == io.ballast.avro.OptionRight.CALL ? s - ins.getStrike() : ins.getStrike() - s);
            PositionPnl pnl = BookSummaries.pnl(p);
            purgedRealized += pnl.realized() + pnl.unrealized(intrinsic);
            purgedFees += pnl.fees();
            removePosition(key);
        }
        return !expired.isEmpty();
    }

    /** The event time a refresh is judged at: the latest of the key's last fill, the market and the watermark. */
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

    private void hold(String key, Position p) {
        held.put(key, p);
        firstExpiry = Math.min(firstExpiry, optionExpiry(p.getInstrument()));
    }

    private void removePosition(String key) {
        positions.remove(key);
        Holdings.Held gone = held.remove(key);
        if (gone != null && gone.optionExpiry == firstExpiry) {
            firstExpiry = held.firstExpiry();
        }
    }

    private static long optionExpiry(Instrument ins) {
        return ins.getKind() == InstrumentKind.OPTION ? ins.getExpiry().toEpochMilli() : Long.MAX_VALUE;
    }

    /** A copy to change: the stored record is never changed in place. */
    static InventoryMeta copy(InventoryMeta m) {
        return Records.copy(m, new InventoryMeta());
    }
}
