package io.ballast.domain;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.internal.BookSummary;

import java.util.ArrayList;
import java.util.List;

/**
 * What an {@link InventoryBook} emitted, in order: its risk snapshots, signals and book summaries (public: the
 * stage tests feed a book's summaries to the portfolio stage with it).
 */
public class RecordedOutput implements InventoryBook.Output {

    public final List<RiskSnapshot> risk = new ArrayList<>();
    public final List<RebalanceSignal> signals = new ArrayList<>();
    public final List<BookSummary> summaries = new ArrayList<>();

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
    public RiskSnapshot last() {
        return risk.get(risk.size() - 1);
    }
}
