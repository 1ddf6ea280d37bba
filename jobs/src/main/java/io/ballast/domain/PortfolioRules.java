package io.ballast.domain;

import io.ballast.avro.SignalStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * The portfolio-level signals, decided from a provider's {@link PortfolioMargin} and limits; one BREACH
 * when a limit is crossed, one CLEARED when back within (or the limit removed), nothing in between.
 *
 * <p><b>MARGIN_USAGE</b> (limit u = maxMarginUsage, E = equity, M = margin): breached when E &gt; 0 and
 * M/E &gt; u, or E ≤ 0 and M &gt; 0. What restores it, in the reason:
 * <ul>
 *   <li>collateral to add, USD (valued at 1, e.g. USDC, so M is unchanged): M/(E + C) ≤ u ⇔
 *       <b>C = M/u − E</b>;</li>
 *   <li>the share of the worst scenario's loss to cut, equity unchanged (closing at mark moves value from
 *       positions to cash): (1 − x)·M/E ≤ u ⇔ <b>x = 1 − u·E/M</b>; with E ≤ 0 no cut suffices.</li>
 * </ul>
 * <p><b>LIQUIDATION_BUFFER</b> (limit b = minLiquidationMove): breached when |liquidationMoveDown| &lt; b or
 * liquidationMoveUp &lt; b (a null move is never within). With L = the largest loss of the moves within b
 * on the breached side(s) ({@link PortfolioMargin#bufferLossDown()}, {@code bufferLossUp()}; the larger
 * of the two when both), equity must exceed L for every move within b:
 * <ul>
 *   <li>collateral to add: E + C &gt; L ⇔ <b>C = L − E</b> (at least);</li>
 *   <li>share of that loss to cut: E &gt; (1 − x)·L ⇔ <b>x = 1 − E/L</b>; with E ≤ 0 no cut suffices.</li>
 * </ul>
 * A cut is a share of the loss, not of the positions: cutting every position by the same share x cuts
 * every cell by x only when the coin collateral's share of the loss is cut as well.
 */
public final class PortfolioRules {

    private PortfolioRules() {
    }

    /**
     * The limits the rules read (nullable: null means no such limit).
     *
     * @param maxMarginUsage &gt; 0, e.g. 0.8
     * @param minLiquidationMove &gt; 0, e.g. 0.15
     */
    public record Limits(Double maxMarginUsage, Double minLiquidationMove) {
        public Limits {
            if (maxMarginUsage != null) {
                Check.positive(maxMarginUsage, "maxMarginUsage");
            }
            if (minLiquidationMove != null) {
                Check.positive(minLiquidationMove, "minLiquidationMove");
            }
        }
    }

    /**
     * What the rules remember per provider.
     *
     * @param signalSequence the sequence of the last signal id issued (0: none yet)
     */
    public record State(boolean marginBreached, boolean bufferBreached, long signalSequence) {
        public static final State INITIAL = new State(false, false, 0);
    }

    /** The new state and the signals to emit (0 to 2, MARGIN_USAGE first). */
    public record Decision(State state, List<PortfolioSignal> signals) {
        public Decision {
            signals = List.copyOf(signals);
        }
    }

    public static boolean marginBreached(PortfolioMargin m, Double maxMarginUsage) {
        if (maxMarginUsage == null) {
            return false;
        }
        return m.equity() > 0 ? m.margin() / m.equity() > maxMarginUsage : m.margin() > 0;
    }

    public static boolean bufferBreached(PortfolioMargin m, Double minLiquidationMove) {
        return minLiquidationMove != null && (within(m.liquidationMoveDown(), minLiquidationMove)
                || within(m.liquidationMoveUp(), minLiquidationMove));
    }

    private static boolean within(Double move, double limit) {
        return move != null && Math.abs(move) < limit;
    }

    /** C = M/u − E: USD collateral that brings margin usage back to the limit. */
    public static double marginCollateralToAdd(double equity, double margin, double maxMarginUsage) {
        return margin / maxMarginUsage - equity;
    }

    /** x = 1 − u·E/M: share of the worst scenario's loss to cut; NaN when E ≤ 0 or M = 0. */
    public static double marginShareToCut(double equity, double margin, double maxMarginUsage) {
        return equity > 0 && margin > 0 ? 1 - maxMarginUsage * equity / margin : Double.NaN;
    }

    /** C = L − E: USD collateral for equity to cover the largest loss within the buffer. */
    public static double bufferCollateralToAdd(double equity, double lossWithinBuffer) {
        return lossWithinBuffer - equity;
    }

    /** x = 1 − E/L: share of the largest loss within the buffer to cut; NaN when E ≤ 0 or L = 0. */
    public static double bufferShareToCut(double equity, double lossWithinBuffer) {
        return equity > 0 && lossWithinBuffer > 0 ? 1 - equity / lossWithinBuffer : Double.NaN;
    }

    /** {@code provider/*&#47;TYPE/sequence}. */
    public static String signalId(String providerId, PortfolioSignalType type, long sequence) {
        return Keys.book(providerId, PortfolioSignal.ALL_UNDERLYINGS) + Keys.SEPARATOR + type.name()
                + Keys.SEPARATOR + sequence;
    }

    /**
     * Decides both signals.
     *
     * @param eventTime of the input that triggered the evaluation, epoch ms
     */
    public static Decision decide(State state, String providerId, PortfolioMargin m, Limits limits, long eventTime) {
        Check.notNull(state, "state");
        Check.notNull(m, "margin");
        Check.notNull(limits, "limits");
        if (providerId == null || providerId.isBlank() || providerId.indexOf(Keys.SEPARATOR) >= 0) {
            throw new IllegalArgumentException("providerId must be non-blank without '/', was '" + providerId + "'");
        }
        List<PortfolioSignal> out = new ArrayList<>(2);
        long seq = state.signalSequence();
        boolean margin = marginBreached(m, limits.maxMarginUsage());
        if (margin != state.marginBreached()) {
            out.add(signal(providerId, PortfolioSignalType.MARGIN_USAGE, margin, ++seq, m,
                    limits.maxMarginUsage(), marginReason(m, limits.maxMarginUsage(), margin), eventTime));
        }
        boolean buffer = bufferBreached(m, limits.minLiquidationMove());
        if (buffer != state.bufferBreached()) {
            out.add(signal(providerId, PortfolioSignalType.LIQUIDATION_BUFFER, buffer, ++seq, m,
                    limits.minLiquidationMove(), bufferReason(m, limits.minLiquidationMove(), buffer), eventTime));
        }
        return new Decision(new State(margin, buffer, seq), out);
    }

    private static PortfolioSignal signal(String providerId, PortfolioSignalType type, boolean breached, long seq,
                                          PortfolioMargin m, Double limit, String reason, long eventTime) {
        return new PortfolioSignal(signalId(providerId, type, seq), providerId, type,
                breached ? SignalStatus.BREACH : SignalStatus.CLEARED, m.equity(), m.margin(), m.marginUsage(),
                m.liquidationMoveDown(), m.liquidationMoveUp(), limit == null ? Double.NaN : limit, reason, eventTime);
    }

    private static String marginReason(PortfolioMargin m, Double u, boolean breached) {
        if (u == null) {
            return "margin usage limit removed";
        }
        Reason r = new Reason().text("margin usage ");
        if (m.marginUsage() == null) {
            r.text("undefined (equity ").num(m.equity(), 6).text(" ≤ 0, margin ").num(m.margin(), 6).text(")");
        } else {
            r.num(m.marginUsage(), 4).text(" (margin ").num(m.margin(), 6).text(" / equity ").num(m.equity(), 6).text(")");
        }
        if (!breached) {
            return r.text(" back within the limit ").num(u, 4).toString();
        }
        r.text(" exceeds the limit ").num(u, 4).text(", worst scenario spot ").num(100 * m.worstSpotShock(), 4)
                .text("% vol ").num(100 * m.worstVolShock(), 4).text("%: add ")
                .num(marginCollateralToAdd(m.equity(), m.margin(), u), 6).text(" USD of collateral");
        double x = marginShareToCut(m.equity(), m.margin(), u);
        return (Double.isNaN(x) ? r.text(" (with equity ≤ 0 no cut of the loss suffices)")
                : r.text(" or cut ").num(100 * x, 4).text("% of the worst scenario's loss")).toString();
    }

    private static String bufferReason(PortfolioMargin m, Double b, boolean breached) {
        if (b == null) {
            return "liquidation buffer limit removed";
        }
        Reason r = new Reason().text("liquidation moves down ");
        move(r, m.liquidationMoveDown()).text(", up ");
        move(r, m.liquidationMoveUp()).text(" (equity ").num(m.equity(), 6).text(")");
        if (!breached) {
            return r.text(" outside the buffer ").num(100 * b, 4).text("%").toString();
        }
        double loss = 0;
        if (within(m.liquidationMoveDown(), b) && m.bufferLossDown() != null) {
            loss = Math.max(loss, m.bufferLossDown());
        }
        if (within(m.liquidationMoveUp(), b) && m.bufferLossUp() != null) {
            loss = Math.max(loss, m.bufferLossUp());
        }
        r.text(" within the buffer ").num(100 * b, 4).text("%, largest loss within it ").num(loss, 6).text(": add ")
                .num(bufferCollateralToAdd(m.equity(), loss), 6).text(" USD of collateral");
        double x = bufferShareToCut(m.equity(), loss);
        return (Double.isNaN(x) ? r.text(" (with equity ≤ 0 no cut of the loss suffices)")
                : r.text(" or cut ").num(100 * x, 4).text("% of that loss")).toString();
    }

    private static Reason move(Reason r, Double move) {
        return move == null ? r.text("none") : r.num(100 * move, 4).text("%");
    }
}
