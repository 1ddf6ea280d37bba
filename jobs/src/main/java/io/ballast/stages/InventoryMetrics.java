package io.ballast.stages;

import io.ballast.avro.SignalType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The inventory stage's metrics (operations guide, "Metrics"): fills, duplicates, signals by type (the
 * counter {@code signals} in the group {@code type=<TYPE>}: {@code addGroup("type", TYPE)}, the
 * Prometheus reporter's {@code ..._operator_type_signals{type="DELTA_HEDGE"}}), the quote-to-signal
 * latency, and gauges of the books it tracks.
 */
final class InventoryMetrics {

    /** The key of the metric group that holds one {@link #SIGNALS_COUNTER} per signal type. */
    static final String TYPE_GROUP = "type";

    /** The name of the counter of signals emitted, in the group {@code type=<TYPE>}. */
    static final String SIGNALS_COUNTER = "signals";

    final Counter fills;
    final Counter duplicates;
    final Map<SignalType, Counter> signals = new EnumMap<>(SignalType.class);
    final Histogram quoteToSignalMicros;
    final BandWatch bandWatch = new BandWatch();

    InventoryMetrics(MetricGroup group, IntSupplier tracked, IntSupplier breached, LongSupplier refreshIntervalMs) {
        fills = group.counter("fillsApplied");
        duplicates = group.counter("duplicateTrades");
        for (SignalType t : SignalType.values()) {
            signals.put(t, group.addGroup(TYPE_GROUP, t.name()).counter(SIGNALS_COUNTER));
        }
        quoteToSignalMicros = group.histogram("quoteToSignalLatencyMicros", new DescriptiveStatisticsHistogram(10_000));
        group.gauge("providersTracked", tracked::getAsInt);
        group.gauge("booksInBreach", breached::getAsInt);
        group.gauge("maxDeltaToBand", bandWatch::max);
        group.gauge("refreshIntervalMs", refreshIntervalMs::getAsLong);
    }
}
