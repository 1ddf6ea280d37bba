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
 * The inventory stage's metrics (operations guide, "Metrics"): fills, duplicates, signals by type
 * ({@code signals_<TYPE>}), the quote-to-signal latency, and gauges of the books it tracks.
 */
final class InventoryMetrics {

    final Counter fills;
    final Counter duplicates;
    final Map<SignalType, Counter> signals = new EnumMap<>(SignalType.class);
    final Histogram quoteToSignalMicros;
    final BandWatch bandWatch = new BandWatch();

    InventoryMetrics(MetricGroup group, IntSupplier tracked, IntSupplier breached, LongSupplier refreshIntervalMs) {
        fills = group.counter("fillsApplied");
        duplicates = group.counter("duplicateTrades");
        for (SignalType t : SignalType.values()) {
            signals.put(t, group.counter("signals_" + t.name()));
        }
        quoteToSignalMicros = group.histogram("quoteToSignalLatencyMicros", new DescriptiveStatisticsHistogram(10_000));
        group.gauge("providersTracked", tracked::getAsInt);
        group.gauge("booksInBreach", breached::getAsInt);
        group.gauge("maxDeltaToBand", bandWatch::max);
        group.gauge("refreshIntervalMs", refreshIntervalMs::getAsLong);
    }
}
