package io.ballast.domain;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.Position;
import io.ballast.quant.Greeks;

import java.util.ArrayList;
import java.util.List;

/**
 * What one mark of a book ({@link RiskCalculator} with this as its {@link RiskCalculator.Marks}) tells the
 * portfolio: values and average-cost P&amp;L per position, the positions as the portfolio revalues them
 * ({@link UnderlyingPositions}) and as the explain reads them ({@link BookMark}). One per mark; not shared.
 *
 * <p>Prices per unit of underlying: an option's mark is its Black-76 price, a linear position's its mid per
 * contract / multiplier, an expired option's its intrinsic value. A fill's price is read in the same unit
 * (the {@link PositionPnl} convention; equal to the price per contract at multiplier 1).
 */
final class BookSummaries implements RiskCalculator.Marks {

    private final List<OptionPosition> options;
    private final List<PositionMark> marks;
    private double linearUnits;
    /** Σ q·cv over inverse positions, USD: their USD P&amp;L under a relative move s is Σ q·cv·s. */
    private double inverseNotional;
    private double optionValue;
    private double spotValue;
    private double linearPnl;
    private double realized;
    private double unrealized;
    private double fees;
    /** False once a position could not be marked: no {@link BookMark} then. */
    private boolean allMarked = true;
    /** The position ({@code venue:symbol}) whose option position to keep ({@link #watched}), or null. */
    private final String watch;
    private OptionPosition watched;

    BookSummaries() {
        this(null, 10);
    }

    /**
     * @param watch a position key ({@code venue:symbol}) whose priced option {@link #watched} returns (the filled one), or null
     * @param positions the positions the mark will visit (the lists' capacity)
     */
    BookSummaries(String watch, int positions) {
        this.watch = watch;
        this.options = new ArrayList<>(positions);
        this.marks = new ArrayList<>(positions);
    }

    /** The priced option position of the watched symbol at this mark; null when it is none (linear, unpriced, gone). */
    OptionPosition watched() {
        return watched;
    }

    /** The average-cost P&amp;L of a stored position. */
    static PositionPnl pnl(Position p) {
        double m = p.getInstrument().getMultiplier();
        java.math.BigDecimal q = Exact.value(p.getQuantity());
        double average;
        if (p.getAverageEntry() != null) {
            average = p.getAverageEntry();
        } else {
            // Written before average entry was kept: everything unrealized, at the average cost of the fills.
            double qty = q.doubleValue();
            average = qty == 0 ? 0 : -Exact.toDouble(p.getCashFlow()) / qty;
        }
        double realizedPnl = p.getRealizedPnl() == null ? 0 : p.getRealizedPnl();
        return PositionPnl.of(m, q, average, realizedPnl, Exact.toDouble(p.getFees()));
    }

    /** The average-cost P&amp;L of a stored inverse position (harmonic-mean entry, {@link InversePositionPnl}). */
    static InversePositionPnl inversePnl(Position p) {
        java.math.BigDecimal q = Exact.value(p.getQuantity());
        double average;
        if (p.getAverageEntry() != null) {
            average = p.getAverageEntry();
        } else {
            // Not written by this version (an inverse position always has one); read the fills as an average price.
            double qty = q.doubleValue();
            average = qty == 0 ? 0 : -Exact.toDouble(p.getCashFlow()) / qty;
        }
        return InversePositionPnl.of(p.getInstrument().getContractValue(), q, average,
                p.getRealizedCoin() == null ? 0 : p.getRealizedCoin(),
                p.getRealizedPnl() == null ? 0 : p.getRealizedPnl(), Exact.toDouble(p.getFees()));
    }

    @Override
    public void linear(Holdings.Held h, double units, double midPerContract) {
        Instrument ins = h.instrument;
        if (h.inverse) {
            inverse(h, midPerContract);
            return;
        }
        linearUnits += units;
        PositionPnl pnl = h.pnl();
        realized += pnl.realized();
        fees += pnl.fees();
        if (Double.isNaN(midPerContract)) {
            allMarked = false;
            return;
        }
        double mark = midPerContract / ins.getMultiplier();
        double u = pnl.unrealized(mark);
        unrealized += u;
        double value;
        if (ins.getKind() == InstrumentKind.SPOT) {
            value = units * mark;
            spotValue += value;
        } else {
            value = u;
            linearPnl += u;
        }
        if (mark > 0) {
            marks.add(PositionMark.linear(h.key, h.quantity, ins.getMultiplier(), mark, value));
        } else {
            allMarked = false;
        }
    }

    /** An inverse position: P&amp;L at its mark P (USD per unit), delta q·cv/P, USD P&amp;L q·cv·s under a move s. */
    private void inverse(Holdings.Held h, double mark) {
        InversePositionPnl pnl = inversePnl(h.position);
        inverseNotional += h.quantity * h.contractValue;
        realized += pnl.realized();
        fees += pnl.fees();
        if (!(mark > 0) || !Double.isFinite(mark)) {
            allMarked = false;
            return;
        }
        double u = pnl.unrealized(mark);
        unrealized += u;
        linearPnl += u;
        marks.add(PositionMark.linear(h.key, h.quantity, h.contractValue / mark, mark, u));
    }

    @Override
    public void option(Holdings.Held h, double units, double forward, double tau, double vol, double rate, Greeks g) {
        Instrument ins = h.instrument;
        boolean call = ins.getRight() == OptionRight.CALL;
        OptionPosition position = new OptionPosition(call, ins.getStrike(), tau, h.quantity, ins.getMultiplier(), forward, vol);
        options.add(position);
        if (watch != null && watch.equals(h.key)) {
            watched = position;
        }
        double value = units * g.price();
        optionValue += value;
        PositionPnl pnl = h.pnl();
        realized += pnl.realized();
        fees += pnl.fees();
        unrealized += pnl.unrealized(g.price());
        marks.add(new PositionMark(h.key, h.quantity, forward, value, units * g.delta(), units * g.gamma(),
                units * g.vega(), units * g.theta(), vol));
    }

    @Override
    public void expired(Holdings.Held h, double units, double intrinsic) {
        PositionPnl pnl = h.pnl();
        realized += pnl.realized();
        fees += pnl.fees();
        unrealized += pnl.unrealized(intrinsic);
        optionValue += units * intrinsic;
        // No greeks, no forward to explain against; left out of the stress grid: it settles at its next refresh.
        allMarked = false;
    }

    @Override
    public void unpriced(Holdings.Held h) {
        PositionPnl pnl = h.pnl();
        realized += pnl.realized();
        fees += pnl.fees();
        allMarked = false;
    }

    /** The positions as the portfolio revalues them; null without a reference price. */
    UnderlyingPositions positions(String underlying, BookRisk risk) {
        if (!(risk.referencePrice > 0) || !Double.isFinite(risk.referencePrice)) {
            return null;
        }
        // An inverse position moves like q·cv/S linear units: its USD P&L under a move s is q·cv·s.
        return new UnderlyingPositions(underlying, risk.referencePrice, risk.rate, options,
                linearUnits + inverseNotional / risk.referencePrice);
    }

    /** The mark for the explain; null when a position could not be marked. */
    BookMark mark(long asOf, BookRisk risk) {
        if (!allMarked || !(risk.referencePrice > 0) || !Double.isFinite(risk.referencePrice)) {
            return null;
        }
        return new BookMark(asOf, risk.referencePrice, marks);
    }

    /**
     * The summary of this mark.
     *
     * @param closedRealized P&amp;L realized by positions already closed, USD
     * @param closedFees fees of positions already closed, USD
     * @param explain the interval explained since the previous mark, or null
     * @param explainTo its end, epoch ms
     * @param set the book's scenario set when rebuilt at this mark, else null
     * @param fillForm the fill of this mark in the set's fill form ({@link ScenarioSet#optionFill}), to be added
     *                 to the set the portfolio holds, or null
     * @param columnAsOf when the book's set was last built by full revaluation
     */
    BookSummary summary(String providerId, String underlying, long asOf, boolean fill, BookRisk risk,
                        double closedRealized, double closedFees, PnlExplain explain, long explainTo,
                        ScenarioSet set, byte[] fillForm, long columnAsOf) {
        boolean priced = risk.referencePrice > 0 && Double.isFinite(risk.referencePrice);
        BookSummary.Builder b = BookSummary.newBuilder()
                .setProviderId(providerId)
                .setUnderlying(underlying)
                .setAsOf(asOf)
                .setFill(fill)
                .setReferencePrice(priced ? risk.referencePrice : null)
                .setNetDelta(risk.netDelta)
                .setDollarGamma(priced ? risk.dollarGamma() : 0)
                .setVega(risk.vega)
                .setTheta(risk.theta)
                .setOptionValue(optionValue)
                .setSpotValue(spotValue)
                .setLinearPnl(linearPnl)
                .setPositions(risk.positions)
                .setUnpricedPositions(risk.unpricedPositions)
                .setRealizedPnl(realized + closedRealized)
                .setUnrealizedPnl(unrealized)
                .setFees(fees + closedFees);
        if (explain != null) {
            b.setExplainTo(explainTo)
                    .setExplainTotal(explain.total())
                    .setExplainDelta(explain.delta())
                    .setExplainGamma(explain.gamma())
                    .setExplainVega(explain.vega())
                    .setExplainTheta(explain.theta());
        }
        if (set != null) {
            b.setColumnAsOf(columnAsOf).setScenarioSet(java.nio.ByteBuffer.wrap(set.encode()));
        } else if (fillForm != null) {
            b.setColumnAsOf(columnAsOf).setScenarioFills(java.nio.ByteBuffer.wrap(fillForm));
        }
        return b.build();
    }

    static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    static double[] unboxed(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
