package io.ballast.stages;

import io.ballast.avro.SignalType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * The portfolio stage's metrics (operations guide, "Metrics"): records emitted, collateral updates, signals
 * by type (the counter {@code signals} in the group {@code type=<TYPE>}, as the inventory's), providers with a
 * breached margin, and the worst margin usage of the subtask's providers (infinite when a provider's equity
 * is ≤ 0 with a margin).
 */
final class PortfolioMetrics {

    final Counter records;
    final Counter collateralUpdates;
    final Map<SignalType, Counter> signals = new EnumMap<>(SignalType.class);

    PortfolioMetrics(MetricGroup group, IntSupplier breached, DoubleSupplier worstUsage) {
        records = group.counter("portfolioRecords");
        collateralUpdates = group.counter("collateralUpdates");
        for (SignalType t : new SignalType[] {SignalType.MARGIN_USAGE, SignalType.LIQUIDATION_BUFFER}) {
            signals.put(t, group.addGroup(InventoryMetrics.TYPE_GROUP, t.name()).counter(InventoryMetrics.SIGNALS_COUNTER));
        }
        group.gauge("providersMarginBreached", breached::getAsInt);
        group.gauge("worstMarginUsage", worstUsage::getAsDouble);
    }
}
