package io.ballast.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.VolSkew;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables of {@code deploy/sql/ballast-outputs.sql} against the contract: one per output topic, each
 * reading committed records only, each with the contract's own schema (docs aside) as its reader schema.
 */
class OutputsDdlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TABLE = Pattern.compile("CREATE TABLE (\\w+)");
    /** {@code 'key' = 'value'}, a value's quotes doubled; unrolled and possessive: schemas are long. */
    private static final Pattern OPTION = Pattern.compile("'([^']++)'\\s*=\\s*'([^']*+(?:''[^']*+)*+)'");

    @Test
    void everyOutputTopicHasATableWithTheContractsSchemaReadCommitted() throws Exception {
        Map<String, Schema> contract = Map.of(
                "inventory_risk", RiskSnapshot.getClassSchema(),
                "rebalance_signals", RebalanceSignal.getClassSchema(),
                "vol_skew", VolSkew.getClassSchema(),
                "rejected", RejectedRecord.getClassSchema(),
                "portfolio_risk", PortfolioRisk.getClassSchema());
        Map<String, String> topics = Map.of("inventory_risk", "inventory-risk", "rebalance_signals", "rebalance-signals",
                "vol_skew", "vol-skew", "rejected", "rejected", "portfolio_risk", "portfolio-risk");

        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        for (SqlScript.Statement s : SqlScript.read(OutputsSqlITCase.ddlFile()).statements()) {
            Matcher name = TABLE.matcher(s.sql());
            assertThat(name.find()).as("a CREATE TABLE statement: %s", s.sql()).isTrue();
            Map<String, String> options = new LinkedHashMap<>();
            Matcher m = OPTION.matcher(s.sql().substring(s.sql().indexOf(" WITH (")));
            while (m.find()) {
                options.put(m.group(1), m.group(2).replace("''", "'"));
            }
            tables.put(name.group(1), options);
        }
        assertThat(tables).containsOnlyKeys(contract.keySet());

        for (Map.Entry<String, Map<String, String>> t : tables.entrySet()) {
            Map<String, String> options = t.getValue();
            assertThat(options).as(t.getKey())
                    .containsEntry("connector", "kafka")
                    .containsEntry("topic", topics.get(t.getKey()))
                    .containsEntry("properties.isolation.level", "read_committed")
                    .containsEntry("value.format", "avro-confluent")
                    .containsKey("value.avro-confluent.url");
            Schema reader = new Schema.Parser().parse(options.get("value.avro-confluent.schema"));
            assertThat(withoutDocs(reader)).as("the reader schema of %s", t.getKey())
                    .isEqualTo(withoutDocs(contract.get(t.getKey())));
        }
    }

    /** The schema as JSON without docs and Java-only properties; a type with nothing else left is its name. */
    private static JsonNode withoutDocs(Schema schema) throws Exception {
        return strip(JSON.readTree(schema.toString()));
    }

    private static JsonNode strip(JsonNode node) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, strip(node.get(i)));
            }
            return node;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode object = (ObjectNode) node;
        object.remove("doc");
        object.remove("avro.java.string");
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            e.setValue(strip(e.getValue()));
        }
        if (object.size() == 1 && object.has("type") && object.get("type").isTextual()) {
            return object.get("type");
        }
        return object;
    }
}
