package io.ballast.evolution;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Trade;
import io.ballast.testkit.BallastRig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job restored from the fixture carries on where the fixture stopped: the fixture's input is put back
 * at its offsets, fills after it are sent, and the restored job's output must continue every key's
 * snapshot and signal sequences without a gap or a repeat, hold positions equal to the exact sum of the
 * fixture's and the new fills, and reject a repeat of a fixture fill (the dedupe state survived).
 */
final class Continuation {

    private final BallastRig rig;
    private final FixtureFacts facts;
    private final List<Trade> after = StateFixture.after();

    Continuation(BallastRig rig, FixtureFacts facts) {
        this.rig = rig;
        this.facts = facts;
    }

    /** Puts the fixture's input back, at the offsets the savepoint remembers, then the new fills. */
    void sendInput() {
        rig.send(StateFixture.limits(rig));
        rig.send(StateFixture.quotes(rig));
        rig.send(StateFixture.tradeRecords(rig));
        List<Trade> next = new ArrayList<>(after);
        next.add(StateFixture.repeatOfAFixtureFill());
        rig.send(StateFixture.records(rig, next));
    }

    /** Position per linear key expected at the end: fixture fills plus the new ones, exactly. */
    Map<String, BigDecimal> expectedPositions() {
        Map<String, BigDecimal> sums = new TreeMap<>(StateFixture.sums(StateFixture.trades().stream()
                .filter(t -> StateFixture.LINEAR_KEYS.contains(t.getProviderId() + "/" + t.getInstrument().getUnderlying()))
                .collect(Collectors.toList())));
        StateFixture.sums(after).forEach((k, v) -> sums.merge(k, v, BigDecimal::add));
        return sums;
    }

    /** Waits for the restored job's output to reflect every new fill; checks it; returns a summary. */
    String awaitAndCheck() {
        Map<String, BigDecimal> expected = expectedPositions();
        for (String key : StateFixture.LINEAR_KEYS) {
            BigDecimal fixtureOnly = StateFixture.sums(StateFixture.trades()).get(key);
            assertThat(facts.netDelta(key)).as("the fixture's recorded position of %s", key)
                    .isEqualTo(fixtureOnly.doubleValue());
        }
        List<RiskSnapshot> risk = rig.until(rig.risk, RiskSnapshot.class, r -> expected.entrySet().stream().allMatch(e -> {
            RiskSnapshot last = last(r, e.getKey());
            return last != null && last.getNetDelta() == e.getValue().doubleValue();
        }));
        List<RejectedRecord> rejected = rig.until(rig.rejected, RejectedRecord.class, r -> !r.isEmpty());
        assertThat(rejected).as("the repeat of a fixture fill, rejected by the restored dedupe state").hasSize(1);
        assertThat(rejected.get(0).getReason()).isEqualTo("DUPLICATE_TRADE");
        assertThat(rejected.get(0).getDetail()).contains(StateFixture.repeatOfAFixtureFill().getTradeId());

        Map<String, List<Long>> sequences = new TreeMap<>();
        for (RiskSnapshot r : risk) {
            sequences.computeIfAbsent(r.getProviderId() + "/" + r.getUnderlying(), k -> new ArrayList<>()).add(r.getSequence());
        }
        for (Map.Entry<String, List<Long>> e : sequences.entrySet()) {
            long from = facts.lastSnapshotSequence(e.getKey()) + 1;
            assertThat(e.getValue()).as("snapshot sequences of %s go on from the fixture's %d", e.getKey(), from - 1)
                    .containsExactlyElementsOf(LongStream.range(from, from + e.getValue().size()).boxed().collect(Collectors.toList()));
        }
        assertThat(sequences.keySet()).containsAll(StateFixture.LINEAR_KEYS);
        for (Map.Entry<String, BigDecimal> e : expected.entrySet()) {
            assertThat(last(risk, e.getKey()).getNetDelta()).as("position of %s", e.getKey())
                    .isEqualTo(e.getValue().doubleValue());
        }

        List<RebalanceSignal> signals = rig.all(rig.signals, RebalanceSignal.class);
        Map<String, List<Long>> signalSequences = new TreeMap<>();
        for (RebalanceSignal s : signals) {
            String id = s.getSignalId();
            signalSequences.computeIfAbsent(s.getProviderId() + "/" + s.getUnderlying(), k -> new ArrayList<>())
                    .add(Long.parseLong(id.substring(id.lastIndexOf('/') + 1)));
        }
        for (Map.Entry<String, List<Long>> e : signalSequences.entrySet()) {
            long from = facts.lastSignalSequence(e.getKey()) + 1;
            List<Long> sorted = e.getValue().stream().sorted().collect(Collectors.toList());
            assertThat(sorted).as("signal id sequences of %s go on from the fixture's %d", e.getKey(), from - 1)
                    .containsExactlyElementsOf(LongStream.range(from, from + sorted.size()).boxed().collect(Collectors.toList()));
        }
        return String.format("%d snapshots and %d signals after the restore, sequences continuing from %s",
                risk.size(), signals.size(), facts.keys().stream()
                        .map(k -> k + "@" + facts.lastSnapshotSequence(k)).collect(Collectors.joining(", ")));
    }

    /** The latest snapshot of {@code provider/UNDERLYING} in {@code risk}, or null. */
    static RiskSnapshot last(List<RiskSnapshot> risk, String key) {
        return risk.stream().filter(r -> key.equals(r.getProviderId() + "/" + r.getUnderlying()))
                .max(Comparator.comparingLong(RiskSnapshot::getSequence)).orElse(null);
    }
}
