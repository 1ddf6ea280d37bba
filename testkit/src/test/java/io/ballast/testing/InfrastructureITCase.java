package io.ballast.testing;

import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test infrastructure itself: a real broker, a real registry, and Confluent's Python client between them. */
class InfrastructureITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void brokerIsARealKraftNodeOnTheLoopback() throws Exception {
        assertThat(KAFKA.bootstrapServers()).startsWith("127.0.0.1:");

        DescribeClusterResult cluster = KAFKA.adminClient().describeCluster();
        Collection<Node> nodes = cluster.nodes().get(30, TimeUnit.SECONDS);
        assertThat(nodes).singleElement().satisfies(node -> assertThat(node.host()).isEqualTo("127.0.0.1"));
        assertThat(KAFKA.adminClient().describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters())
                .hasSize(1);

        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodes.iterator().next().id()));
        Config config = KAFKA.adminClient().describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
        assertThat(config.get("transaction.max.timeout.ms").value()).isEqualTo("900000");
        assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
        assertThat(config.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
    }

    @Test
    void readCommittedReaderSeesCommittedAndPlainRecordsOnly() {
        String topic = KafkaBrokerExtension.uniqueName("tx");
        KAFKA.createTopics(2, topic);
        assertThat(KAFKA.topics()).contains(topic);

        KAFKA.sendInTransaction(List.of(record(topic, 0, "committed-1"), record(topic, 1, "committed-2")), true);
        KAFKA.sendInTransaction(List.of(record(topic, 0, "aborted-1"), record(topic, 1, "aborted-2")), false);
        KAFKA.send(topic, bytes("k"), bytes("plain"));

        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.consumeToEnd(topic, TIMEOUT);
        assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("committed-1", "committed-2", "plain");

        assertThat(KAFKA.consume(topic, 3, TIMEOUT)).hasSize(3);
    }

    @Test
    void registrySpeaksTheConfluentApiWithBackwardCompatibility() throws Exception {
        assertThat(REGISTRY.url()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
        String subject = KafkaBrokerExtension.uniqueName("quotes") + "-value";
        Schema quote = ContractSchemas.schema("Quote");

        HttpResponse<String> registered = post(subject, quote.toString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = JSON.readTree(registered.body()).get("id").asInt();

        HttpResponse<String> byId = http.send(HttpRequest.newBuilder(URI.create(REGISTRY.url() + "/schemas/ids/" + id))
                .header("Accept", CONFLUENT_JSON).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byId.statusCode()).as(byId.body()).isEqualTo(200);
        Schema stored = new Schema.Parser().parse(JSON.readTree(byId.body()).get("schema").asText());
        assertThat(SchemaNormalization.toParsingForm(stored)).isEqualTo(SchemaNormalization.toParsingForm(quote));

        // The same schema again: the same id.
        assertThat(JSON.readTree(post(subject, quote.toString()).body()).get("id").asInt()).isEqualTo(id);

        HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(REGISTRY.url() + "/config"))
                .header("Accept", CONFLUENT_JSON).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(config.body()).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        // A new field without a default cannot read old data: BACKWARD refuses it.
        JsonNode incompatible = JSON.readTree(quote.toString());
        ((com.fasterxml.jackson.databind.node.ArrayNode) incompatible.get("fields"))
                .addObject().put("name", "mandatoryNewField").put("type", "string");
        assertThat(post(subject, incompatible.toString()).statusCode()).isEqualTo(409);
    }

    @Test
    void confluentPythonClientAndJavaAgreeOnTheWireFormat() throws Exception {
        PythonInterop.assumeAvailable();
        String topic = KafkaBrokerExtension.uniqueName("quotes");
        KAFKA.createTopics(topic);
        PythonInterop python = new PythonInterop(KAFKA.bootstrapServers(), REGISTRY.url());

        long eventTime = 1_763_719_200_123L;
        long expiry = 1_798_358_400_000L;
        List<Map<String, Object>> records = List.of(
                quoteJson("BTC-PERP", "BTC", "PERPETUAL", null, null, null, 97_000.5, 97_001.0, eventTime),
                quoteJson("BTC-27DEC26-100000-C", "BTC", "OPTION", 100_000.0, expiry, "CALL", 0.0505, 0.0515, eventTime + 1),
                quoteJson("ETH-USD", "ETH", "SPOT", null, null, null, 3_100.25, 3_100.75, eventTime + 2));
        PythonInterop.ProduceResult produced = python.produce(topic, ContractSchemas.selfContainedJson("Quote"), records);
        assertThat(produced.produced()).isEqualTo(3);

        // Java's plain consumer: the Confluent wire format with an id the registry knows.
        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.consume(topic, 3, TIMEOUT);
        assertThat(read).hasSize(3);
        List<Quote> quotes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read) {
            ByteBuffer value = ByteBuffer.wrap(record.value());
            assertThat(value.get()).as("magic byte").isEqualTo((byte) 0);
            int schemaId = value.getInt();
            assertThat(schemaId).isEqualTo(produced.schemaId());
            Schema writer = new Schema.Parser().parse(REGISTRY.schemaById(schemaId));
            assertThat(writer.getFullName()).isEqualTo("io.ballast.avro.Quote");
            SpecificDatumReader<Quote> reader = new SpecificDatumReader<>(writer, Quote.getClassSchema());
            Quote quote = reader.read(null, DecoderFactory.get().binaryDecoder(
                    record.value(), 5, record.value().length - 5, null));
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(quote.getInstrument().getSymbol());
            quotes.add(quote);
        }
        assertThat(quotes).extracting(q -> q.getInstrument().getSymbol())
                .containsExactly("BTC-PERP", "BTC-27DEC26-100000-C", "ETH-USD");
        Quote option = quotes.get(1);
        assertThat(option.getEventTime()).isEqualTo(Instant.ofEpochMilli(eventTime + 1));
        assertThat(option.getInstrument().getExpiry()).isEqualTo(Instant.ofEpochMilli(expiry));
        assertThat(option.getInstrument().getKind()).isEqualTo(InstrumentKind.OPTION);
        assertThat(option.getInstrument().getRight()).isEqualTo(OptionRight.CALL);
        assertThat(option.getInstrument().getStrike()).isEqualTo(100_000.0);
        assertThat(option.getBid()).isEqualTo(0.0505);
        assertThat(option.getBidSize()).isNull();
        assertThat(quotes.get(0).getInstrument().getExpiry()).isNull();

        // And back: Java encodes one more, Confluent's Python deserializer reads all four.
        Quote fromJava = Quote.newBuilder(option)
                .setInstrument(Instrument.newBuilder(option.getInstrument()).setSymbol("BTC-27DEC26-100000-P")
                        .setRight(OptionRight.PUT).build())
                .setBidSize(12.5)
                .setEventTime(Instant.ofEpochMilli(eventTime + 3))
                .build();
        int javaId = REGISTRY.register(topic + "-value", ContractSchemas.selfContainedJson("Quote"));
        KAFKA.send(topic, bytes("BTC-27DEC26-100000-P"), confluentWireFormat(javaId, fromJava));

        List<JsonNode> decoded = python.consume(topic, 4);
        assertThat(decoded).extracting(r -> r.get("key").asText())
                .containsExactly("BTC-PERP", "BTC-27DEC26-100000-C", "ETH-USD", "BTC-27DEC26-100000-P");
        JsonNode first = decoded.get(0).get("value");
        assertThat(first.get("eventTime").asLong()).isEqualTo(eventTime);
        assertThat(first.get("instrument").get("expiry").isNull()).isTrue();
        assertThat(first.get("instrument").get("multiplier").asDouble()).isEqualTo(1.0);
        JsonNode last = decoded.get(3);
        assertThat(last.get("schemaId").asInt()).isEqualTo(javaId);
        assertThat(last.get("value").get("eventTime").asLong()).isEqualTo(eventTime + 3);
        assertThat(last.get("value").get("instrument").get("expiry").asLong()).isEqualTo(expiry);
        assertThat(last.get("value").get("instrument").get("right").asText()).isEqualTo("PUT");
        assertThat(last.get("value").get("bidSize").asDouble()).isEqualTo(12.5);
    }

    @Test
    void pythonTransactionalProducerCommitsForReadCommittedReaders() {
        PythonInterop.assumeAvailable();
        String topic = KafkaBrokerExtension.uniqueName("quotes-tx");
        KAFKA.createTopics(topic);
        PythonInterop python = new PythonInterop(KAFKA.bootstrapServers(), REGISTRY.url());

        python.produceInTransaction(topic, ContractSchemas.selfContainedJson("Quote"),
                List.of(quoteJson("SOL-PERP", "SOL", "PERPETUAL", null, null, null, 150.1, 150.2, 1_763_719_200_000L)),
                KafkaBrokerExtension.uniqueName("python-tx"));

        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.consumeToEnd(topic, TIMEOUT);
        assertThat(read).singleElement()
                .satisfies(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("SOL-PERP"));
    }

    private static Map<String, Object> quoteJson(String symbol, String underlying, String kind, Double strike, Long expiry,
                                                 String right, double bid, double ask, long eventTime) {
        Map<String, Object> instrument = new LinkedHashMap<>();
        instrument.put("symbol", symbol);
        instrument.put("underlying", underlying);
        instrument.put("kind", kind);
        instrument.put("strike", strike);
        instrument.put("expiry", expiry);
        instrument.put("right", right);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("instrument", instrument);
        value.put("venue", "deribit");
        value.put("bid", bid);
        value.put("ask", ask);
        value.put("underlyingPrice", "OPTION".equals(kind) ? 98_500.0 : null);
        value.put("eventTime", eventTime);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("key", symbol);
        record.put("value", value);
        return record;
    }

    private static byte[] confluentWireFormat(int schemaId, Quote quote) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Quote.class).write(quote, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private HttpResponse<String> post(String subject, String schema) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("schema", schema));
        return http.send(HttpRequest.newBuilder(URI.create(REGISTRY.url() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", CONFLUENT_JSON)
                        .header("Accept", CONFLUENT_JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, bytes(value), bytes(value));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
