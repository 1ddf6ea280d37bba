package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The FlinkDeployment schema of the Flink Kubernetes Operator, read from the CRD that ships in
 * {@code flink-kubernetes-operator-api} ({@value #CRD_RESOURCE}), converted to JSON Schema, with one
 * patch: {@code spec.flinkVersion} also admits the build's own Flink version (e.g. {@code v2_2}), which
 * the newest operator-api on Maven Central predates. Nothing else is relaxed.
 */
final class FlinkDeploymentCrd {

    /** The apiextensions.k8s.io/v1 form of the CRD (the -v1beta1.yml file is the legacy CRD format). */
    static final String CRD_RESOURCE = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    static final String API_VERSION = "flink.apache.org/v1beta1";
    static final String FLINK_VERSION_ENUM = "/properties/spec/properties/flinkVersion/enum";

    private final JsonNode crd;
    private final ObjectNode jsonSchema;
    private final List<String> originalFlinkVersions;
    private final JsonSchema validator;
    private final OpenApiToJsonSchema converter = new OpenApiToJsonSchema();

    private FlinkDeploymentCrd(JsonNode crd, String addedFlinkVersion) {
        this.crd = crd;
        JsonNode version = servedVersion(crd, "v1beta1");
        this.jsonSchema = converter.resource(version.at("/schema/openAPIV3Schema"));
        JsonNode e = jsonSchema.at(FLINK_VERSION_ENUM);
        if (!(e instanceof ArrayNode enumValues)) {
            throw new IllegalStateException("The CRD has no enum at " + FLINK_VERSION_ENUM);
        }
        List<String> original = new ArrayList<>();
        enumValues.forEach(v -> original.add(v.asText()));
        this.originalFlinkVersions = List.copyOf(original);
        if (!original.contains(addedFlinkVersion)) {
            enumValues.add(addedFlinkVersion);
        }
        this.validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(jsonSchema);
    }

    /** The CRD on the test classpath, with {@code addedFlinkVersion} admitted in spec.flinkVersion. */
    static FlinkDeploymentCrd load(String addedFlinkVersion) {
        try (InputStream in = FlinkDeploymentCrd.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CRD_RESOURCE + " is not on the test classpath: is "
                        + "org.apache.flink:flink-kubernetes-operator-api a test dependency?");
            }
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new FlinkDeploymentCrd(Repo.yamlDocuments(yaml).get(0), addedFlinkVersion);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode servedVersion(JsonNode crd, String name) {
        if (!"apiextensions.k8s.io/v1".equals(crd.path("apiVersion").asText())
                || !"CustomResourceDefinition".equals(crd.path("kind").asText())) {
            throw new IllegalStateException("Not an apiextensions.k8s.io/v1 CustomResourceDefinition");
        }
        for (JsonNode v : crd.at("/spec/versions")) {
            if (name.equals(v.path("name").asText()) && v.path("served").asBoolean()) {
                return v;
            }
        }
        throw new IllegalStateException("The CRD serves no version " + name);
    }

    JsonNode crd() {
        return crd;
    }

    ObjectNode jsonSchema() {
        return jsonSchema;
    }

    /** spec.flinkVersion values as the operator-api ships them, before the patch. */
    List<String> originalFlinkVersions() {
        return originalFlinkVersions;
    }

    OpenApiToJsonSchema converter() {
        return converter;
    }

    /** Schema violations of one FlinkDeployment document, as "path: message"; empty when valid. */
    List<String> validate(JsonNode document) {
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : validator.validate(document)) {
            out.add(m.getMessage());
        }
        out.sort(null);
        return out;
    }
}
