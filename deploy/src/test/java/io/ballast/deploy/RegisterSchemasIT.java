package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ballast.avro.ContractSchemas;
import io.ballast.config.JobOptions;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.avro.Schema;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schemas/register-schemas.sh against the project's real registry (Apicurio with the Confluent API):
 * every input and output subject ends up holding exactly the schema of the .avsc the build wrote (the
 * job's own registry text), a second run changes nothing, topic names follow --topic.*, and a job
 * with --registry.auto-register false finds its output schemas.
 */
class RegisterSchemasIT {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    static final Path SCRIPT = Repo.path("schemas/register-schemas.sh");
    static final Path SCHEMAS = Repo.path("schemas/target/registry");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everySubjectHoldsTheSchemaOfItsAvscAndASecondRunChangesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> args = new ArrayList<>(List.of("--registry", REGISTRY.url()));
        for (ContractSchemas.Entry e : ContractSchemas.ALL) {
            args.add("--topic." + e.topic());
            args.add(e.topic() + "-" + suffix);
        }
        Result first = run(args, Map.of());
        assertThat(first.exit).as(first.out).isZero();
        assertThat(first.out).contains("registered " + ContractSchemas.ALL.size() + " subjects");

        for (ContractSchemas.Entry e : ContractSchemas.ALL) {
            String subject = e.topic() + "-" + suffix + "-value";
            JsonNode latest = get("/subjects/" + subject + "/versions/latest");
            Schema registered = new Schema.Parser().parse(latest.path("schema").asText());
            Schema avsc = new Schema.Parser().parse(SCHEMAS.resolve(e.recordName() + ".avsc").toFile());
            assertThat(registered).as("%s holds %s.avsc", subject, e.recordName()).isEqualTo(avsc);
            assertThat(registered.toString()).as("%s: the same text as the job registers", subject).isEqualTo(e.schema().toString());
            assertThat(first.out).contains(subject + ": id " + latest.path("id").asInt());
        }

        Result second = run(args, Map.of());
        assertThat(second.exit).as(second.out).isZero();
        for (ContractSchemas.Entry e : ContractSchemas.ALL) {
            String subject = e.topic() + "-" + suffix + "-value";
            assertThat(get("/subjects/" + subject + "/versions")).as("versions of %s after a second run", subject).hasSize(1);
        }

        // The job, not allowed to register, finds each output schema under its subject.
        ConfluentRegistryClient client = new ConfluentRegistryClient(RegistryConfig.builder(REGISTRY.url()).autoRegister(false).build());
        for (ContractSchemas.Entry e : ContractSchemas.ALL) {
            if (e.direction() == ContractSchemas.Direction.OUTPUT) {
                String subject = e.topic() + "-" + suffix + "-value";
                assertThat(client.idFor(subject, e.schema())).as(subject).isEqualTo(get("/subjects/" + subject + "/versions/latest").path("id").asInt());
            }
        }
    }

    @Test
    void theScriptKnowsTheJobsTopicsAndTheContractsRecords() {
        List<String> jobTopics = new ArrayList<>();
        for (ConfigOption<?> o : JobOptions.all()) {
            if (o.key().startsWith("topic.")) {
                jobTopics.add(String.valueOf(o.defaultValue()));
            }
        }
        List<String> contract = ContractSchemas.ALL.stream().map(ContractSchemas.Entry::topic).toList();
        assertThat(new TreeSet<>(contract)).isEqualTo(new TreeSet<>(jobTopics));
        String script = Repo.read(SCRIPT);
        for (ContractSchemas.Entry e : ContractSchemas.ALL) {
            assertThat(script).contains("  \"" + e.topic() + "|" + e.recordName() + "|" + e.direction().name().toLowerCase() + "\"\n");
        }
    }

    @Test
    void basicAuthAndBearerTokensReachTheRegistryAndBadOptionsAreRefused(@TempDir Path dir) throws Exception {
        List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"id\": 42}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", SchemaRegistryExtension.CONFLUENT_JSON);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Path token = Files.writeString(dir.resolve("token"), "s3cret-token\n");
            Result bearer = run(List.of("--registry", url, "--bearer-token-file", token.toString(), "--only", "outputs"), Map.of());
            assertThat(bearer.exit).as(bearer.out).isZero();
            assertThat(authorizations).hasSize(subjects("OUTPUT")).allMatch(a -> a.equals("Bearer s3cret-token"));
            assertThat(bearer.out).doesNotContain("s3cret");

            authorizations.clear();
            Result basic = run(List.of("--registry", url, "--only", "inputs"), Map.of("BALLAST_REGISTRY_USER_INFO", "ballast:pa\"ss"));
            assertThat(basic.exit).as(basic.out).isZero();
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("ballast:pa\"ss".getBytes(StandardCharsets.UTF_8));
            assertThat(authorizations).hasSize(subjects("INPUT")).allMatch(a -> a.equals(expected));

            Result both = run(List.of("--registry", url, "--bearer-token-file", token.toString()), Map.of("BALLAST_REGISTRY_USER_INFO", "u:p"));
            assertThat(both.exit).isEqualTo(2);
            Result noCa = run(List.of("--registry", url, "--cacert", dir.resolve("missing.pem").toString()), Map.of());
            assertThat(noCa.exit).isEqualTo(2);
            assertThat(noCa.out).contains("cannot read the CA file");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRegistryRefusalFailsTheRunNamingTheSubject() throws Exception {
        Result r = run(List.of("--registry", REGISTRY.url().replace("/apis/ccompat/v7", "/apis/nope"), "--only", "inputs"), Map.of());
        assertThat(r.exit).as(r.out).isEqualTo(1);
        assertThat(r.out).contains("quotes-value: FAILED, HTTP 404").contains(subjects("INPUT") + " of " + subjects("INPUT") + " subjects failed");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(REGISTRY.url() + path))
                .header("Accept", SchemaRegistryExtension.CONFLUENT_JSON).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return Repo.JSON.readTree(response.body());
    }

    record Result(int exit, String out) {
    }

    private static Result run(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("BALLAST_REGISTRY_USER_INFO");
        pb.environment().remove("BALLAST_REGISTRY_BEARER_TOKEN");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** The contract's subjects of one direction (INPUT or OUTPUT). */
    private static int subjects(String direction) {
        return (int) ContractSchemas.ALL.stream().filter(e -> e.direction().name().equals(direction)).count();
    }
}
