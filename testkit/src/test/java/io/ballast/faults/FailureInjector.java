package io.ballast.faults;

import io.ballast.avro.internal.SourcedTrade;
import io.ballast.job.Inputs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A pass-through operator on the trades, between the real job's validated source and its pipeline,
 * that fails the job when a test says so: once right after a checkpoint completes, or on the first
 * sight of chosen trades. Tests steer it through a static {@link Plan} (the MiniCluster runs in the
 * test's JVM); the plan outlives the restarts it causes, so each failure happens once.
 */
final class FailureInjector extends RichMapFunction<SourcedTrade, SourcedTrade> implements CheckpointListener {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

    /** What to fail on, and what happened. */
    static final class Plan {
        final String name;
        final AtomicBoolean failAfterNextCheckpoint = new AtomicBoolean();
        final Set<String> failOnTradeIds = ConcurrentHashMap.newKeySet();
        final AtomicLong seen = new AtomicLong();
        /** Wall-clock millis of each injected failure, and what it was. */
        final List<long[]> failures = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();
        /** Wall-clock millis at which a restarted attempt of this operator opened. */
        final List<long[]> reopened = new CopyOnWriteArrayList<>();

        private Plan(String name) {
            this.name = name;
        }

        /** The next checkpoint to complete fails the job, from its notification. */
        void failRightAfterNextCheckpoint() {
            failAfterNextCheckpoint.set(true);
        }

        void failOnFirstSightOf(Iterable<String> tradeIds) {
            tradeIds.forEach(failOnTradeIds::add);
        }

        int failureCount() {
            return failures.size();
        }

        private void failed(String why) {
            failures.add(new long[] {System.currentTimeMillis(), seen.get()});
            reasons.add(why);
        }
    }

    private final String plan;

    private FailureInjector(String plan) {
        this.plan = plan;
    }

    static Plan plan(String name) {
        return PLANS.computeIfAbsent(name, Plan::new);
    }

    /** Puts an injector for {@code plan} on the trades of {@code inputs}. */
    static UnaryOperator<Inputs> on(Plan plan) {
        return in -> new Inputs(in.quotes(),
                in.trades().map(new FailureInjector(plan.name), new AvroTypeInfo<>(SourcedTrade.class))
                        .uid("test-failure-injector").name("failure injector"),
                in.limits(), in.rejected());
    }

    @Override
    public void open(OpenContext openContext) {
        int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        if (attempt > 0) {
            PLANS.get(plan).reopened.add(new long[] {System.currentTimeMillis(), attempt});
        }
    }

    @Override
    public SourcedTrade map(SourcedTrade t) {
        Plan p = PLANS.get(plan);
        p.seen.incrementAndGet();
        if (p.failOnTradeIds.remove(t.getTrade().getTradeId())) {
            String why = "injected failure on trade " + t.getTrade().getTradeId();
            p.failed(why);
            throw new InjectedFailure(why);
        }
        return t;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Plan p = PLANS.get(plan);
        if (p.failAfterNextCheckpoint.compareAndSet(true, false)) {
            String why = "injected failure right after checkpoint " + checkpointId + " completed";
            p.failed(why);
            throw new InjectedFailure(why);
        }
    }

    /** The failure a test asked for. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
