package io.ballast.stages;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.internal.MarketTick;
import io.ballast.domain.Clock;
import io.ballast.domain.PipelineSettings;
import io.ballast.domain.Pricing;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Per quote, before any keyBy and so in parallel: the mid, and for an option quoted with a forward
 * ({@code underlyingPrice}) its implied vol ({@link Pricing}). Options quoted without a forward are
 * solved later by the market stage, on the reference price. Stateless.
 *
 * <p>Metrics: {@code ivSolved}, {@code ivNoMid} (no two-sided market), {@code ivOutOfBounds} (mid
 * below intrinsic or above the no-arbitrage upper bound: no IV).
 */
public final class QuoteIvFunction extends RichMapFunction<Quote, MarketTick> {

    private static final long serialVersionUID = 1L;

    private final PipelineSettings settings;

    private transient Counter solved;
    private transient Counter noMid;
    private transient Counter outOfBounds;

    public QuoteIvFunction(PipelineSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        solved = getRuntimeContext().getMetricGroup().counter("ivSolved");
        noMid = getRuntimeContext().getMetricGroup().counter("ivNoMid");
        outOfBounds = getRuntimeContext().getMetricGroup().counter("ivOutOfBounds");
    }

    @Override
    public MarketTick map(Quote q) {
        Instrument ins = q.getInstrument();
        long time = q.getEventTime().toEpochMilli();
        double mid = Pricing.mid(q.getBid(), q.getAsk());
        MarketTick.Builder tick = MarketTick.newBuilder()
                .setUnderlying(ins.getUnderlying())
                .setSymbol(ins.getSymbol())
                .setKind(ins.getKind())
                .setStrike(ins.getStrike())
                .setExpiry(ins.getExpiry() == null ? null : ins.getExpiry().toEpochMilli())
                .setCall(ins.getRight() == null ? null : ins.getRight() == OptionRight.CALL)
                .setMultiplier(ins.getMultiplier())
                .setInverse(ins.getInverse())
                .setContractValue(ins.getContractValue())
                .setMid(Double.isNaN(mid) ? null : mid)
                .setForward(q.getUnderlyingPrice())
                .setIv(null)
                .setIvSolved(false)
                .setEventTime(time)
                .setIngestMicros(Clock.nowMicros())
                // An option's two-sided quote travels on: the option-hedge rule prices its spread.
                .setBid(ins.getKind() == InstrumentKind.OPTION && !Double.isNaN(mid) ? q.getBid() : null)
                .setAsk(ins.getKind() == InstrumentKind.OPTION && !Double.isNaN(mid) ? q.getAsk() : null)
                .setVenue(q.getVenue());
        if (ins.getKind() == InstrumentKind.OPTION && q.getUnderlyingPrice() != null) {
            tick.setIvSolved(true);
            if (Double.isNaN(mid)) {
                noMid.inc();
            } else {
                double iv = Pricing.impliedVol(ins.getRight() == OptionRight.CALL, mid / ins.getMultiplier(),
                        q.getUnderlyingPrice(), ins.getStrike(), ins.getExpiry().toEpochMilli(), time,
                        settings.rate(ins.getUnderlying()));
                if (Double.isNaN(iv)) {
                    outOfBounds.inc();
                } else {
                    solved.inc();
                    tick.setIv(iv);
                }
            }
        }
        return tick.build();
    }
}
