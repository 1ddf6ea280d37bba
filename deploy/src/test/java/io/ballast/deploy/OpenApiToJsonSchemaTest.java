package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI v3 (structural schema) to JSON Schema conversion, keyword by keyword. */
class OpenApiToJsonSchemaTest {

    private static final String SCHEMA = """
            type: object
            properties:
              port:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
              bare:
                x-kubernetes-int-or-string: true
              note:
                type: string
                nullable: true
              mode:
                type: string
                enum: [a, b]
                nullable: true
              free:
                type: object
                x-kubernetes-preserve-unknown-fields: true
              anything:
                x-kubernetes-preserve-unknown-fields: true
              closed:
                type: object
                properties:
                  x: {type: integer, format: int32, minimum: 0, exclusiveMinimum: true}
              labels:
                type: object
                additionalProperties: {type: string}
              items:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties:
                    name: {type: string}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    private final OpenApiToJsonSchema converter = new OpenApiToJsonSchema();
    private final ObjectNode schema = converter.resource(Repo.yamlDocuments(SCHEMA).get(0));

    private Set<?> errors(String yaml) {
        JsonNode doc = Repo.yamlDocuments(yaml).get(0);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schema).validate(doc);
    }

    @Test
    void intOrStringTakesBothAndNothingElse() {
        assertThat(errors("{port: 8080, bare: 1}")).isEmpty();
        assertThat(errors("{port: http, bare: x}")).isEmpty();
        assertThat(errors("{port: [1]}")).isNotEmpty();
        assertThat(errors("{bare: true}")).isNotEmpty();
    }

    @Test
    void nullableAdmitsNullAndKeepsTheType() {
        assertThat(errors("{note: null, mode: null}")).isEmpty();
        assertThat(errors("{note: text, mode: a}")).isEmpty();
        assertThat(errors("{note: 3}")).isNotEmpty();
        assertThat(errors("{mode: c}")).isNotEmpty();
    }

    @Test
    void preserveUnknownFieldsLeavesTheObjectOpenEverythingElseIsClosed() {
        assertThat(errors("{free: {any: {thing: 1}}, anything: [1, two]}")).isEmpty();
        assertThat(errors("{closed: {x: 1}}")).isEmpty();
        assertThat(errors("{closed: {x: 1, y: 2}}")).isNotEmpty();
        assertThat(errors("{unknownTopLevel: 1}")).isNotEmpty();
        assertThat(errors("{labels: {a: b}}")).isEmpty();
        assertThat(errors("{labels: {a: 1}}")).isNotEmpty();
        assertThat(errors("{items: [{name: a}]}")).isEmpty();
        assertThat(errors("{items: [{name: a, extra: 1}]}")).isNotEmpty();
    }

    @Test
    void openApiBooleanExclusiveMinimumBecomesANumber() {
        assertThat(errors("{closed: {x: 1}}")).isEmpty();
        assertThat(errors("{closed: {x: 0}}")).isNotEmpty();
    }

    @Test
    void anEmbeddedResourceHasApiVersionKindAndMetadata() {
        assertThat(errors("{template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: []}}}")).isEmpty();
        assertThat(errors("{template: {kind: Pod, status: {}}}")).isNotEmpty();
    }

    @Test
    void theResourceHasTheImplicitObjectFields() {
        assertThat(errors("{apiVersion: x/v1, kind: X, metadata: {name: n, namespace: ns, labels: {a: b}}}")).isEmpty();
        assertThat(errors("{metadata: {labels: {a: 1}}}")).isNotEmpty();
    }

    @Test
    void keywordsAValidatorCannotEnforceAreDroppedAndCounted() {
        assertThat(converter.dropped()).containsKeys("format", "x-kubernetes-list-type", "x-kubernetes-list-map-keys");
        assertThat(schema.toString()).doesNotContain("x-kubernetes", "nullable", "\"format\"");
    }
}
