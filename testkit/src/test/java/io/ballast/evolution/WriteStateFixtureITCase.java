package io.ballast.evolution;

import io.ballast.testkit.Await;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.VolSkew;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the savepoint fixture of {@link StateEvolutionITCase}; runs only when asked to:
 *
 * <pre>
 * ./mvnw -B verify -pl testkit -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=WriteStateFixtureITCase \
 *     -Dballast.write-state-fixture=$PWD/testkit/src/test/resources/savepoints/ballast-vN
 * </pre>
 *
 * The job of the current code runs on the fixed input of {@link StateFixture} (exactly-once, parallelism
 * 2, RocksDB) until it has processed all of it, then stops with a canonical savepoint, which is copied
 * into the directory named by the property (replacing what is there; see savepoints/README.md), with
 * {@code fixture.properties}: what the committed output said at the stop (last snapshot and signal
 * sequence per key, positions).
 */
class WriteStateFixtureITCase {

    static final String PROPERTY = "ballast.write-state-fixture";

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    @EnabledIfSystemProperty(named = PROPERTY, matches = ".+")
    void writeTheSavepointFixture() throws Exception {
        Path out = Paths.get(System.getProperty(PROPERTY)).toAbsolutePath();
        try (KafkaBrokerExtension broker = KafkaBrokerExtension.builder().build()) {
            broker.start();
            BallastRig rig = new BallastRig(broker, REGISTRY.url(), dir.resolve("checkpoints"), 2, StateFixture.PREFIX);
            rig.send(StateFixture.limits(rig));
            rig.send(StateFixture.quotes(rig));
            rig.send(StateFixture.tradeRecords(rig));
            int fills = StateFixture.trades().size();

            JobClient job = rig.start(rig.config(StateFixture.jobArgs()), 2, null);
            rig.until(rig.rejected, RejectedRecord.class, r -> r.size() >= 1);
            rig.until(rig.risk, RiskSnapshot.class, r -> r.size() >= fills);
            rig.until(rig.skew, VolSkew.class, s -> s.stream().anyMatch(v ->
                    v.getAsOf().toEpochMilli() >= StateFixture.T0.plusSeconds(60).toEpochMilli()));
            String savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(60), "the job to stop", () -> {
                try {
                    return job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
                } catch (Exception e) {
                    return true;
                }
            });

            List<RiskSnapshot> risk = rig.all(rig.risk, RiskSnapshot.class);
            List<RebalanceSignal> signals = rig.all(rig.signals, RebalanceSignal.class);
            Properties expected = expectations(risk, signals);
            expected.setProperty("rejected", Integer.toString(rig.all(rig.rejected, RejectedRecord.class).size()));
            expected.setProperty("vol-skew", Integer.toString(rig.all(rig.skew, VolSkew.class).size()));

            replace(out, Paths.get(URI.create(savepoint)));
            try (Writer w = Files.newBufferedWriter(out.resolve(FixtureFacts.FILE), StandardCharsets.UTF_8)) {
                expected.store(w, "What the committed output said when the fixture savepoint was taken, "
                        + Instant.now() + ", by " + WriteStateFixtureITCase.class.getSimpleName());
            }
            System.out.printf("state fixture written to %s: %s%n", out, new TreeMap<>(expected));
            assertThat(out.resolve("_metadata")).exists();
        }
    }

    private static Properties expectations(List<RiskSnapshot> risk, List<RebalanceSignal> signals) {
        Properties p = new Properties();
        Map<String, RiskSnapshot> last = new TreeMap<>();
        for (RiskSnapshot r : risk) {
            last.merge(r.getProviderId() + "/" + r.getUnderlying(), r,
                    (a, b) -> a.getSequence() >= b.getSequence() ? a : b);
        }
        for (Map.Entry<String, RiskSnapshot> e : last.entrySet()) {
            p.setProperty(FixtureFacts.SNAPSHOT + e.getKey(), Long.toString(e.getValue().getSequence()));
            p.setProperty(FixtureFacts.NET_DELTA + e.getKey(), Double.toString(e.getValue().getNetDelta()));
            p.setProperty(FixtureFacts.SIGNAL + e.getKey(), "0");
        }
        for (RebalanceSignal s : signals) {
            String key = s.getProviderId() + "/" + s.getUnderlying();
            String id = s.getSignalId();
            long seq = Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
            long known = Long.parseLong(p.getProperty(FixtureFacts.SIGNAL + key, "0"));
            p.setProperty(FixtureFacts.SIGNAL + key, Long.toString(Math.max(known, seq)));
        }
        return p;
    }

    private static void replace(Path target, Path savepoint) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(savepoint)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(savepoint.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }
}
