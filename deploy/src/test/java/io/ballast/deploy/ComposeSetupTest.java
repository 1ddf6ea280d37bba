package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import io.ballast.config.JobOptions;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/: the compose file, its .env, the Flink configuration and the scripts agree with each other,
 * with the build's versions and with the job's own options. (`.ci/validate-deploy` checks the compose
 * syntax with docker-compose itself.)
 */
class ComposeSetupTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_]+)[^}]*}");

    /** The compose file with anchors and merge keys resolved, as compose reads it. */
    private static JsonNode compose() {
        Object loaded = new Yaml().load(Repo.read(Repo.path("docker/compose.yaml")));
        return Repo.JSON.valueToTree(loaded);
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Repo.read(Repo.path("docker/.env")).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static Map<String, String> flinkConf() {
        return Repo.flatten(Repo.yamlDocuments(Repo.path("docker/conf/config.yaml")).get(0));
    }

    @Test
    void imageVersionsComeFromTheEnvFileAndMatchTheBuild() {
        JsonNode services = compose().path("services");
        services.fields().forEachRemaining(s -> {
            JsonNode image = s.getValue().path("image");
            if (!image.isMissingNode()) {
                assertThat(image.asText()).as("image of %s", s.getKey()).matches("\\$\\{[A-Z_]+:\\?.*}");
                assertThat(env()).as("docker/.env").containsKey(VARIABLE.matcher(image.asText()).results().findFirst().orElseThrow().group(1));
            }
            s.getValue().path("build").path("args").fields().forEachRemaining(a ->
                    assertThat(a.getValue().asText()).as("build arg %s of %s", a.getKey(), s.getKey()).startsWith("${"));
        });
        assertThat(env().get("FLINK_IMAGE")).isEqualTo("flink:" + Repo.flinkVersion() + "-scala_2.12-java17");
        assertThat(env().get("KAFKA_IMAGE")).isEqualTo("apache/kafka:" + Repo.kafkaVersion());
        assertThat(env().get("BUILD_IMAGE")).contains("eclipse-temurin-17");
        for (String line : Repo.read(Repo.path("docker/Dockerfile")).split("\n")) {
            if (line.startsWith("FROM ")) {
                assertThat(line).as("Dockerfile").matches("FROM (\\$\\{(BUILD_IMAGE|FLINK_IMAGE)}|build) AS [a-z]+");
            }
        }
    }

    @Test
    void theSubmittedJobArgumentsAreAcceptedByTheJobAndMatchTheClusterConfiguration() {
        JsonNode submit = compose().at("/services/job-submit");
        List<String> command = new ArrayList<>();
        submit.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command.get(0)).isEqualTo("/opt/ballast/bin/submit-job.sh");
        BallastConfig config = BallastConfig.fromArgs(command.subList(1, command.size()));

        Map<String, String> conf = flinkConf();
        assertThat(config.get(BallastOptions.CHECKPOINT_DIR)).isEqualTo(conf.get("execution.checkpointing.dir"));
        assertThat(String.valueOf(config.get(BallastOptions.MAX_PARALLELISM))).isEqualTo(conf.get("pipeline.max-parallelism"));
        assertThat(config.isSet(BallastOptions.PARALLELISM)).isFalse();
        assertThat(config.get(BallastOptions.BOOTSTRAP)).isEqualTo("kafka:9092");
        assertThat(compose().at("/services/kafka/environment/KAFKA_ADVERTISED_LISTENERS").asText()).contains("PLAINTEXT://kafka:9092");
        assertThat(config.get(BallastOptions.REGISTRY)).isEqualTo("http://schema-registry:8081");
        assertThat(compose().at("/services/schema-registry/environment/SCHEMA_REGISTRY_LISTENERS").asText()).endsWith(":8081");

        // Checkpoints and savepoints on the volume both the JobManager and the TaskManager mount.
        for (String service : List.of("jobmanager", "taskmanager")) {
            List<String> volumes = new ArrayList<>();
            compose().at("/services/" + service + "/volumes").forEach(v -> volumes.add(v.asText()));
            assertThat(volumes).as(service).contains("flink-data:/flink-data", "./conf:/opt/ballast/conf:ro");
        }
        assertThat(conf.get("execution.checkpointing.dir")).startsWith("file:///flink-data/");
        assertThat(conf.get("execution.checkpointing.savepoint-dir")).startsWith("file:///flink-data/");
    }

    @Test
    void theJobsTransactionTimeoutFitsTheBrokersMaximum() {
        long brokerMax = compose().at("/services/kafka/environment/KAFKA_TRANSACTION_MAX_TIMEOUT_MS").asLong();
        Duration jobTimeout = BallastOptions.TRANSACTION_TIMEOUT.defaultValue();
        assertThat(brokerMax).isEqualTo(900_000L);
        assertThat(jobTimeout.toMillis()).isLessThanOrEqualTo(brokerMax);
    }

    @Test
    void theTopicInitCreatesEveryTopicOfTheContractWithRiskLimitsCompacted() {
        String script = Repo.read(Repo.path("docker/bin/create-topics.sh"));
        List<ConfigOption<String>> topics = List.of(BallastOptions.TOPIC_QUOTES, BallastOptions.TOPIC_TRADES,
                BallastOptions.TOPIC_RISK_LIMITS, BallastOptions.TOPIC_SIGNALS, BallastOptions.TOPIC_RISK,
                BallastOptions.TOPIC_VOL_SKEW, BallastOptions.TOPIC_REJECTED);
        for (ConfigOption<String> t : topics) {
            assertThat(script).as("topic %s", t.defaultValue()).containsPattern("(?m)^create " + Pattern.quote(t.defaultValue()) + "( |$)");
        }
        assertThat(script).containsPattern("(?m)^create risk-limits --config cleanup.policy=compact$");
        assertThat(compose().at("/services/kafka/environment/KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
        assertThat(compose().at("/services/job-submit/depends_on/topic-init/condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void theFlinkConfigurationUsesFlink2KeysRocksDbAndPrometheus() {
        Map<String, String> conf = flinkConf();
        List<String> problems = new ArrayList<>();
        conf.keySet().forEach(k -> problems.addAll(FlinkConfigKeys.get().problems(k)));
        assertThat(problems).isEmpty();
        assertThat(conf).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("metrics.reporter.prom.factory.class", FlinkDeploymentChecks.PROMETHEUS_FACTORY)
                .containsEntry("metrics.reporter.prom.port", FlinkDeploymentChecks.PROMETHEUS_PORT)
                .containsKey("restart-strategy.type")
                .containsKey("env.java.default-opts.all");
        assertThat(conf.get("env.java.default-opts.all")).contains("--add-opens=java.base/java.util=ALL-UNNAMED");
    }

    @Test
    void theSimulatorIsOnlyAPlaceholderBehindItsProfile() {
        JsonNode services = compose().path("services");
        services.fields().forEachRemaining(s -> {
            if (s.getKey().equals("simulator")) {
                assertThat(s.getValue().path("profiles").toString()).isEqualTo("[\"simulator\"]");
                assertThat(s.getValue().at("/build/target").asText()).isEqualTo("simulator");
            } else {
                assertThat(s.getValue().has("profiles")).as("%s runs by default", s.getKey()).isFalse();
            }
        });
        assertThat(Repo.read(Repo.path("docker/Dockerfile"))).contains("io.ballast.sandbox.Simulator");
    }
}
