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
 * Counts both: {@code accepted}, and rejections by reason as the counter {@code rejected} in the group
 * {@code reason=<REASON>} of the operator's metric group ({@code addGroup("reason", REASON)}: the
 * Prometheus reporter's {@code ..._operator_reason_rejected{reason="CORRUPT_AVRO"}}, the REST API's
 * {@code <operator>.reason.CORRUPT_AVRO.rejected}).
 */
public final class SplitRejected<R> extends ProcessFunction<Either<Rejection, R>, R> {

    private static final long serialVersionUID = 1L;

    /** Rejections, to the {@code rejected} topic. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected") { };

    /** The key of the metric group that holds one {@link #REJECTED_COUNTER} per reject code. */
    public static final String REASON_GROUP = "reason";

    /** The name of the counter of rejections, in the group {@code reason=<REASON>}. */
    public static final String REJECTED_COUNTER = "rejected";

    private transient Counter accepted;
    private transient Map<RejectReason, Counter> rejected;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        accepted = metrics.counter("accepted");
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, metrics.addGroup(REASON_GROUP, reason.name()).counter(REJECTED_COUNTER));
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
