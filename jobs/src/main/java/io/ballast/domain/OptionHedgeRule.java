package io.ballast.domain;

import io.ballast.avro.Side;
import io.ballast.quant.Greeks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * GAMMA_HEDGE / VEGA_HEDGE (issue 14; CONTRACT.md, "GAMMA_HEDGE / VEGA_HEDGE"): which option
 * brings a book's gamma or vega back inside its limit, and how many contracts. A pure function of the
 * book's greeks, the options its market offers, the limits and the option hedges still pending: no state,
 * no Flink. {@code InventoryBook.evaluate} calls {@link #decide} after the limit alarms and before the delta
 * hedge, stores each leg as a pending hedge ({@link Leg#pending}) and emits one signal per leg; the delta
 * decision then counts the legs' delta as pending, like a perpetual hedge's.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li><b>Effective greeks.</b> Γe = Γ_book + Σ pending option hedges' gamma, Ve likewise with vega (live
 *   ones: {@code expiresAt} after {@code asOf}). Gamma is over when |Γe·S²/100| &gt; gammaLimit, vega when
 *   |Ve| &gt; vegaLimit. Neither over: nothing. Any option hedge still pending: nothing (no second hedge for
 *   the same breach).</li>
 *   <li><b>Candidates</b> ({@link #screen}): same underlying; a two-sided quote (0 &lt; bid ≤ ask); an IV;
 *   days to expiry (expiry − asOf)/86,400,000 in [hedgeMinDays, hedgeMaxDays]; forward delta N(d1)
 *   (call) or N(d1) − 1 (put) with |·| in [0.25, 0.75]; spread in vol points (ask − bid)/vega ≤
 *   hedgeMaxSpreadVolPts, vega per contract per vol point. Greeks: Black-76 on the option's forward (else
 *   S) at its IV, discount e^{−rτ}, per contract (× multiplier).</li>
 *   <li><b>Targets.</b> gamma: sign(Γe)·hedgeToFraction·gammaLimit·100/S² (the limit is on dollar gamma);
 *   vega: sign(Ve)·hedgeToFraction·vegaLimit.</li>
 *   <li><b>Gamma only over</b>: the candidate with the least half-spread cost per unit of |gamma|,
 *   ((ask − bid)/2)/|Γ_option| (ties: the larger |Γ_option|, then the symbol), q = (target − Γe)/Γ_option.
 *   <b>Vega only over</b>: the same with vega.</li>
 *   <li><b>Both over</b>: a gamma leg, the best gamma candidate among those expiring before the latest
 *   candidate expiry, and a vega leg, the best vega candidate among those expiring after the gamma leg;
 *   solve Γ1·q1 + Γ2·q2 = targetΓ − Γe, V1·q1 + V2·q2 = targetV − Ve. Ill-conditioned when
 *   |det| &lt; {@value #MIN_RELATIVE_DETERMINANT}·(|Γ1·V2| + |Γ2·V1|) (det = Γ1·V2 − Γ2·V1): then, and when
 *   there is no such pair or a leg rounds to less than a lot, the gamma hedge alone, and the reason says
 *   why.</li>
 *   <li><b>Lots.</b> Each leg is rounded toward zero to a whole number of minHedgeQuantity (never past the
 *   target); a leg under one lot is not signalled.</li>
 * </ol>
 *
 * <p>Why the determinant test is relative: for Black-76 Γ/V = 100/(F²·σ·τ), so with one forward
 * |det|/(|Γ1V2| + |Γ2V1|) = |σ2τ2 − σ1τ1|/(σ2τ2 + σ1τ1): it measures how far apart the two options sit in
 * σ·τ whatever the size of the book, and the legs grow like its inverse. Below 0.1 (the vega leg's σ·τ
 * less than 1.22 times the gamma leg's) the two legs are large and of opposite sign, and the spread paid
 * for them is many times that of a single hedge: gamma alone is the safer order.
 */
public final class OptionHedgeRule {

    /** Forward-delta window of a candidate, in absolute value. */
    public static final double MIN_ABS_FORWARD_DELTA = 0.25;
    public static final double MAX_ABS_FORWARD_DELTA = 0.75;
    /** |det| / (|Γ1·V2| + |Γ2·V1|) below this: the 2×2 system is ill-conditioned. */
    public static final double MIN_RELATIVE_DETERMINANT = 0.1;
    /** A quantity within this fraction of a lot below a whole number of lots is that number (rounding noise). */
    static final double LOT_TOLERANCE = 1e-9;
    static final double MILLIS_PER_DAY = 86_400_000.0;

    private OptionHedgeRule() {
    }

    /** The book as the rule needs it: its underlying, S, the rate, the time it is marked at, its gamma and vega. */
    public record Book(String underlying, double referencePrice, double rate, long asOf, double gamma, double vega) {
        public static Book of(String underlying, BookRisk risk, long asOf) {
            return new Book(underlying, risk.referencePrice, risk.rate, asOf, risk.gamma, risk.vega);
        }

        /** Γ·S²/100 of a gamma in the book's units. */
        public double dollarGamma(double gamma) {
            return gamma * referencePrice * referencePrice / 100.0;
        }
    }

    /** The delta, gamma and vega of the live pending option hedges. */
    public record Exposure(double delta, double gamma, double vega) {
        public static final Exposure NONE = new Exposure(0, 0, 0);
    }

    /** Why an option is not a candidate. */
    public enum Exclusion {
        OTHER_UNDERLYING,
        NO_TWO_SIDED_QUOTE,
        NO_IV,
        EXPIRY_OUTSIDE_WINDOW,
        DELTA_OUTSIDE_WINDOW,
        SPREAD_TOO_WIDE
    }

    /** A candidate with what the rule computed of it; greeks per contract. */
    public record Priced(HedgeCandidate option, double days, double forwardDelta, double deltaPerContract,
                         double gammaPerContract, double vegaPerContract, double halfSpread, double spreadVolPts) {

        /** Half-spread cost per unit of |gamma| (the smaller, the better the gamma hedge). */
        public double gammaCost() {
            return halfSpread / Math.abs(gammaPerContract);
        }

        /** Half-spread cost per unit of |vega|. */
        public double vegaCost() {
            return halfSpread / Math.abs(vegaPerContract);
        }

        double per(HedgeKind kind) {
            return kind == HedgeKind.GAMMA ? gammaPerContract : vegaPerContract;
        }

        double cost(HedgeKind kind) {
            return kind == HedgeKind.GAMMA ? gammaCost() : vegaCost();
        }
    }

    /** One order of an option hedge. */
    public record Leg(HedgeKind kind, Priced option, double quantity, double unrounded) {
        public String instrument() {
            return option.option().symbol();
        }

        public Side side() {
            return quantity > 0 ? Side.BUY : Side.SELL;
        }

        public double delta() {
            return quantity * option.deltaPerContract();
        }

        public double gamma() {
            return quantity * option.gammaPerContract();
        }

        public double vega() {
            return quantity * option.vegaPerContract();
        }

        /** The pending hedge to store under the signal's id, counting until {@code expiresAt}. */
        public PendingOptionHedge pending(String signalId, long expiresAt) {
            return new PendingOptionHedge(signalId, kind, instrument(), quantity, option.deltaPerContract(),
                    option.gammaPerContract(), option.vegaPerContract(), expiresAt);
        }
    }

    public enum Outcome {
        /** {@code optionHedge} is off. */
        OFF,
        /** No reference price: dollar gamma is not measurable. */
        NO_REFERENCE_PRICE,
        WITHIN_LIMITS,
        /** Over a limit, but an option hedge is pending. */
        PENDING,
        NO_CANDIDATE,
        /** The hedge is smaller than one lot. */
        BELOW_ONE_LOT,
        HEDGE
    }

    /**
     * What the rule decided.
     *
     * @param gamma the effective gamma Γe (book + pending), {@code vega} likewise
     * @param gammaTarget the gamma target (book units), NaN when gamma is not over; {@code vegaTarget} likewise
     * @param fallback a 2×2 hedge was wanted and the gamma hedge alone was decided
     */
    public record Decision(Outcome outcome, List<Leg> legs, String reason, double referencePrice, double gamma,
                           double vega, boolean gammaOver, boolean vegaOver, double gammaTarget, double vegaTarget,
                           boolean fallback) {

        public double gammaAfter() {
            double g = gamma;
            for (Leg l : legs) {
                g += l.gamma();
            }
            return g;
        }

        public double vegaAfter() {
            double v = vega;
            for (Leg l : legs) {
                v += l.vega();
            }
            return v;
        }

        public double dollarGammaAfter() {
            return gammaAfter() * referencePrice * referencePrice / 100.0;
        }

        public double deltaOfLegs() {
            double d = 0;
            for (Leg l : legs) {
                d += l.delta();
            }
            return d;
        }
    }

    // ------------------------------------------------------------------------------ pending

    /** The delta, gamma and vega of the pending hedges live at {@code asOf}. */
    public static Exposure pending(Collection<PendingOptionHedge> pending, long asOf) {
        double d = 0;
        double g = 0;
        double v = 0;
        for (PendingOptionHedge h : pending) {
            if (h.live(asOf)) {
                d += h.delta();
                g += h.gamma();
                v += h.vega();
            }
        }
        return new Exposure(d, g, v);
    }

    /**
     * The effective delta of the delta decision: netDelta + the pending delta hedges + the delta of the
     * pending option hedges (live at {@code asOf}).
     */
    public static double effectiveDelta(double netDelta, double pendingDeltaHedges,
                                        Collection<PendingOptionHedge> pendingOptionHedges, long asOf) {
        return netDelta + pendingDeltaHedges + pending(pendingOptionHedges, asOf).delta();
    }

    // ---------------------------------------------------------------------------- candidates

    /**
     * Whether {@code c} may hedge {@code book}: null when it may, else the first rule it breaks, checked in
     * the order of {@link Exclusion}. {@code scratch} receives its Black-76 greeks per unit when priced.
     */
    public static Exclusion screen(HedgeCandidate c, Book book, OptionHedgeLimits limits, Greeks scratch) {
        return price(c, book, limits, scratch) instanceof Exclusion e ? e : null;
    }

    /** The candidates among {@code chain}, priced, in the order of their symbols. */
    public static List<Priced> candidates(Collection<HedgeCandidate> chain, Book book, OptionHedgeLimits limits) {
        Greeks scratch = new Greeks();
        List<Priced> out = new ArrayList<>();
        for (HedgeCandidate c : chain) {
            if (price(c, book, limits, scratch) instanceof Priced p) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing(p -> p.option().symbol()));
        return out;
    }

    /** A {@link Priced} candidate, or the {@link Exclusion} that rules it out. */
    private static Object price(HedgeCandidate c, Book book, OptionHedgeLimits limits, Greeks g) {
        if (!c.underlying().equals(book.underlying())) {
            return Exclusion.OTHER_UNDERLYING;
        }
        if (!c.twoSided()) {
            return Exclusion.NO_TWO_SIDED_QUOTE;
        }
        if (!(c.iv() > 0) || !Double.isFinite(c.iv())) {
            return Exclusion.NO_IV;
        }
        double days = (c.expiry() - book.asOf()) / MILLIS_PER_DAY;
        if (!(days >= limits.hedgeMinDays() && days <= limits.hedgeMaxDays()) || !(days > 0)) {
            return Exclusion.EXPIRY_OUTSIDE_WINDOW;
        }
        double forward = Double.isNaN(c.forward()) ? book.referencePrice() : c.forward();
        if (!(forward > 0) || !Double.isFinite(forward) || !(c.strike() > 0) || !(c.multiplier() > 0)) {
            return Exclusion.NO_IV; // cannot be priced: as good as no IV
        }
        double tau = Pricing.timeToExpiry(c.expiry(), book.asOf());
        double df = Math.exp(-book.rate() * tau);
        Pricing.greeks(c.call(), forward, c.strike(), tau, c.iv(), df, g);
        double forwardDelta = g.delta() / df; // N(d1) or N(d1) − 1: undiscounted
        if (!(Math.abs(forwardDelta) >= MIN_ABS_FORWARD_DELTA && Math.abs(forwardDelta) <= MAX_ABS_FORWARD_DELTA)) {
            return Exclusion.DELTA_OUTSIDE_WINDOW;
        }
        double vega = g.vega() * c.multiplier();
        double spreadVolPts = (c.ask() - c.bid()) / vega;
        if (!(vega > 0) || !(spreadVolPts <= limits.hedgeMaxSpreadVolPts())) {
            return Exclusion.SPREAD_TOO_WIDE;
        }
        return new Priced(c, days, forwardDelta, g.delta() * c.multiplier(), g.gamma() * c.multiplier(), vega,
                c.halfSpread(), spreadVolPts);
    }

    /** The best candidate to move {@code kind}: least half-spread per unit, then the larger greek, then the symbol. */
    static Priced best(List<Priced> candidates, HedgeKind kind) {
        Priced best = null;
        for (Priced p : candidates) {
            if (!(Math.abs(p.per(kind)) > 0)) {
                continue;
            }
            if (best == null || better(p, best, kind)) {
                best = p;
            }
        }
        return best;
    }

    private static boolean better(Priced a, Priced b, HedgeKind kind) {
        int byCost = Double.compare(a.cost(kind), b.cost(kind));
        if (byCost != 0) {
            return byCost < 0;
        }
        int bySize = Double.compare(Math.abs(a.per(kind)), Math.abs(b.per(kind)));
        if (bySize != 0) {
            return bySize > 0;
        }
        return a.option().symbol().compareTo(b.option().symbol()) < 0;
    }

    // ------------------------------------------------------------------------------ rounding

    /**
     * {@code q} rounded toward zero to a whole number of lots (never past the target it was solved for);
     * 0 when less than one lot. A lot of 0 rounds nothing.
     */
    public static double roundToLots(double q, double lot) {
        if (!Double.isFinite(q)) {
            return 0;
        }
        if (lot <= 0) {
            return q;
        }
        double lots = Math.floor(Math.abs(q) / lot + LOT_TOLERANCE);
        return Math.copySign(lots * lot, q);
    }

    // -------------------------------------------------------------------------------- decide

    /**
     * Decides the option hedge of {@code book} (see the class comment).
     *
     * @param chain the options of the book's underlying in its latest market snapshot
     * @param pending the book's pending option hedges (any kind other than {@link HedgeKind#DELTA}; delta
     *                hedges may be passed too: they have no gamma and no vega and do not block)
     */
    public static Decision decide(Book book, Collection<HedgeCandidate> chain, OptionHedgeLimits limits,
                                  Collection<PendingOptionHedge> pending) {
        double s = book.referencePrice();
        Exposure p = pending(pending, book.asOf());
        double gamma = book.gamma() + p.gamma();
        double vega = book.vega() + p.vega();
        if (!limits.optionHedge()) {
            return none(Outcome.OFF, "option hedge is off", book, gamma, vega, false, false);
        }
        if (!(s > 0) || !Double.isFinite(s)) {
            return none(Outcome.NO_REFERENCE_PRICE, "no reference price", book, gamma, vega, false, false);
        }
        double dollarGamma = book.dollarGamma(gamma);
        boolean gammaOver = SignalRules.breached(dollarGamma, limits.gammaLimit());
        boolean vegaOver = SignalRules.breached(vega, limits.vegaLimit());
        if (!gammaOver && !vegaOver) {
            return none(Outcome.WITHIN_LIMITS, "gamma and vega within their limits", book, gamma, vega, false, false);
        }
        for (PendingOptionHedge h : pending) {
            if (h.kind() != HedgeKind.DELTA && h.live(book.asOf())) {
                return none(Outcome.PENDING, "option hedge " + h.signalId() + " is pending", book, gamma, vega,
                        gammaOver, vegaOver);
            }
        }
        double gammaTarget = gammaOver
                ? Math.signum(gamma) * limits.hedgeToFraction() * limits.gammaLimit() * 100.0 / (s * s) : Double.NaN;
        double vegaTarget = vegaOver ? Math.signum(vega) * limits.hedgeToFraction() * limits.vegaLimit() : Double.NaN;
        List<Priced> candidates = candidates(chain, book, limits);
        Context x = new Context(book, limits, gamma, vega, gammaOver, vegaOver, gammaTarget, vegaTarget, dollarGamma);
        if (candidates.isEmpty()) {
            return x.none(Outcome.NO_CANDIDATE, x.over() + ": no option passes the filters");
        }
        if (gammaOver && vegaOver) {
            return pair(x, candidates);
        }
        HedgeKind kind = gammaOver ? HedgeKind.GAMMA : HedgeKind.VEGA;
        return single(x, candidates, kind, "");
    }

    /** The hedge of one greek with one option. */
    private static Decision single(Context x, List<Priced> candidates, HedgeKind kind, String why) {
        boolean fallback = !why.isEmpty();
        Priced best = best(candidates, kind);
        if (best == null) {
            return x.none(Outcome.NO_CANDIDATE, x.over() + why + ": no candidate moves " + name(kind));
        }
        double target = kind == HedgeKind.GAMMA ? x.gammaTarget : x.vegaTarget;
        double current = kind == HedgeKind.GAMMA ? x.gamma : x.vega;
        double q = (target - current) / best.per(kind);
        double lots = roundToLots(q, x.limits.minHedgeQuantity());
        if (lots == 0) {
            return x.none(Outcome.BELOW_ONE_LOT, x.over() + why + new Reason().text(": ").text(name(kind))
                    .text(" hedge of ").num(q, 6).text(" " + best.option().symbol()).text(" is below one lot ")
                    .num(x.limits.minHedgeQuantity(), 6).toString(), fallback);
        }
        Leg leg = new Leg(kind, best, lots, q);
        Reason r = new Reason().text(x.over()).text(why).text(": ").text(lots > 0 ? "BUY " : "SELL ").num(Math.abs(lots), 6)
                .text(" " + best.option().symbol()).text(" brings ");
        if (kind == HedgeKind.GAMMA) {
            r.text("|dollar gamma| to ").num(Math.abs(x.book.dollarGamma(x.gamma + leg.gamma())), 6)
                    .text(" (target ").num(Math.abs(x.book.dollarGamma(x.gammaTarget)), 6).text(")");
        } else {
            r.text("|vega| to ").num(Math.abs(x.vega + leg.vega()), 6).text(" (target ").num(Math.abs(x.vegaTarget), 6).text(")");
        }
        return x.hedge(List.of(leg), r.toString(), fallback);
    }

    /** Both over: a gamma leg and a later vega leg solving both targets, else the gamma hedge alone. */
    private static Decision pair(Context x, List<Priced> candidates) {
        long latest = Long.MIN_VALUE;
        for (Priced p : candidates) {
            latest = Math.max(latest, p.option().expiry());
        }
        List<Priced> early = new ArrayList<>();
        for (Priced p : candidates) {
            if (p.option().expiry() < latest) {
                early.add(p);
            }
        }
        Priced g = best(early, HedgeKind.GAMMA);
        if (g == null) {
            return single(x, candidates, HedgeKind.GAMMA, "; no two expiries for a gamma and a vega leg, gamma hedge alone");
        }
        List<Priced> late = new ArrayList<>();
        for (Priced p : candidates) {
            if (p.option().expiry() > g.option().expiry()) {
                late.add(p);
            }
        }
        Priced v = best(late, HedgeKind.VEGA);
        if (v == null) {
            return single(x, candidates, HedgeKind.GAMMA, "; no vega leg after the gamma leg, gamma hedge alone");
        }
        double a11 = g.gammaPerContract();
        double a12 = v.gammaPerContract();
        double a21 = g.vegaPerContract();
        double a22 = v.vegaPerContract();
        double b1 = x.gammaTarget - x.gamma;
        double b2 = x.vegaTarget - x.vega;
        double det = a11 * a22 - a12 * a21;
        double relative = Math.abs(det) / (Math.abs(a11 * a22) + Math.abs(a12 * a21));
        if (!(relative >= MIN_RELATIVE_DETERMINANT)) {
            return single(x, candidates, HedgeKind.GAMMA, new Reason().text("; the 2x2 system of ")
                    .text(g.option().symbol()).text(" and ").text(v.option().symbol())
                    .text(" is ill-conditioned (|det|/(|G1 V2|+|G2 V1|) = ").num(relative, 3).text(" < ")
                    .num(MIN_RELATIVE_DETERMINANT, 3).text("), gamma hedge alone").toString());
        }
        double q1 = (b1 * a22 - a12 * b2) / det;
        double q2 = (a11 * b2 - a21 * b1) / det;
        double l1 = roundToLots(q1, x.limits.minHedgeQuantity());
        double l2 = roundToLots(q2, x.limits.minHedgeQuantity());
        if (l1 == 0 || l2 == 0) {
            return single(x, candidates, HedgeKind.GAMMA, new Reason().text("; a leg of the 2x2 hedge (")
                    .num(q1, 6).text(" " + g.option().symbol()).text(", ").num(q2, 6).text(" " + v.option().symbol())
                    .text(") is below one lot, gamma hedge alone").toString());
        }
        Leg gammaLeg = new Leg(HedgeKind.GAMMA, g, l1, q1);
        Leg vegaLeg = new Leg(HedgeKind.VEGA, v, l2, q2);
        double gammaAfter = x.gamma + gammaLeg.gamma() + vegaLeg.gamma();
        double vegaAfter = x.vega + gammaLeg.vega() + vegaLeg.vega();
        String reason = new Reason().text(x.over()).text(": ")
                .text(l1 > 0 ? "BUY " : "SELL ").num(Math.abs(l1), 6).text(" " + g.option().symbol()).text(" and ")
                .text(l2 > 0 ? "BUY " : "SELL ").num(Math.abs(l2), 6).text(" " + v.option().symbol())
                .text(" bring |dollar gamma| to ").num(Math.abs(x.book.dollarGamma(gammaAfter)), 6)
                .text(" (target ").num(Math.abs(x.book.dollarGamma(x.gammaTarget)), 6)
                .text(") and |vega| to ").num(Math.abs(vegaAfter), 6)
                .text(" (target ").num(Math.abs(x.vegaTarget), 6).text(")").toString();
        return x.hedge(List.of(gammaLeg, vegaLeg), reason, false);
    }

    private static String name(HedgeKind kind) {
        return kind == HedgeKind.GAMMA ? "gamma" : "vega";
    }

    private static Decision none(Outcome outcome, String reason, Book book, double gamma, double vega,
                                 boolean gammaOver, boolean vegaOver) {
        return new Decision(outcome, List.of(), reason, book.referencePrice(), gamma, vega, gammaOver, vegaOver,
                Double.NaN, Double.NaN, false);
    }

    /** What one decision works with. */
    private record Context(Book book, OptionHedgeLimits limits, double gamma, double vega, boolean gammaOver,
                           boolean vegaOver, double gammaTarget, double vegaTarget, double dollarGamma) {

        String over() {
            Reason r = new Reason();
            if (gammaOver) {
                r.text("|dollar gamma| ").num(Math.abs(dollarGamma), 6).text(" over the limit ").num(limits.gammaLimit(), 6);
            }
            if (gammaOver && vegaOver) {
                r.text(" and ");
            }
            if (vegaOver) {
                r.text("|vega| ").num(Math.abs(vega), 6).text(" over the limit ").num(limits.vegaLimit(), 6);
            }
            return r.toString();
        }

        Decision none(Outcome outcome, String reason) {
            return none(outcome, reason, false);
        }

        Decision none(Outcome outcome, String reason, boolean fallback) {
            return new Decision(outcome, List.of(), reason, book.referencePrice(), gamma, vega, gammaOver, vegaOver,
                    gammaTarget, vegaTarget, fallback);
        }

        Decision hedge(List<Leg> legs, String reason, boolean fallback) {
            return new Decision(Outcome.HEDGE, legs, reason, book.referencePrice(), gamma, vega, gammaOver, vegaOver,
                    gammaTarget, vegaTarget, fallback);
        }
    }
}
