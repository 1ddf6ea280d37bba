package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import io.ballast.config.ConfigException;
import io.ballast.config.JobOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the CRD schema cannot know: that a FlinkDeployment runs Ballast the way the operations guide
 * says (savepoint upgrades, state on object storage, fixed max parallelism, metrics) and keeps its
 * secrets out of the spec. {@link #problems} lists every finding; empty means fine.
 */
final class FlinkDeploymentChecks {

    static final String JAR_URI = "local:///opt/flink/usrlib/ballast.jar";
    static final String ENTRY_CLASS = "io.ballast.job.BallastJob";
    static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    static final String PROMETHEUS_PORT = "9249";

    /** Names that carry a secret: an env var so named must come from a Secret, an argument so named must not be literal. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|JAAS|TOKEN|USER-INFO|USER_INFO).*");

    /** A Kafka config-provider reference, e.g. ${env:NAME} or ${file:/path:key}. */
    static final Pattern PROVIDER_REFERENCE = Pattern.compile("^\\$\\{([A-Za-z0-9_-]+):([^}]*)}$");

    private FlinkDeploymentChecks() {
    }

    static List<String> problems(JsonNode doc) {
        List<String> p = new ArrayList<>();
        if (!FlinkDeploymentCrd.API_VERSION.equals(doc.path("apiVersion").asText())
                || !"FlinkDeployment".equals(doc.path("kind").asText())) {
            p.add("not a " + FlinkDeploymentCrd.API_VERSION + " FlinkDeployment");
            return p;
        }
        JsonNode spec = doc.path("spec");
        JsonNode job = spec.path("job");
        JsonNode conf = spec.path("flinkConfiguration");

        // Version and image.
        expect(p, spec, "flinkVersion", Repo.operatorFlinkVersion());
        String image = spec.path("image").asText("");
        if (image.isEmpty() || !image.substring(image.lastIndexOf('/') + 1).contains(":") || image.endsWith(":latest")) {
            p.add("spec.image '" + image + "' must name a fixed tag (not latest): upgrades are image tag changes");
        }
        if (spec.path("serviceAccount").asText("").isEmpty()) {
            p.add("spec.serviceAccount is not set");
        }

        // The job, in application mode, upgraded through savepoints.
        expect(p, job, "jarURI", JAR_URI);
        if (job.has("entryClass")) {
            expect(p, job, "entryClass", ENTRY_CLASS);
        }
        expect(p, job, "upgradeMode", "savepoint");
        expect(p, job, "state", "running");

        // State, checkpoints, HA and metrics.
        expectConf(p, conf, "state.backend.type", "rocksdb");
        expectConf(p, conf, "execution.checkpointing.incremental", "true");
        expectConf(p, conf, "high-availability.type", "kubernetes");
        String checkpointDir = conf.path("execution.checkpointing.dir").asText("");
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            String v = conf.path(key).asText("");
            if (!v.startsWith("s3://")) {
                p.add("flinkConfiguration." + key + " is '" + v + "': expected an s3:// URI (object storage outlives the pods)");
            }
        }
        expectConf(p, conf, "metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
        expectConf(p, conf, "metrics.reporter.prom.port", PROMETHEUS_PORT);
        conf.fieldNames().forEachRemaining(key -> {
            for (String problem : FlinkConfigKeys.get().problems(key)) {
                p.add("flinkConfiguration: " + problem);
            }
            if (SECRET_NAME.matcher(key).matches()) {
                p.add("flinkConfiguration." + key + " holds a secret in the spec: use an env var from a Secret");
            }
        });

        // Resources.
        for (String part : List.of("jobManager", "taskManager")) {
            for (String r : List.of("memory", "cpu")) {
                if (spec.path(part).path("resource").path(r).isMissingNode()) {
                    p.add("spec." + part + ".resource." + r + " is not set");
                }
            }
        }

        // Containers: plugins and secrets.
        List<JsonNode> containers = containers(spec);
        Map<String, JsonNode> env = new HashMap<>();
        for (JsonNode c : containers) {
            for (JsonNode e : c.path("env")) {
                String name = e.path("name").asText();
                env.putIfAbsent(name, e);
                if (SECRET_NAME.matcher(name).matches() && (e.has("value") || !e.has("valueFrom"))) {
                    p.add("env " + name + " in container " + c.path("name").asText()
                            + " must come from a Secret (valueFrom.secretKeyRef), never an inline value");
                }
            }
        }
        String plugins = env.containsKey("ENABLE_BUILT_IN_PLUGINS")
                ? env.get("ENABLE_BUILT_IN_PLUGINS").path("value").asText("") : "";
        Set<String> wanted = Set.of("flink-s3-fs-presto-" + Repo.flinkVersion() + ".jar",
                "flink-s3-fs-hadoop-" + Repo.flinkVersion() + ".jar");
        if (Set.of(plugins.split(";")).stream().noneMatch(wanted::contains)) {
            p.add("env ENABLE_BUILT_IN_PLUGINS is '" + plugins + "': expected one of " + wanted
                    + " (the S3 file system of the image's Flink version)");
        }

        // The job's arguments, parsed by the job's own parser.
        List<String> args = new ArrayList<>();
        job.path("args").forEach(a -> args.add(a.asText()));
        BallastConfig config;
        try {
            // As the pod would parse them; secret references resolve to a stand-in (checked below).
            config = BallastConfig.fromArgs(args, name -> "from-secret:" + name);
        } catch (ConfigException e) {
            p.add("job.args are rejected by the job: " + e.getMessage());
            return p;
        }
        if (config.get(JobOptions.LOCAL)) {
            p.add("job.args set --local: the job would start its own MiniCluster inside the JobManager");
        }
        if (!config.isSet(BallastOptions.CHECKPOINT_DIR)
                || !config.get(BallastOptions.CHECKPOINT_DIR).equals(checkpointDir)) {
            p.add("job.args --checkpoint.dir is '" + (config.isSet(BallastOptions.CHECKPOINT_DIR) ? config.get(BallastOptions.CHECKPOINT_DIR) : "(not set: file:///tmp/ballast/checkpoints)")
                    + "': it must equal flinkConfiguration.execution.checkpointing.dir '" + checkpointDir
                    + "' (the job sets its checkpoint directory itself)");
        }
        String maxParallelism = conf.path("pipeline.max-parallelism").asText("");
        if (!String.valueOf(config.get(BallastOptions.MAX_PARALLELISM)).equals(maxParallelism)) {
            p.add("flinkConfiguration.pipeline.max-parallelism is '" + maxParallelism + "' but the job's --max-parallelism is "
                    + config.get(BallastOptions.MAX_PARALLELISM) + ": they must be equal, and never change for the life of the state");
        }
        if (config.isSet(BallastOptions.PARALLELISM)) {
            p.add("job.args set --parallelism: it overrides spec.job.parallelism, so rescaling through the spec would do nothing");
        }
        if (!job.path("parallelism").canConvertToInt() || job.path("parallelism").asInt() < 1
                || job.path("parallelism").asInt() > config.get(BallastOptions.MAX_PARALLELISM)) {
            p.add("spec.job.parallelism must be between 1 and the max parallelism " + config.get(BallastOptions.MAX_PARALLELISM));
        }

        // Secret-bearing arguments: only Kafka config-provider references, resolved from Secret-backed env vars.
        Set<String> providers = new HashSet<>();
        String declared = config.kafkaProperties().getProperty("config.providers", "");
        for (String provider : declared.split(",")) {
            if (!provider.isBlank()) {
                providers.add(provider.trim());
            }
        }
        for (int i = 0; i + 1 < args.size(); i++) {
            String name = args.get(i);
            if (!name.startsWith("--") || !SECRET_NAME.matcher(name).matches()) {
                continue;
            }
            String value = args.get(i + 1);
            Matcher ref = PROVIDER_REFERENCE.matcher(value);
            if (!name.startsWith("--" + BallastOptions.KAFKA_PREFIX)) {
                // Ballast's own secret options take ${env:NAME} or ${file:PATH} references.
                if (value.startsWith("${env:") && value.endsWith("}")) {
                    String var = value.substring("${env:".length(), value.length() - 1);
                    JsonNode e = env.get(var);
                    if (e == null || !e.path("valueFrom").has("secretKeyRef")) {
                        p.add("job.args " + name + " reads env var " + var + ", which no container defines from a Secret");
                    }
                } else if (!(value.startsWith("${file:") && value.endsWith("}"))) {
                    p.add("job.args " + name + " puts a credential in the spec (and the ConfigMap the operator makes of it); "
                            + "pass a reference instead: ${env:NAME} of a Secret-backed env var, or ${file:PATH} of a mounted secret");
                }
            } else if (!ref.matches()) {
                p.add("job.args " + name + " has a literal value: use a Kafka config-provider reference such as ${env:NAME}");
            } else {
                String provider = ref.group(1);
                if (!providers.contains(provider)
                        || config.kafkaProperties().getProperty("config.providers." + provider + ".class") == null) {
                    p.add("job.args " + name + " refers to config provider '" + provider
                            + "', which --kafka.config.providers and --kafka.config.providers." + provider + ".class do not declare");
                }
                if (provider.equals("env")) {
                    JsonNode e = env.get(ref.group(2));
                    if (e == null || !e.path("valueFrom").has("secretKeyRef")) {
                        p.add("job.args " + name + " reads env var " + ref.group(2)
                                + ", which no container defines from a Secret");
                    }
                }
            }
        }
        return p;
    }

    /** Every container of the pod templates (common, JobManager, TaskManager). */
    static List<JsonNode> containers(JsonNode spec) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode template : List.of(spec.path("podTemplate"), spec.path("jobManager").path("podTemplate"),
                spec.path("taskManager").path("podTemplate"))) {
            template.path("spec").path("containers").forEach(out::add);
            template.path("spec").path("initContainers").forEach(out::add);
        }
        return out;
    }

    /** (secret name, key) pairs referenced by secretKeyRef in the containers. */
    static Set<List<String>> secretKeyRefs(JsonNode spec) {
        Set<List<String>> refs = new HashSet<>();
        for (JsonNode c : containers(spec)) {
            for (JsonNode e : c.path("env")) {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    refs.add(List.of(ref.path("name").asText(), ref.path("key").asText()));
                }
            }
        }
        return refs;
    }

    private static void expect(List<String> p, JsonNode node, String field, String expected) {
        String actual = node.path(field).asText("");
        if (!expected.equals(actual)) {
            p.add(field + " is '" + actual + "': expected '" + expected + "'");
        }
    }

    private static void expectConf(List<String> p, JsonNode conf, String key, String expected) {
        String actual = conf.path(key).asText("");
        if (!expected.equals(actual)) {
            p.add("flinkConfiguration." + key + " is '" + actual + "': expected '" + expected + "'");
        }
    }
}
