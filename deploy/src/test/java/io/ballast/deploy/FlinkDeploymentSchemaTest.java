package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every FlinkDeployment under deploy/ against the operator's own CRD schema. */
class FlinkDeploymentSchemaTest {

    private static FlinkDeploymentCrd crd;

    @BeforeAll
    static void loadCrd() {
        crd = FlinkDeploymentCrd.load(Repo.operatorFlinkVersion());
    }

    @Test
    void theCrdComesFromThePinnedOperatorApi() {
        String where = FlinkDeploymentCrd.class.getClassLoader().getResource(FlinkDeploymentCrd.CRD_RESOURCE).toString();
        assertThat(where).contains("flink-kubernetes-operator-api-" + System.getProperty("ballast.operator-api.version") + ".jar");
        assertThat(crd.crd().at("/spec/names/kind").asText()).isEqualTo("FlinkDeployment");
    }

    @Test
    void onlyTheBuildsFlinkVersionIsAddedToTheFlinkVersionEnum() {
        List<String> patched = new ArrayList<>();
        crd.jsonSchema().at(FlinkDeploymentCrd.FLINK_VERSION_ENUM).forEach(v -> patched.add(v.asText()));
        List<String> expected = new ArrayList<>(crd.originalFlinkVersions());
        if (!expected.contains(Repo.operatorFlinkVersion())) {
            expected.add(Repo.operatorFlinkVersion());
        }
        assertThat(patched).isEqualTo(expected);
        assertThat(crd.originalFlinkVersions()).contains("v1_20");
        System.out.println("spec.flinkVersion: operator-api " + System.getProperty("ballast.operator-api.version")
                + " ships " + crd.originalFlinkVersions() + ", the test admits " + Repo.operatorFlinkVersion()
                + " as well; dropped OpenAPI keys: " + crd.converter().dropped());
    }

    @Test
    void theConvertedSchemaRejectsUnknownFieldsLikeStrictFieldValidation() {
        assertThat(crd.jsonSchema().at("/additionalProperties").asBoolean(true)).isFalse();
        assertThat(crd.jsonSchema().at("/properties/spec/additionalProperties").asBoolean(true)).isFalse();
        assertThat(crd.jsonSchema().at("/properties/spec/properties/job/additionalProperties").asBoolean(true)).isFalse();
        // A map of strings stays a map of strings.
        assertThat(crd.jsonSchema().at("/properties/spec/properties/flinkConfiguration/additionalProperties/type").asText())
                .isEqualTo("string");
    }

    static Stream<Docs.Doc> flinkDeployments() {
        List<Docs.Doc> docs = Docs.ofKind("FlinkDeployment");
        assertThat(docs).as("FlinkDeployment documents under deploy/").isNotEmpty();
        return docs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flinkDeployments")
    void everyFlinkDeploymentUnderDeployMatchesTheCrdSchema(Docs.Doc doc) {
        assertThat(doc.node().path("apiVersion").asText()).isEqualTo(FlinkDeploymentCrd.API_VERSION);
        assertThat(crd.validate(doc.node())).as("schema violations of %s", doc).isEmpty();
    }

    static Stream<Arguments> brokenCopies() {
        JsonNodeFactory n = JsonNodeFactory.instance;
        return Stream.of(
                broken("a misspelt field", "upgardeMode",
                        d -> ((ObjectNode) d.at("/spec/job")).set("upgardeMode", TextNode.valueOf("savepoint"))),
                broken("an unknown field under spec", "jobb",
                        d -> ((ObjectNode) d.at("/spec")).set("jobb", n.objectNode())),
                broken("an unknown upgrade mode", "upgradeMode",
                        d -> Docs.set(d, "/spec/job/upgradeMode", "savepiont")),
                broken("a Flink version the operator does not know", "flinkVersion",
                        d -> Docs.set(d, "/spec/flinkVersion", "v9_9")),
                broken("another 2.x version than the build's", "flinkVersion",
                        d -> Docs.set(d, "/spec/flinkVersion", "v2_1")),
                broken("parallelism as text", "parallelism",
                        d -> Docs.set(d, "/spec/job/parallelism", "four")),
                broken("args as one string", "args",
                        d -> Docs.set(d, "/spec/job/args", "--bootstrap kafka:9092")),
                broken("a TaskManager memory as a number", "memory",
                        d -> Docs.set(d, "/spec/taskManager/resource/memory", IntNode.valueOf(4096))),
                broken("a flinkConfiguration value that is not a string", "flinkConfiguration",
                        d -> Docs.set(d, "/spec/flinkConfiguration/taskmanager.numberOfTaskSlots", IntNode.valueOf(2))),
                broken("an env var with an unknown field", "valueForm",
                        d -> ((ObjectNode) d.at("/spec/podTemplate/spec/containers/0/env/0")).set("valueForm", n.objectNode())),
                broken("an unknown job state", "state",
                        d -> Docs.set(d, "/spec/job/state", "started")));
    }

    private static Arguments broken(String what, String expectedInMessage, Consumer<ObjectNode> change) {
        return Arguments.of(what, expectedInMessage, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCopies")
    void aBrokenCopyOfTheManifestFailsTheSchema(String what, String expectedInMessage, Consumer<ObjectNode> change) {
        JsonNode broken = Docs.mutate(Docs.flinkDeployment(), change);
        List<String> errors = crd.validate(broken);
        System.out.println(what + " -> " + errors);
        assertThat(errors).as(what).isNotEmpty();
        assertThat(String.join("\n", errors)).as(what).contains(expectedInMessage);
    }
}
