package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.config.JobOptions;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production topics: deploy/topics/create-topics.sh, the Strimzi KafkaTopics of deploy/k8s/topics
 * and the table of docs/operations.md name the job's nine topics (its --topic.* defaults) with the
 * same partitions, replicas and settings; the script parses, and run against stand-ins of the Kafka
 * tools it issues the commands for every topic, names overridden as the job's options are.
 */
class TopicsTest {

    static final Path SCRIPT = Repo.path("deploy/topics/create-topics.sh");
    static final Path GUIDE = Repo.path("docs/operations.md");
    static final int REPLICAS = 3;
    /** Settings every topic has (the script's COMMON_SETTINGS and its default --min-insync-replicas). */
    static final Map<String, String> COMMON = Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false");

    record Topic(int partitions, int replicas, Map<String, String> settings) {
    }

    /** The job's topic options: option suffix to default topic name. */
    static Map<String, String> jobTopics() {
        Map<String, String> out = new TreeMap<>();
        for (ConfigOption<?> o : JobOptions.all()) {
            if (o.key().startsWith("topic.")) {
                out.put(o.key().substring("topic.".length()), String.valueOf(o.defaultValue()));
            }
        }
        return out;
    }

    /** The TOPICS table of the script: default name to topic, common settings added. */
    static Map<String, Topic> scriptTopics() {
        Pattern row = Pattern.compile("^  \"([a-z-]+)\\|(\\d+)\\|([^\"]*)\"$", Pattern.MULTILINE);
        Matcher m = row.matcher(Repo.read(SCRIPT));
        Map<String, Topic> out = new TreeMap<>();
        while (m.find()) {
            Map<String, String> settings = new TreeMap<>(COMMON);
            for (String kv : m.group(3).split(";")) {
                String[] parts = kv.split("=", 2);
                settings.put(parts[0], parts[1]);
            }
            assertThat(out.put(m.group(1), new Topic(Integer.parseInt(m.group(2)), REPLICAS, settings))).as("topic %s listed twice", m.group(1)).isNull();
        }
        return out;
    }

    static Map<String, Topic> manifestTopics() {
        Map<String, Topic> out = new TreeMap<>();
        for (Docs.Doc d : Docs.ofKind("KafkaTopic")) {
            JsonNode n = d.node();
            assertThat(n.at("/metadata/name").asText()).as("%s", d).isEqualTo(n.at("/spec/topicName").asText());
            assertThat(n.at("/metadata/labels/strimzi.io~1cluster").asText()).as("strimzi.io/cluster of %s", d).isNotBlank();
            Map<String, String> settings = new TreeMap<>();
            n.at("/spec/config").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            out.put(n.at("/spec/topicName").asText(), new Topic(n.at("/spec/partitions").asInt(), n.at("/spec/replicas").asInt(), settings));
        }
        return out;
    }

    static Map<String, Topic> guideTopics() {
        String guide = Repo.read(GUIDE);
        int start = guide.indexOf("## Topics in production");
        assertThat(start).as("docs/operations.md has a section 'Topics in production'").isNotNegative();
        String section = guide.substring(start, guide.indexOf("\n## ", start + 1));
        for (Map.Entry<String, String> e : COMMON.entrySet()) {
            assertThat(section).contains("`" + e.getKey() + "=" + e.getValue() + "`");
        }
        assertThat(section).contains("Every topic: replication factor " + REPLICAS);
        Pattern row = Pattern.compile("^\\| `([a-z-]+)` \\| (\\d+) \\| (\\d+) \\| ([^|]*) \\|", Pattern.MULTILINE);
        Pattern setting = Pattern.compile("`([a-z.]+)=([^`]*)`");
        Matcher m = row.matcher(section);
        Map<String, Topic> out = new TreeMap<>();
        while (m.find()) {
            Map<String, String> settings = new TreeMap<>(COMMON);
            Matcher s = setting.matcher(m.group(4));
            while (s.find()) {
                settings.put(s.group(1), s.group(2));
            }
            out.put(m.group(1), new Topic(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), settings));
        }
        return out;
    }

    @Test
    void theScriptHasEveryTopicOfTheJobUnderItsDefaultName() {
        Map<String, String> job = jobTopics();
        assertThat(job).hasSize(9);
        job.forEach((suffix, name) -> assertThat(name).as("default of --topic.%s", suffix).isEqualTo(suffix));
        assertThat(scriptTopics().keySet()).isEqualTo(job.keySet());
    }

    @Test
    void theManifestsAndTheGuideHoldTheScriptsTopicsAndSettings() {
        Map<String, Topic> script = scriptTopics();
        assertThat(manifestTopics()).as("deploy/k8s/topics against deploy/topics/create-topics.sh").isEqualTo(script);
        assertThat(guideTopics()).as("docs/operations.md against deploy/topics/create-topics.sh").isEqualTo(script);
    }

    @Test
    void settingsFollowTheContract() {
        Map<String, Topic> t = scriptTopics();
        assertThat(t.get("risk-limits").settings()).containsEntry("cleanup.policy", "compact");
        assertThat(t.get("collateral").settings()).containsEntry("cleanup.policy", "compact");
        for (String in : List.of("quotes", "trades", "risk-limits", "collateral")) {
            assertThat(Long.parseLong(t.get("rejected").settings().get("max.message.bytes")))
                    .as("rejected carries whole %s values", in)
                    .isGreaterThan(Long.parseLong(t.get(in).settings().get("max.message.bytes")));
        }
        t.forEach((name, topic) -> {
            assertThat(Integer.parseInt(topic.settings().get("min.insync.replicas"))).as(name).isLessThan(topic.replicas());
            assertThat(topic.partitions()).as(name).isPositive();
        });
    }

    @Test
    void theStrimziKustomizationAppliesTheTopics() {
        Path k = Repo.path("deploy/k8s/topics/kustomization.yaml");
        JsonNode node = Repo.yamlDocuments(k).get(0);
        List<String> resources = new ArrayList<>();
        node.path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactly("topics.yaml");
        assertThat(Docs.ofKind("KafkaTopic")).hasSize(9);
    }

    @Test
    void theScriptParses() throws Exception {
        Result r = run(List.of("bash", "-n", SCRIPT.toString()), Map.of());
        assertThat(r.exit).as(r.out).isZero();
        assertThat(Repo.read(SCRIPT)).startsWith("#!/usr/bin/env bash\n");
        assertThat(Files.isExecutable(SCRIPT)).as("%s is executable", SCRIPT).isTrue();
        if (run(List.of("sh", "-c", "command -v shellcheck"), Map.of()).exit == 0) {
            Result check = run(List.of("shellcheck", SCRIPT.toString()), Map.of());
            assertThat(check.exit).as(check.out).isZero();
        }
    }

    @Test
    void theScriptCreatesEveryTopicAndSetsItsSettingsWithTheKafkaTools(@TempDir Path kafkaHome) throws Exception {
        Path log = fakeKafkaTools(kafkaHome);
        Result r = run(List.of("bash", SCRIPT.toString(), "--bootstrap", "kafka-1:9092", "--command-config", "admin.properties",
                "--topic.quotes", "md.quotes", "--partitions.vol-skew", "4"), Map.of("KAFKA_HOME", kafkaHome.toString()));
        assertThat(r.exit).as(r.out).isZero();
        List<String> calls = Files.readAllLines(log);
        for (Map.Entry<String, Topic> e : scriptTopics().entrySet()) {
            String name = e.getKey().equals("quotes") ? "md.quotes" : e.getKey();
            int partitions = e.getKey().equals("vol-skew") ? 4 : e.getValue().partitions();
            String create = calls.stream().filter(c -> c.startsWith("kafka-topics.sh ") && c.contains(" --create ")
                    && c.contains(" --topic " + name + " ")).findFirst().orElseThrow(() -> new AssertionError("no create of " + name + " in " + calls));
            assertThat(create).contains("--bootstrap-server kafka-1:9092 --command-config admin.properties",
                    "--if-not-exists", "--partitions " + partitions + " ", "--replication-factor " + REPLICAS);
            String alter = calls.stream().filter(c -> c.startsWith("kafka-configs.sh ") && c.contains(" --entity-name " + name + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no alter of " + name + " in " + calls));
            e.getValue().settings().forEach((k, v) -> {
                assertThat(create).contains("--config " + k + "=" + v);
                assertThat(alter).contains(v.contains(",") ? k + "=[" + v + "]" : k + "=" + v);
            });
        }
        assertThat(calls).noneMatch(c -> c.contains("--topic quotes "));
        // The stand-in reports 5 partitions for every topic: the script warns and changes nothing.
        assertThat(r.out).contains("WARNING: md.quotes has 5 partitions, not 12");
    }

    @Test
    void theScriptRefusesUnknownTopicsAndAMissingBootstrap(@TempDir Path kafkaHome) throws Exception {
        fakeKafkaTools(kafkaHome);
        Map<String, String> env = Map.of("KAFKA_HOME", kafkaHome.toString());
        Result unknown = run(List.of("bash", SCRIPT.toString(), "--bootstrap", "k:9092", "--topic.signals", "x"), env);
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.out).contains("unknown option --topic.signals");
        Result noBootstrap = run(List.of("bash", SCRIPT.toString()), env);
        assertThat(noBootstrap.exit).isEqualTo(2);
        assertThat(noBootstrap.out).contains("--bootstrap is required");
        Result help = run(List.of("bash", SCRIPT.toString(), "--help"), env);
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("--topic.<name> NAME");
    }

    /** kafka-topics.sh and kafka-configs.sh stand-ins that log their arguments; returns the log. */
    private static Path fakeKafkaTools(Path home) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path log = home.resolve("calls.log");
        for (String tool : List.of("kafka-topics.sh", "kafka-configs.sh")) {
            Path f = bin.resolve(tool);
            Files.writeString(f, String.join("\n",
                    "#!/usr/bin/env bash",
                    "echo \"" + tool + " $* \" >> '" + log + "'",
                    "for a in \"$@\"; do [ \"$a\" = --describe ] && printf 'Topic: t\\tTopicId: x\\tPartitionCount: 5\\tReplicationFactor: 3\\tConfigs: \\n'; done",
                    "exit 0", ""));
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return log;
    }

    record Result(int exit, String out) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(new LinkedHashMap<>(env));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
