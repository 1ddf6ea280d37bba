package io.ballast.kafka;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/**
 * Splits a source's output: good records continue, rejections go to the {@link #REJECTED} side output.
 * Counts both, rejections by reason ({@code rejected_<REASON>} in the operator's metric group).
 */
public final class SplitRejected<R> extends ProcessFunction<Either<Rejection, R>, R> {

    private static final long serialVersionUID = 1L;

    /** Rejections, to the {@code rejected} topic. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected") { };

    private transient Counter accepted;
    private transient Map<RejectReason, Counter> rejected;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        accepted = metrics.counter("accepted");
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, metrics.counter("rejected_" + reason.name()));
        }
    }

    @Override
    public void processElement(Either<Rejection, R> value, Context ctx, Collector<R> out) {
        if (value.isRight()) {
            accepted.inc();
            out.collect(value.right());
        } else {
            Rejection r = value.left();
            Counter c = rejected.get(reasonOf(r));
            if (c != null) {
                c.inc();
            }
            ctx.output(REJECTED, r);
        }
    }

    private static RejectReason reasonOf(Rejection r) {
        try {
            return RejectReason.valueOf(r.getRecord().getReason());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
