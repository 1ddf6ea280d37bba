package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks the CRD schema cannot make: how Ballast must run, and that secrets stay out of the spec. */
class FlinkDeploymentChecksTest {

    static Stream<Docs.Doc> flinkDeployments() {
        return FlinkDeploymentSchemaTest.flinkDeployments();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flinkDeployments")
    void everyFlinkDeploymentUnderDeployPassesTheChecks(Docs.Doc doc) {
        assertThat(FlinkDeploymentChecks.problems(doc.node())).as("problems of %s", doc).isEmpty();
    }

    @Test
    void theFlinkKeysAreReadFromFlinkItself() {
        assertThat(FlinkConfigKeys.get().size()).isGreaterThan(300);
        assertThat(FlinkConfigKeys.get().problems("execution.checkpointing.dir")).isEmpty();
        assertThat(FlinkConfigKeys.get().problems("state.checkpoints.dir"))
                .containsExactly("'state.checkpoints.dir' is a deprecated Flink key: use 'execution.checkpointing.dir'");
        assertThat(FlinkConfigKeys.get().problems("execution.checkpointing.dri")).hasSize(1);
    }

    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                broken("another jar", "jarURI", d -> Docs.set(d, "/spec/job/jarURI", "local:///opt/flink/usrlib/other.jar")),
                broken("last-state upgrades", "upgradeMode", d -> Docs.set(d, "/spec/job/upgradeMode", "last-state")),
                broken("a suspended job", "state", d -> Docs.set(d, "/spec/job/state", "suspended")),
                broken("the wrong Flink version", "flinkVersion", d -> Docs.set(d, "/spec/flinkVersion", "v1_20")),
                broken("checkpoints on the pod's disk", "s3://", d -> {
                    Docs.set(d, "/spec/flinkConfiguration/execution.checkpointing.dir", "file:///tmp/checkpoints");
                    Docs.setArg(d, "--checkpoint.dir", "file:///tmp/checkpoints");
                }),
                broken("the job checkpointing elsewhere than the cluster", "--checkpoint.dir",
                        d -> Docs.setArg(d, "--checkpoint.dir", "s3://other-bucket/checkpoints")),
                broken("max parallelism differing from the job's", "max-parallelism",
                        d -> Docs.set(d, "/spec/flinkConfiguration/pipeline.max-parallelism", "256")),
                broken("--parallelism in the args", "--parallelism", d -> Docs.setArg(d, "--parallelism", "8")),
                broken("an option the job does not know", "rejected by the job",
                        d -> Docs.setArg(d, "--checkpoint.intervall", "10 s")),
                broken("a value the job rejects", "rejected by the job",
                        d -> Docs.setArg(d, "--delivery.guarantee", "maybe-once")),
                broken("a deprecated Flink 1.x key", "use 'execution.checkpointing.savepoint-dir'",
                        d -> Docs.set(d, "/spec/flinkConfiguration/state.savepoints.dir", "s3://ballast-flink/savepoints")),
                broken("a misspelt Flink key", "not a configuration key",
                        d -> Docs.set(d, "/spec/flinkConfiguration/execution.checkpointing.intervall", "10 s")),
                broken("an inline password env var", "must come from a Secret",
                        d -> Docs.env(d).addObject().put("name", "KAFKA_PASSWORD").put("value", "hunter2")),
                broken("an inline JAAS config argument", "literal value",
                        d -> Docs.setArg(d, "--kafka.sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";")),
                broken("a reference to an env var no Secret backs", "no container defines",
                        d -> Docs.setArg(d, "--kafka.sasl.jaas.config", "${env:BALLAST_KAFKA_NOPE}")),
                broken("a reference to an undeclared provider", "do not declare",
                        d -> Docs.setArg(d, "--kafka.sasl.jaas.config", "${file:/etc/kafka/jaas.properties:sasl.jaas.config}")),
                broken("registry credentials in the args", "puts a credential in the spec",
                        d -> Docs.setArg(d, "--registry.basic-auth.user-info", "user:password")),
                broken("a registry credential from an env var no Secret backs", "no container defines",
                        d -> Docs.setArg(d, "--registry.bearer-token", "${env:BALLAST_REGISTRY_NOPE}")),
                broken("a secret in flinkConfiguration", "holds a secret",
                        d -> Docs.set(d, "/spec/flinkConfiguration/s3.secret-key", "abc")),
                broken("the S3 plugin of another Flink version", "ENABLE_BUILT_IN_PLUGINS", d -> {
                    ArrayNode env = Docs.env(d);
                    for (JsonNode e : env) {
                        if (e.path("name").asText().equals("ENABLE_BUILT_IN_PLUGINS")) {
                            ((ObjectNode) e).put("value", "flink-s3-fs-presto-1.20.0.jar");
                        }
                    }
                }),
                broken("the Prometheus reporter on another port", "metrics.reporter.prom.port",
                        d -> Docs.set(d, "/spec/flinkConfiguration/metrics.reporter.prom.port", "9250")),
                broken("a floating image tag", "fixed tag", d -> Docs.set(d, "/spec/image", "ballast:latest")),
                broken("no TaskManager cpu", "taskManager.resource.cpu",
                        d -> ((ObjectNode) d.at("/spec/taskManager/resource")).remove("cpu")));
    }

    private static Arguments broken(String what, String expectedInProblems, Consumer<ObjectNode> change) {
        return Arguments.of(what, expectedInProblems, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCopies")
    void aBrokenCopyOfTheManifestFailsTheChecks(String what, String expectedInProblems, Consumer<ObjectNode> change) {
        JsonNode broken = Docs.mutate(Docs.flinkDeployment(), change);
        List<String> problems = FlinkDeploymentChecks.problems(broken);
        System.out.println(what + " -> " + problems);
        assertThat(problems).as(what).isNotEmpty();
        assertThat(String.join("\n", problems)).as(what).contains(expectedInProblems);
    }
}
