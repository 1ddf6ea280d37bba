package io.ballast.evolution;

import io.ballast.testing.BallastRig;
import io.ballast.testing.KafkaBrokerExtension;
import io.ballast.testing.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed savepoint fixture ({@code src/test/resources/savepoints/ballast-v1}, written by
 * {@link WriteStateFixtureITCase}) restored by today's job: as is, after a compatible change of the
 * state types, and after an incompatible one. Each test has a broker of its own, with the fixture's
 * topics and input put back at the offsets the savepoint remembers.
 */
class StateEvolutionITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void theFixtureRestoresAtAnotherParallelismAndCarriesOn(@InjectMiniCluster MiniCluster cluster) throws Exception {
        FixtureFacts facts = FixtureFacts.load();
        try (KafkaBrokerExtension broker = KafkaBrokerExtension.builder().build()) {
            broker.start();
            BallastRig rig = new BallastRig(broker, REGISTRY.url(), dir.resolve("checkpoints"), 2, StateFixture.PREFIX);
            Continuation continuation = new Continuation(rig, facts);
            continuation.sendInput();
            JobClient job = rig.start(rig.config(StateFixture.jobArgs()), 1, facts.savepoint().toUri().toString());
            try {
                String summary = continuation.awaitAndCheck();
                assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
                assertThat(BallastRig.restarts(cluster, job.getJobID())).isZero();
                System.out.println("fixture restored by the current code at parallelism 1: " + summary);
            } finally {
                BallastRig.cancel(job);
            }
        }
    }
}
