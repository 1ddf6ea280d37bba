package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the OpenAPI v3 schema of a Kubernetes CustomResourceDefinition ({@code openAPIV3Schema}) into a
 * JSON Schema (draft 2019-09) that a plain JSON Schema validator checks the way the API server and
 * {@code kubectl apply} (strict field validation) would:
 * <ul>
 *   <li>{@code nullable: true} adds {@code "null"} to the type (and to an enum);</li>
 *   <li>{@code x-kubernetes-int-or-string: true} becomes {@code anyOf: [integer, string]} (kept when the
 *       CRD already spells it out);</li>
 *   <li>{@code x-kubernetes-preserve-unknown-fields: true} leaves the object open; every other object is
 *       closed ({@code additionalProperties: false}), because the API server prunes unknown fields and
 *       strict field validation rejects them: a misspelt field is an error, not a silent no-op;</li>
 *   <li>{@code x-kubernetes-embedded-resource: true} admits {@code apiVersion}, {@code kind} and
 *       {@code metadata};</li>
 *   <li>the other {@code x-kubernetes-*} keys (list and map types, CEL validations), {@code format} and
 *       OpenAPI-only keys ({@code example}, {@code externalDocs}, ...) are dropped and counted in
 *       {@link #dropped()}: a validator cannot enforce them;</li>
 *   <li>OpenAPI 3.0's boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} become 2019-09 numbers.</li>
 * </ul>
 */
final class OpenApiToJsonSchema {

    static final String DIALECT = "https://json-schema.org/draft/2019-09/schema";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Keys with no JSON Schema meaning a validator could enforce. */
    private static final Set<String> DROPPED = Set.of(
            "format", "example", "externalDocs", "discriminator", "xml", "readOnly", "writeOnly", "deprecated");

    private final Map<String, Integer> dropped = new TreeMap<>();

    /** Keys dropped while converting, with how often. */
    Map<String, Integer> dropped() {
        return dropped;
    }

    /**
     * The schema of a whole custom resource: the CRD's {@code openAPIV3Schema} plus the {@code apiVersion},
     * {@code kind} and {@code metadata} every Kubernetes object has (the CRD leaves them implicit).
     */
    ObjectNode resource(JsonNode openApiV3Schema) {
        ObjectNode schema = convert(openApiV3Schema);
        ObjectNode props = schema.withObjectProperty("properties");
        props.set("apiVersion", NODES.objectNode().put("type", "string"));
        props.set("kind", NODES.objectNode().put("type", "string"));
        props.set("metadata", objectMeta());
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        ObjectNode out = NODES.objectNode().put("$schema", DIALECT);
        out.setAll(schema);
        return out;
    }

    /** The fields of ObjectMeta a manifest sets; the rest (uid, managedFields, ...) stays open. */
    private static ObjectNode objectMeta() {
        ObjectNode meta = NODES.objectNode().put("type", "object");
        ObjectNode p = meta.putObject("properties");
        p.putObject("name").put("type", "string");
        p.putObject("namespace").put("type", "string");
        p.putObject("labels").put("type", "object").putObject("additionalProperties").put("type", "string");
        p.putObject("annotations").put("type", "object").putObject("additionalProperties").put("type", "string");
        return meta;
    }

    /** One schema node, recursively. */
    ObjectNode convert(JsonNode s) {
        if (!s.isObject()) {
            throw new IllegalArgumentException("Not a schema object: " + s);
        }
        boolean preserveUnknown = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
        boolean nullable = s.path("nullable").asBoolean(false);

        ObjectNode out = NODES.objectNode();
        s.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("x-kubernetes-") || key.equals("nullable")) {
                if (!Set.of("x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
                        "x-kubernetes-embedded-resource", "nullable").contains(key)) {
                    dropped.merge(key, 1, Integer::sum);
                }
                return;
            }
            if (DROPPED.contains(key)) {
                dropped.merge(key, 1, Integer::sum);
                return;
            }
            switch (key) {
                case "properties", "patternProperties", "definitions" -> {
                    ObjectNode map = NODES.objectNode();
                    value.fields().forEachRemaining(p -> map.set(p.getKey(), convert(p.getValue())));
                    out.set(key, map);
                }
                case "items", "not" -> out.set(key, value.isArray() ? convertAll(value) : convert(value));
                case "additionalProperties" -> out.set(key, value.isObject() ? convert(value) : value.deepCopy());
                case "allOf", "anyOf", "oneOf" -> out.set(key, convertAll(value));
                case "exclusiveMinimum", "exclusiveMaximum" -> {
                    if (value.isNumber()) {
                        out.set(key, value.deepCopy());
                    }
                    // boolean (OpenAPI 3.0): handled below, with the bound it qualifies
                }
                default -> out.set(key, value.deepCopy());
            }
        });
        exclusiveBound(s, out, "exclusiveMinimum", "minimum");
        exclusiveBound(s, out, "exclusiveMaximum", "maximum");

        if (intOrString) {
            out.remove("type");
            if (!out.has("anyOf")) {
                ArrayNode anyOf = out.putArray("anyOf");
                anyOf.addObject().put("type", "integer");
                anyOf.addObject().put("type", "string");
            }
        }
        if (embedded) {
            ObjectNode props = out.withObjectProperty("properties");
            if (!props.has("apiVersion")) {
                props.set("apiVersion", NODES.objectNode().put("type", "string"));
            }
            if (!props.has("kind")) {
                props.set("kind", NODES.objectNode().put("type", "string"));
            }
            if (!props.has("metadata")) {
                props.set("metadata", NODES.objectNode().put("type", "object"));
            }
            out.put("type", "object");
        }
        if (nullable) {
            allowNull(out);
        }
        if (!preserveUnknown && isObject(out) && !out.has("additionalProperties")) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private ArrayNode convertAll(JsonNode array) {
        ArrayNode out = NODES.arrayNode();
        array.forEach(item -> out.add(convert(item)));
        return out;
    }

    private static void exclusiveBound(JsonNode in, ObjectNode out, String exclusive, String bound) {
        JsonNode flag = in.get(exclusive);
        if (flag != null && flag.isBoolean()) {
            if (flag.asBoolean() && in.has(bound)) {
                out.set(exclusive, in.get(bound).deepCopy());
                out.remove(bound);
            }
        }
    }

    private static void allowNull(ObjectNode out) {
        JsonNode type = out.get("type");
        if (type != null && type.isTextual()) {
            ArrayNode types = NODES.arrayNode().add(type.asText()).add("null");
            out.set("type", types);
        } else if (type != null && type.isArray()) {
            ((ArrayNode) type).add("null");
        }
        if (out.get("enum") instanceof ArrayNode e) {
            e.addNull();
        }
        if (out.get("anyOf") instanceof ArrayNode anyOf) {
            anyOf.addObject().put("type", "null");
        }
    }

    private static boolean isObject(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return schema.has("properties");
        }
        if (type.isTextual()) {
            return type.asText().equals("object");
        }
        for (JsonNode t : type) {
            if (t.asText().equals("object")) {
                return true;
            }
        }
        return false;
    }
}
