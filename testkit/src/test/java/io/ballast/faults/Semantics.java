package io.ballast.faults;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;

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
 * What exactly-once means for Ballast's committed output, per {@code provider/UNDERLYING}: snapshot
 * sequences 1..n with no gap and no duplicate (n = distinct fills), signal-id sequences 1..m likewise
 * (one counter shared by every signal type of the key), the final position equal to the exact sum of
 * the distinct fills, and every repeated trade rejected exactly once.
 */
final class Semantics {

    private Semantics() {
    }

    static String key(RiskSnapshot r) {
        return r.getProviderId() + "/" + r.getUnderlying();
    }

    static String key(RebalanceSignal s) {
        return s.getProviderId() + "/" + s.getUnderlying();
    }

    /** The sequence part of {@code provider/UNDERLYING/TYPE/sequence}. */
    static long signalSequence(RebalanceSignal s) {
        String id = s.getSignalId();
        return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    }

    static Map<String, List<RiskSnapshot>> snapshotsByKey(List<RiskSnapshot> risk) {
        Map<String, List<RiskSnapshot>> byKey = risk.stream().collect(Collectors.groupingBy(Semantics::key, TreeMap::new,
                Collectors.toList()));
        byKey.values().forEach(l -> l.sort(Comparator.comparingLong(RiskSnapshot::getSequence)));
        return byKey;
    }

    static Map<String, List<RebalanceSignal>> signalsByKey(List<RebalanceSignal> signals) {
        Map<String, List<RebalanceSignal>> byKey = signals.stream().collect(Collectors.groupingBy(Semantics::key, TreeMap::new,
                Collectors.toList()));
        byKey.values().forEach(l -> l.sort(Comparator.comparingLong(Semantics::signalSequence)));
        return byKey;
    }

    /** True once every key has its n snapshots (possibly more, which {@link #assertExactlyOnce} reports). */
    static boolean complete(List<RiskSnapshot> risk, TradeFlow flow) {
        Map<String, List<RiskSnapshot>> byKey = snapshotsByKey(risk);
        return flow.fills().entrySet().stream().allMatch(e ->
                byKey.getOrDefault(e.getKey(), List.of()).stream().mapToLong(RiskSnapshot::getSequence).max().orElse(0)
                        >= e.getValue());
    }

    /** Asserts the exactly-once properties above; returns the number of signals checked. */
    static int assertExactlyOnce(List<RiskSnapshot> risk, List<RebalanceSignal> signals, List<RejectedRecord> rejected,
                                 TradeFlow flow) {
        Map<String, List<RiskSnapshot>> snapshots = snapshotsByKey(risk);
        assertThat(snapshots.keySet()).as("keys with snapshots").isEqualTo(flow.fills().keySet());
        for (Map.Entry<String, List<RiskSnapshot>> e : snapshots.entrySet()) {
            List<Long> sequences = e.getValue().stream().map(RiskSnapshot::getSequence).collect(Collectors.toList());
            int n = flow.fills().get(e.getKey());
            assertThat(sequences).as("RiskSnapshot.sequence of %s: 1..%d, no gap, no duplicate", e.getKey(), n)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));
            BigDecimal sum = flow.sums().get(e.getKey());
            RiskSnapshot last = e.getValue().get(e.getValue().size() - 1);
            assertThat(last.getNetDelta()).as("final position of %s = exact sum of its distinct fills", e.getKey())
                    .isEqualTo(sum.doubleValue());
            assertThat(last.getPositions()).isEqualTo(sum.signum() == 0 ? 0 : 1);
        }
        Map<String, List<RebalanceSignal>> byKey = signalsByKey(signals);
        for (Map.Entry<String, List<RebalanceSignal>> e : byKey.entrySet()) {
            List<Long> sequences = e.getValue().stream().map(Semantics::signalSequence).collect(Collectors.toList());
            assertThat(sequences).as("signal id sequences of %s: 1..m, no gap, no duplicate", e.getKey())
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, sequences.size()).boxed().collect(Collectors.toList()));
            assertThat(e.getValue()).extracting(RebalanceSignal::getSignalId).doesNotHaveDuplicates();
        }
        assertThat(rejected).as("rejected: the repeated trades, each once").hasSize(flow.duplicateCount())
                .allMatch(r -> r.getReason().equals("DUPLICATE_TRADE"));
        assertThat(rejected.stream().map(r -> r.getPartition() + "@" + r.getOffset()).distinct().count())
                .as("distinct source offsets of the rejections").isEqualTo(flow.duplicateCount());
        return signals.size();
    }

    /** The fields of a snapshot that follow from the trades alone. */
    static List<Object> essence(RiskSnapshot r) {
        List<Object> l = new ArrayList<>();
        l.add(key(r));
        l.add(r.getSequence());
        l.add(r.getNetDelta());
        l.add(r.getPositions());
        l.add(r.getPendingHedge());
        l.add(r.getAsOf());
        return l;
    }

    /** The fields of a signal that follow from the trades alone. */
    static List<Object> essence(RebalanceSignal s) {
        List<Object> l = new ArrayList<>();
        l.add(s.getSignalId());
        l.add(s.getType());
        l.add(s.getStatus());
        l.add(s.getSide());
        l.add(s.getQuantity());
        l.add(s.getNetDelta());
        l.add(s.getEventTime());
        return l;
    }
}
