package io.ballast.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.InMemoryConfluentRegistry;
import io.ballast.registry.RegistryConfig;
import io.ballast.registry.RegistryException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.formats.avro.RegistryAvroDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidatingDeserializerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "quotes";
    private static final byte[] KEY = "BTC-PERP".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_BYTES = 4096;

    private InMemoryConfluentRegistry registry;
    private RegistryConfig config;
    private ValidatingDeserializer<Quote, Quote> quotes;
    private long offset;

    @BeforeEach
    void start() throws Exception {
        registry = new InMemoryConfluentRegistry();
        config = RegistryConfig.builder(registry.url()).maxRetries(1)
                .retryBackoff(Duration.ofMillis(1)).maxRetryBackoff(Duration.ofMillis(1)).build();
        quotes = new ValidatingDeserializer<>(Quote.class, config, Validators.quote(3_600_000),
                SourceRecordMapper.identity(), new AvroTypeInfo<>(Quote.class), MAX_BYTES);
        quotes.open(null);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    // ------------------------------------------------------------------ good records

    @Test
    void roundTripsWhatOurSinkWrites() throws Exception {
        Quote quote = TestRecords.quote(TestRecords.perp("BTC"), 100_000.5, 100_001.0, TestRecords.now());
        AvroKafkaSerializer<Quote, Quote> sink = new AvroKafkaSerializer<>(TOPIC, Quote.class, config,
                q -> KafkaIo.utf8(q.getInstrument().getSymbol()), q -> q);
        sink.open(null, null);
        byte[] bytes = sink.serialize(quote, null, null).value();

        assertThat(bytes[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.register("quotes-value", Quote.getClassSchema())).isEqualTo(id);
        assertThat(decode(quotes, bytes)).containsExactly(Either.Right(quote));
    }

    @Test
    void readsRecordsOfAnOlderWriterSchemaWithDefaults() throws Exception {
        // v0 of Quote had no sizes and no underlying price
        Schema v0 = withoutFields(Quote.getClassSchema(), "bidSize", "askSize", "underlyingPrice");
        Instant t = TestRecords.now();
        GenericRecord old = new GenericData.Record(v0);
        old.put("instrument", TestRecords.perp("ETH"));
        old.put("venue", "OKX");
        old.put("bid", 3000.0);
        old.put("ask", 3000.5);
        old.put("eventTime", t.toEpochMilli());
        byte[] bytes = frame(registry.register("quotes-value", v0), v0, old);

        Quote decoded = decode(quotes, bytes).get(0).right();
        assertThat(decoded.getBid()).isEqualTo(3000.0);
        assertThat(decoded.getBidSize()).isNull();
        assertThat(decoded.getUnderlyingPrice()).isNull();
        assertThat(decoded.getEventTime()).isEqualTo(t);
    }

    @Test
    void readsRecordsOfANewerWriterSchemaIgnoringAddedFields() throws Exception {
        Schema v2 = withAddedField(Quote.getClassSchema(), "{\"name\":\"depth\",\"type\":\"int\",\"default\":0}");
        Quote quote = TestRecords.quote(TestRecords.perp("BTC"), 99.0, 101.0, TestRecords.now());
        GenericRecord newer = new GenericData.Record(v2);
        for (Schema.Field f : Quote.getClassSchema().getFields()) {
            newer.put(f.name(), f.name().equals("eventTime") ? quote.getEventTime().toEpochMilli() : quote.get(f.pos()));
        }
        newer.put("depth", 7);
        byte[] bytes = frame(registry.register("quotes-value", v2), v2, newer);
        assertThat(decode(quotes, bytes)).containsExactly(Either.Right(quote));
    }

    @Test
    void anOlderReaderReadsWhatWeWrite() throws Exception {
        // A router built against an older contract (no bidSize/askSize) reads our current output.
        Quote quote = TestRecords.quote(TestRecords.perp("BTC"), 99.0, 101.0, TestRecords.now());
        AvroKafkaSerializer<Quote, Quote> sink = new AvroKafkaSerializer<>(TOPIC, Quote.class, config, q -> null, q -> q);
        sink.open(null, null);
        byte[] bytes = sink.serialize(quote, null, null).value();

        Schema oldReader = withoutFields(Quote.getClassSchema(), "bidSize", "askSize");
        ConfluentSchemaCoder coder = new ConfluentSchemaCoder(new ConfluentRegistryClient(config), null, null);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        Schema writer = coder.readSchema(in);
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, oldReader)
                .read(null, DecoderFactory.get().binaryDecoder(in, null));
        assertThat(read.get("bid")).isEqualTo(99.0);
        assertThat(read.getSchema().getField("bidSize")).isNull();
    }

    @Test
    void fetchesEachWriterSchemaOnce() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        int before = registry.requests();
        for (int i = 0; i < 500; i++) {
            Quote q = TestRecords.quote(TestRecords.perp("BTC"), 100 + i, 101 + i, TestRecords.now());
            assertThat(decode(quotes, frame(id, Quote.getClassSchema(), q)).get(0).isRight()).isTrue();
        }
        assertThat(registry.requests() - before).isEqualTo(1);
    }

    // ------------------------------------------------------------------ every reject reason

    @Test
    void rejectsANullValue() throws Exception {
        Rejection r = rejected(quotes, null);
        assertThat(r.getRecord().getReason()).isEqualTo("NULL_VALUE");
        assertThat(r.getRecord().getPayload().remaining()).isZero();
    }

    @Test
    void rejectsAnOversizedValue() throws Exception {
        byte[] big = new byte[MAX_BYTES + 1];
        assertRejected(big, RejectReason.OVERSIZED, "exceeds input.max-record-bytes");
    }

    @Test
    void rejectsAValueShorterThanTheHeader() throws Exception {
        assertRejected(new byte[] {0, 0, 1}, RejectReason.TRUNCATED, "schema id");
        assertRejected(new byte[0], RejectReason.TRUNCATED, "Empty message");
    }

    @Test
    void rejectsABadMagicByte() throws Exception {
        assertRejected("{\"bid\": 1}".getBytes(StandardCharsets.UTF_8), RejectReason.BAD_MAGIC_BYTE, "0x7b");
    }

    @Test
    void rejectsAnUnknownSchemaId() throws Exception {
        assertRejected(new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 4}, RejectReason.UNKNOWN_SCHEMA, "32639");
    }

    @Test
    void rejectsARecordOfAnotherType() throws Exception {
        Trade trade = TestRecords.trade("t1", "mm1", TestRecords.perp("BTC"), Side.BUY, 1, 100, TestRecords.now());
        byte[] bytes = frame(registry.register("trades-value", Trade.getClassSchema()), Trade.getClassSchema(), trade);
        assertRejected(bytes, RejectReason.INCOMPATIBLE_SCHEMA, "io.ballast.avro.Trade");
    }

    @Test
    void rejectsAnUnknownEnumSymbolButReadsTheSameWriterOtherwise() throws Exception {
        Schema withIndex = withEnumSymbol(Quote.getClassSchema(), "INDEX");
        int id = registry.register("quotes-value", withIndex);
        Schema instrumentSchema = withIndex.getField("instrument").schema();
        Schema kindSchema = instrumentSchema.getField("kind").schema();

        GenericRecord instrument = new GenericData.Record(instrumentSchema);
        instrument.put("symbol", "BTC-INDEX");
        instrument.put("underlying", "BTC");
        instrument.put("kind", new GenericData.EnumSymbol(kindSchema, "INDEX"));
        instrument.put("multiplier", 1.0);
        instrument.put("priceUnit", new GenericData.EnumSymbol(instrumentSchema.getField("priceUnit").schema(), "QUOTE_CURRENCY"));
        instrument.put("inverse", false);
        GenericRecord quote = new GenericData.Record(withIndex);
        quote.put("instrument", instrument);
        quote.put("venue", "X");
        quote.put("bid", 1.0);
        quote.put("ask", 2.0);
        quote.put("eventTime", TestRecords.now().toEpochMilli());
        assertRejected(frame(id, withIndex, quote), RejectReason.UNKNOWN_ENUM_SYMBOL, "INDEX");

        instrument.put("kind", new GenericData.EnumSymbol(kindSchema, "PERPETUAL"));
        assertThat(decode(quotes, frame(id, withIndex, quote)).get(0).isRight())
                .as("%s", decode(quotes, frame(id, withIndex, quote))).isTrue();
    }

    @Test
    void rejectsCorruptAvro() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        Quote quote = TestRecords.quote(TestRecords.perp("BTC"), 99.0, 101.0, TestRecords.now());
        byte[] good = frame(id, Quote.getClassSchema(), quote);

        // cut short in the middle of the body
        assertRejected(Arrays.copyOf(good, good.length - 6), RejectReason.CORRUPT_AVRO, "");
        // a string length of 256 MiB in a message of 10 bytes: refused by the cap before any allocation
        byte[] hugeLength = ByteBuffer.allocate(10).put((byte) 0).putInt(id)
                .put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x02}).array();
        assertRejected(hugeLength, RejectReason.CORRUPT_AVRO, "SystemLimitException");
        // a negative string length
        byte[] negative = ByteBuffer.allocate(6).put((byte) 0).putInt(id).put((byte) 0x03).array();
        assertRejected(negative, RejectReason.CORRUPT_AVRO, "");
    }

    @Test
    void rejectsTrailingBytes() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        byte[] good = frame(id, Quote.getClassSchema(), TestRecords.quote(TestRecords.perp("BTC"), 1, 2, TestRecords.now()));
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertRejected(longer, RejectReason.CORRUPT_AVRO, "left over");
    }

    @Test
    void aCorruptMessageDoesNotLeakIntoTheNextOne() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        Quote quote = TestRecords.quote(TestRecords.perp("BTC"), 99.0, 101.0, TestRecords.now());
        byte[] good = frame(id, Quote.getClassSchema(), quote);
        byte[] cut = Arrays.copyOf(good, good.length - 6);
        byte[] longer = Arrays.copyOf(good, good.length + 11);
        Arrays.fill(longer, good.length, longer.length, (byte) 0x55);
        for (byte[] bad : List.of(cut, longer)) {
            assertThat(decode(quotes, bad).get(0).isLeft()).isTrue();
            assertThat(decode(quotes, good)).containsExactly(Either.Right(quote));
        }
    }

    @Test
    void theCoderServesFlinkAvroRegistrySchemasToo() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        Quote quote = TestRecords.quote(TestRecords.perp("BTC"), 99.0, 101.0, TestRecords.now());
        RegistryAvroDeserializationSchema<Quote> flinkAvro = new RegistryAvroDeserializationSchema<>(Quote.class, null,
                ConfluentSchemaCoder.Provider.forReading(config, Quote.getClassSchema()));
        assertThat(flinkAvro.deserialize(frame(id, Quote.getClassSchema(), quote))).isEqualTo(quote);
    }

    @Test
    void rejectsInvalidFieldsNamingThem() throws Exception {
        int id = registry.register("quotes-value", Quote.getClassSchema());
        Instant now = TestRecords.now();
        Instrument perp = TestRecords.perp("BTC");
        assertRejected(frame(id, Quote.getClassSchema(), TestRecords.quote(perp, Double.NaN, 1, now)),
                RejectReason.INVALID_FIELD, "quote.bid must be finite");
        assertRejected(frame(id, Quote.getClassSchema(), TestRecords.quote(perp, 1, Double.POSITIVE_INFINITY, now)),
                RejectReason.INVALID_FIELD, "quote.ask must be finite");
        assertRejected(frame(id, Quote.getClassSchema(), TestRecords.quote(perp, 101, 100, now)),
                RejectReason.INVALID_FIELD, "quote.ask (100.0) is below quote.bid (101.0)");
        Instrument noStrike = Instrument.newBuilder(TestRecords.option("BTC", 100_000, now.plusSeconds(86_400), OptionRight.CALL))
                .setStrike(null).build();
        assertRejected(frame(id, Quote.getClassSchema(), TestRecords.quote(noStrike, 1, 2, now)),
                RejectReason.INVALID_FIELD, "quote.instrument.strike is required for an OPTION");
    }

    @Test
    void keepsTheInputCoordinatesKeyAndBytesOfARejection() throws Exception {
        byte[] payload = {9, 8, 7, 6, 5, 4};
        List<Either<Rejection, Quote>> out = new ArrayList<>();
        quotes.deserialize(new ConsumerRecord<>(TOPIC, 3, 42L, 1_700_000_000_000L, TimestampType.CREATE_TIME,
                KEY.length, payload.length, KEY, payload, new RecordHeaders(), Optional.empty()), new ListCollector<>(out));
        Rejection r = out.get(0).left();
        RejectedRecord rec = r.getRecord();
        assertThat(r.getKey()).isEqualTo(KEY);
        assertThat(rec.getSourceTopic()).isEqualTo(TOPIC);
        assertThat(rec.getPartition()).isEqualTo(3);
        assertThat(rec.getOffset()).isEqualTo(42L);
        assertThat(rec.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        byte[] kept = new byte[rec.getPayload().remaining()];
        rec.getPayload().duplicate().get(kept);
        assertThat(kept).isEqualTo(payload);
    }

    @Test
    void throwsInsteadOfRejectingWhenTheRegistryIsDown() {
        registry.failNext(100, 503);
        assertThatThrownBy(() -> decode(quotes, new byte[] {0, 0, 0, 0, 5, 2, 4}))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("HTTP 503");
    }

    // ------------------------------------------------------------------ helpers

    private void assertRejected(byte[] value, RejectReason reason, String detailFragment) throws IOException {
        Rejection r = rejected(quotes, value);
        assertThat(r.getRecord().getReason()).isEqualTo(reason.name());
        assertThat(r.getRecord().getDetail()).contains(detailFragment);
        byte[] kept = new byte[r.getRecord().getPayload().remaining()];
        r.getRecord().getPayload().duplicate().get(kept);
        assertThat(kept).isEqualTo(value);
    }

    private Rejection rejected(ValidatingDeserializer<Quote, Quote> d, byte[] value) throws IOException {
        List<Either<Rejection, Quote>> out = decode(d, value);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).isLeft()).as("rejected: %s", out.get(0)).isTrue();
        return out.get(0).left();
    }

    private <R> List<Either<Rejection, R>> decode(ValidatingDeserializer<?, R> d, byte[] value) throws IOException {
        List<Either<Rejection, R>> out = new ArrayList<>();
        d.deserialize(new ConsumerRecord<>(TOPIC, 0, offset++, KEY, value), new ListCollector<>(out));
        return out;
    }

    static byte[] frame(int id, Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        if (datum instanceof SpecificRecord) {
            new SpecificDatumWriter<Object>(schema).write(datum, enc);
        } else {
            new GenericDatumWriter<Object>(schema).write(datum, enc);
        }
        enc.flush();
        return out.toByteArray();
    }

    static Schema withoutFields(Schema schema, String... names) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(schema.toString());
        ArrayNode kept = JSON.createArrayNode();
        tree.get("fields").forEach(f -> {
            if (!Arrays.asList(names).contains(f.get("name").asText())) {
                kept.add(f);
            }
        });
        tree.set("fields", kept);
        return new Schema.Parser().parse(tree.toString());
    }

    static Schema withAddedField(Schema schema, String fieldJson) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(schema.toString());
        ((ArrayNode) tree.get("fields")).add(JSON.readTree(fieldJson));
        return new Schema.Parser().parse(tree.toString());
    }

    static Schema withEnumSymbol(Schema quoteSchema, String symbol) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(quoteSchema.toString());
        tree.get("fields").forEach(f -> {
            if (f.get("name").asText().equals("instrument")) {
                f.get("type").get("fields").forEach(g -> {
                    if (g.get("name").asText().equals("kind")) {
                        ((ArrayNode) g.get("type").get("symbols")).add(symbol);
                    }
                });
            }
        });
        return new Schema.Parser().parse(tree.toString());
    }
}
