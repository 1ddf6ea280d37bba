package io.ballast.domain;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.internal.BookSummary;

import java.util.ArrayList;
import java.util.List;

/** What an {@link InventoryBook} emitted, in order: its risk snapshots, signals and book summaries. */
final class RecordedOutput implements InventoryBook.Output {

    final List<RiskSnapshot> risk = new ArrayList<>();
    final List<RebalanceSignal> signals = new ArrayList<>();
    final List<BookSummary> summaries = new ArrayList<>();

    @Override
    public void risk(RiskSnapshot snapshot) {
        risk.add(snapshot);
    }

    @Override
    public void signal(RebalanceSignal signal) {
        signals.add(signal);
    }

    @Override
    public void summary(BookSummary summary) {
        summaries.add(summary);
    }

    /** The latest risk snapshot. */
    RiskSnapshot last() {
        return risk.get(risk.size() - 1);
    }
}
