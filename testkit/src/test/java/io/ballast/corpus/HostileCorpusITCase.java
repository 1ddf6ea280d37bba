package io.ballast.corpus;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.SignalType;
import io.ballast.avro.VolSkew;
import io.ballast.kafka.RejectReason;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The hostile corpus ({@link HostileCorpus}) through the real job (MiniCluster, real broker and
 * registry, exactly-once, restart strategy none): nothing good is lost, every bad record is on
 * {@code rejected} with the reason the contract gives it (matched by source topic, partition and
 * offset, its key and bytes untouched), the job never restarts, and the counts are printed.
 */
class HostileCorpusITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static String where(String topic, int partition, long offset) {
        return topic + "/" + partition + "@" + offset;
    }

    private static Map<String, HostileCorpus.Item> send(BallastRig rig, List<HostileCorpus.Item> items) {
        List<ProducerRecord<byte[], byte[]>> records = items.stream().map(i -> i.record).collect(Collectors.toList());
        List<RecordMetadata> acks = rig.send(records);
        Map<String, HostileCorpus.Item> sent = new HashMap<>();
        for (int i = 0; i < acks.size(); i++) {
            sent.put(where(acks.get(i).topic(), acks.get(i).partition(), acks.get(i).offset()), items.get(i));
        }
        return sent;
    }

    private static RiskSnapshot last(List<RiskSnapshot> risk, String key) {
        return risk.stream().filter(r -> key.equals(r.getProviderId() + "/" + r.getUnderlying()))
                .max(Comparator.comparingLong(RiskSnapshot::getSequence)).orElse(null);
    }

    @Test
    void hostileInputIsRejectedWithItsReasonAndNothingGoodIsLost(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long seed = 7_2026_11_21L;
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        HostileCorpus corpus = new HostileCorpus(rig, seed);
        Map<String, HostileCorpus.Item> sent = new HashMap<>(send(rig, corpus.limits));

        long started = System.nanoTime();
        JobClient job = rig.start(rig.config("--input.max-record-bytes", "65536", "--defaults.delta-band", "1e9",
                "--defaults.hedge-timeout", "1 h"), 2, null);
        try {
            // The whale's limits (band 3) are in force once its first fill triggers a hedge: the job's
            // default band (1e9) never would. The minnow's limits, deleted before them, are gone.
            sent.putAll(send(rig, List.of(corpus.probe)));
            rig.until(rig.signals, RebalanceSignal.class, s -> s.stream().anyMatch(x -> x.getProviderId().equals(HostileCorpus.WHALE)
                    && x.getType() == SignalType.DELTA_HEDGE && x.getThreshold() == HostileCorpus.WHALE_BAND));
            sent.putAll(send(rig, corpus.quotes));
            sent.putAll(send(rig, corpus.trades));

            Map<String, RejectReason> expected = new TreeMap<>();
            sent.forEach((at, item) -> {
                if (item.reason != null) {
                    expected.put(at, item.reason);
                }
            });
            List<ConsumerRecord<byte[], byte[]>> raw = KAFKA.consumeUntil(rig.rejected, r -> r.size() >= expected.size(), TIMEOUT);
            List<RejectedRecord> rejected = rig.decode(raw, RejectedRecord.class);

            // Every good fill, late, out of order or not, is in the positions; good quotes made the market.
            double btcMid = ((corpus.btcReference - 0.5) + (corpus.btcReference + 0.5)) / 2;
            List<RiskSnapshot> risk = rig.until(rig.risk, RiskSnapshot.class, r -> corpus.positions.entrySet().stream()
                    .allMatch(e -> {
                        RiskSnapshot l = last(r, e.getKey());
                        return l != null && Math.abs(l.getNetDelta() - e.getValue().doubleValue()) <= 1e-9
                                && (!e.getKey().endsWith("/BTC") || l.getReferencePrice() == btcMid);
                    }), TIMEOUT);
            List<VolSkew> skew = rig.until(rig.skew, VolSkew.class, s -> s.stream().anyMatch(v ->
                    v.getExpiry().equals(corpus.expiry) && Math.abs(v.getAtmVol() - HostileCorpus.VOL) < 1e-6), TIMEOUT);
            long doneMs = (System.nanoTime() - started) / 1_000_000;

            Map<String, String> actual = new TreeMap<>();
            for (int i = 0; i < rejected.size(); i++) {
                RejectedRecord r = rejected.get(i);
                String at = where(r.getSourceTopic(), r.getPartition(), r.getOffset());
                assertThat(actual.put(at, r.getReason())).as("rejected once: %s", at).isNull();
                HostileCorpus.Item item = sent.get(at);
                assertThat(item).as("a rejection of something sent: %s (%s)", at, r.getDetail()).isNotNull();
                assertThat(r.getReason()).as("reason for %s (%s): %s", item.kind, at, r.getDetail())
                        .isEqualTo(item.reason == null ? "(good: not rejected)" : item.reason.name());
                byte[] payload = new byte[r.getPayload().remaining()];
                r.getPayload().duplicate().get(payload);
                assertThat(payload).as("payload of %s untouched", item.kind)
                        .isEqualTo(item.record.value() == null ? new byte[0] : item.record.value());
                assertThat(raw.get(i).key()).as("key of %s as received", item.kind).isEqualTo(item.record.key());
                assertThat(r.getDetail()).as("detail of %s", item.kind).isNotBlank();
            }
            Map<String, String> expectedNames = new TreeMap<>();
            expected.forEach((k, v) -> expectedNames.put(k, v.name()));
            assertThat(actual).as("every bad record rejected with its reason, no good one").isEqualTo(expectedNames);

            for (Map.Entry<String, BigDecimal> e : corpus.positions.entrySet()) {
                assertThat(last(risk, e.getKey()).getNetDelta()).as("position of %s: the exact sum of its good fills", e.getKey())
                        .isCloseTo(e.getValue().doubleValue(), within(1e-9));
            }
            List<RebalanceSignal> hedges = rig.all(rig.signals, RebalanceSignal.class).stream()
                    .filter(s -> s.getType() == SignalType.DELTA_HEDGE).collect(Collectors.toList());
            Map<String, Double> bands = Map.of("whale/BTC", HostileCorpus.WHALE_BAND, "whale/ETH", HostileCorpus.WHALE_BAND,
                    "p2/ETH", 2.0);
            for (RebalanceSignal h : hedges) {
                String key = h.getProviderId() + "/" + h.getUnderlying();
                assertThat(h.getThreshold()).as("hedge %s: the band of the limits in force", h.getSignalId())
                        .isEqualTo(bands.get(key));
            }
            assertThat(hedges).as("the whale's limits are applied").anyMatch(h -> h.getProviderId().equals(HostileCorpus.WHALE));
            assertThat(skew).isNotEmpty();

            int restarts = BallastRig.restarts(cluster, job.getJobID());
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            assertThat(status).as("the job never failed").isEqualTo(JobStatus.RUNNING);
            assertThat(restarts).isZero();

            report(corpus, sent, rejected, hedges, restarts, doneMs);
        } finally {
            BallastRig.cancel(job);
        }
    }

    private static void report(HostileCorpus corpus, Map<String, HostileCorpus.Item> sent, List<RejectedRecord> rejected,
                               List<RebalanceSignal> hedges, int restarts, long doneMs) {
        Map<String, Map<String, Long>> byTopic = new TreeMap<>();
        for (RejectedRecord r : rejected) {
            String topic = r.getSourceTopic().substring(r.getSourceTopic().lastIndexOf('-') + 1);
            byTopic.computeIfAbsent(topic, t -> new TreeMap<>()).merge(r.getReason(), 1L, Long::sum);
        }
        Map<String, Long> byReason = rejected.stream().collect(Collectors.groupingBy(RejectedRecord::getReason, TreeMap::new,
                Collectors.counting()));
        long good = sent.values().stream().filter(i -> i.reason == null).count();
        Map<String, Long> kinds = new TreeMap<>();
        for (HostileCorpus.Item i : sent.values()) {
            if (i.reason != null) {
                kinds.merge(i.reason + ": " + i.kind, 1L, Long::sum);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("hostile corpus: %d records sent (%d good, %d bad), %d rejected; %d restarts; all output "
                        + "complete %d ms after the job started", sent.size(), good, sent.size() - good, rejected.size(),
                restarts, doneMs));
        lines.add("  rejected by reason: " + byReason);
        lines.add("  rejected by topic and reason: " + byTopic);
        lines.add(String.format("  good fills %d (by provider %s), exact positions of %d books, %d hedges at the limits' bands",
                corpus.goodTrades().size() + 1, corpus.fillsByProvider, corpus.positions.size(), hedges.size()));
        lines.add("  bad kinds: " + kinds.size());
        kinds.forEach((k, n) -> lines.add("    " + n + " x " + k));
        System.out.println(String.join(System.lineSeparator(), lines));
    }
}
