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

    private final List<OptionPosition> options = new ArrayList<>();
    private final List<PositionMark> marks = new ArrayList<>();
    private double linearUnits;
    private double optionValue;
    private double spotValue;
    private double linearPnl;
    private double realized;
    private double unrealized;
    private double fees;
    /** False once a position could not be marked: no {@link BookMark} then. */
    private boolean allMarked = true;

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

    @Override
    public void linear(Holdings.Held h, double units, double midPerContract) {
        Instrument ins = h.instrument;
        linearUnits += units;
        PositionPnl pnl = pnl(h.position);
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

    @Override
    public void option(Holdings.Held h, double units, double forward, double tau, double vol, double rate, Greeks g) {
        Instrument ins = h.instrument;
        boolean call = ins.getRight() == OptionRight.CALL;
        options.add(new OptionPosition(call, ins.getStrike(), tau, h.quantity, ins.getMultiplier(), forward, vol));
        double value = units * g.price();
        optionValue += value;
        PositionPnl pnl = pnl(h.position);
        realized += pnl.realized();
        fees += pnl.fees();
        unrealized += pnl.unrealized(g.price());
        marks.add(new PositionMark(h.key, h.quantity, forward, value, units * g.delta(), units * g.gamma(),
                units * g.vega(), units * g.theta(), vol));
    }

    @Override
    public void expired(Holdings.Held h, double units, double intrinsic) {
        PositionPnl pnl = pnl(h.position);
        realized += pnl.realized();
        fees += pnl.fees();
        unrealized += pnl.unrealized(intrinsic);
        optionValue += units * intrinsic;
        // No greeks, no forward to explain against; left out of the stress grid: it settles at its next refresh.
        allMarked = false;
    }

    @Override
    public void unpriced(Holdings.Held h) {
        PositionPnl pnl = pnl(h.position);
        realized += pnl.realized();
        fees += pnl.fees();
        allMarked = false;
    }

    /** The positions as the portfolio revalues them; null without a reference price. */
    UnderlyingPositions positions(String underlying, BookRisk risk) {
        if (!(risk.referencePrice > 0) || !Double.isFinite(risk.referencePrice)) {
            return null;
        }
        return new UnderlyingPositions(underlying, risk.referencePrice, risk.rate, options, linearUnits);
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
     * @param column the book's grid column, or null when not recomputed at this mark
     * @param curve the book's move curve, with {@code column}
     */
    BookSummary summary(String providerId, String underlying, long asOf, boolean fill, BookRisk risk,
                        double closedRealized, double closedFees, PnlExplain explain, long explainTo,
                        ScenarioGrid column, MoveCurve curve, long columnAsOf) {
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
        if (column != null) {
            b.setColumnAsOf(columnAsOf)
                    .setColumn(boxed(column.cells()))
                    .setCurveDownPnl(boxed(curve.pnlAtScanPoints(true)))
                    .setCurveDownSlope(boxed(curve.slopeAtScanPoints(true)))
                    .setCurveUpPnl(boxed(curve.pnlAtScanPoints(false)))
                    .setCurveUpSlope(boxed(curve.slopeAtScanPoints(false)));
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
