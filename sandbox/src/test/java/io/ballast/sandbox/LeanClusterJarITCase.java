package io.ballast.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 5, item 6: the job jar that goes to a cluster holds none of the sandbox: no broker, no registry,
 * no MiniCluster, no simulator, no chart library.
 */
class LeanClusterJarITCase {

    private static final List<String> FORBIDDEN = List.of(
            "io/ballast/sandbox/",
            "kafka/server/KafkaRaftServer",
            "kafka/Kafka.class",
            "org/apache/kafka/raft/",
            "org/apache/kafka/metadata/storage/",
            "io/apicurio/",
            "io/quarkus/",
            "org/apache/flink/runtime/minicluster/",
            "org/apache/flink/runtime/webmonitor/WebRuntimeMonitor",
            "META-INF/resources/webjars/");

    @Test
    void theClusterJarHoldsNoneOfTheSandbox() throws Exception {
        Path jar = Path.of(System.getProperty("ballast.cluster.jar", "../jobs/target/missing.jar"));
        assumeTrue(Files.exists(jar), "the job's cluster jar is built by the jobs module: " + jar);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> found = zip.stream().map(ZipEntry::getName)
                    .filter(n -> FORBIDDEN.stream().anyMatch(n::startsWith))
                    .limit(20)
                    .toList();
            assertThat(found).as("sandbox classes in " + jar.getFileName()).isEmpty();
            assertThat(zip.getEntry("io/ballast/job/BallastJob.class")).as("the job itself").isNotNull();
        }
    }
}
