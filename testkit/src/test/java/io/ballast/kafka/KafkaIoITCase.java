package io.ballast.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import io.ballast.job.BallastJob;
import io.ballast.job.Inputs;
import io.ballast.domain.LimitsUpdate;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.testing.ContractSchemas;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testing.PythonInterop;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ballast's Kafka I/O in a real Flink job, against a real KRaft broker and the real Apicurio registry:
 * a third-party Confluent client on both ends, and poison records that must neither stop the job nor
 * disappear.
 */
class KafkaIoITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * Checkpoints and savepoints of this test, under target/ (not a JUnit temp dir: a cancelled job's
     * last checkpoint files can still be written while the test ends).
     */
    private final Path checkpoints = Path.of("target", "it-state", KafkaBrokerExtension.uniqueName("kafka-io")).toAbsolutePath();

    /** Topic names of one test, unique in the shared broker. */
    private static final class Topics {
        final String quotes = KafkaBrokerExtension.uniqueName("quotes");
        final String trades = KafkaBrokerExtension.uniqueName("trades");
        final String limits = KafkaBrokerExtension.uniqueName("risk-limits");
        final String rejected = KafkaBrokerExtension.uniqueName("rejected");
        final String quotesOut = KafkaBrokerExtension.uniqueName("quotes-echo");
        final String tradesOut = KafkaBrokerExtension.uniqueName("trades-echo");
        final String limitsOut = KafkaBrokerExtension.uniqueName("limits-echo");
        /** Read by the job's inputs too (the portfolio's balances); left empty here. */
        final String collateral = KafkaBrokerExtension.uniqueName("collateral");

        void create() {
            KAFKA.createTopics(2, quotes, trades, limits, rejected, quotesOut, tradesOut, limitsOut, collateral);
        }
    }

    private BallastConfig config(Topics t) {
        return BallastConfig.fromArgs(
                "--bootstrap", KAFKA.bootstrapServers(), "--registry", REGISTRY.url(),
                "--topic.quotes", t.quotes, "--topic.trades", t.trades, "--topic.risk-limits", t.limits,
                "--topic.rejected", t.rejected, "--topic.collateral", t.collateral,
                "--checkpoint.interval", "300 ms", "--checkpoint.dir", checkpoints.toUri().toString(),
                "--source.starting-offsets", "earliest",
                "--sink.transactional-id-prefix", KafkaBrokerExtension.uniqueName("tx"),
                "--input.max-record-bytes", "65536");
    }

    /**
     * Reads the three inputs and writes every good record back out (echo topics) and every rejection to
     * {@code rejected}, exactly once. The job fails instead of restarting on any exception.
     */
    private JobClient startEchoJob(BallastConfig config, Topics t) throws Exception {
        KafkaIo.checkCluster(config, List.of(t.quotes, t.trades, t.limits, t.rejected));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        org.apache.flink.configuration.Configuration conf = BallastJob.flinkConfiguration(config);
        conf.setString("restart-strategy.type", "none");
        conf.setString("state.backend.type", "hashmap");
        env.configure(conf);
        env.setParallelism(2);
        Inputs inputs = Inputs.fromKafka(env, config);
        inputs.quotes().sinkTo(KafkaIo.sink(config, t.quotesOut, Quote.class,
                q -> KafkaIo.utf8(q.getInstrument().getSymbol()), q -> q)).name("quotes echo");
        inputs.trades().map(s -> s.getTrade(), new org.apache.flink.formats.avro.typeutils.AvroTypeInfo<>(Trade.class))
                .sinkTo(KafkaIo.sink(config, t.tradesOut, Trade.class, tr -> KafkaIo.utf8(tr.getProviderId()), tr -> tr))
                .name("trades echo");
        inputs.limits().filter(u -> !u.isDeletion()).map(LimitsUpdate::getLimits,
                        new org.apache.flink.formats.avro.typeutils.AvroTypeInfo<>(RiskLimits.class))
                .sinkTo(KafkaIo.sink(config, t.limitsOut, RiskLimits.class, l -> KafkaIo.utf8(l.getProviderId()), l -> l))
                .name("limits echo");
        inputs.rejected().sinkTo(KafkaIo.rejectedSink(config)).name("rejected");
        return env.executeAsync("kafka-io-echo");
    }

    // ------------------------------------------------------------------------- interop

    @Test
    void readsWhatConfluentsClientWritesAndWritesWhatItReads() throws Exception {
        PythonInterop.assumeAvailable();
        Topics t = new Topics();
        t.create();
        PythonInterop python = new PythonInterop(KAFKA.bootstrapServers(), REGISTRY.url());
        long now = TestRecords.now().toEpochMilli();
        List<Map<String, Object>> produced = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Map<String, Object> instrument = new LinkedHashMap<>();
            boolean option = i % 2 == 1;
            instrument.put("symbol", option ? "BTC-" + (90_000 + 1000 * i) + "-C" : "BTC-PERP");
            instrument.put("underlying", "BTC");
            instrument.put("kind", option ? "OPTION" : "PERPETUAL");
            instrument.put("strike", option ? 90_000.0 + 1000 * i : null);
            instrument.put("expiry", option ? now + 30L * 86_400_000 : null);
            instrument.put("right", option ? "CALL" : null);
            instrument.put("multiplier", 1.0);
            Map<String, Object> quote = new LinkedHashMap<>();
            quote.put("instrument", instrument);
            quote.put("venue", "DERIBIT");
            quote.put("bid", 100_000.0 + i);
            quote.put("ask", 100_000.5 + i);
            quote.put("bidSize", i % 3 == 0 ? null : 1.5);
            quote.put("askSize", 2.0);
            quote.put("underlyingPrice", option ? 100_100.0 : null);
            quote.put("eventTime", now + i);
            produced.add(Map.of("key", (String) instrument.get("symbol"), "value", quote));
        }
        python.produce(t.quotes, ContractSchemas.selfContainedJson("Quote"), produced);

        JobClient job = startEchoJob(config(t), t);
        try {
            List<JsonNode> echoed = python.consume(t.quotesOut, produced.size());
            assertThat(echoed).hasSize(produced.size());
            Map<Long, JsonNode> byTime = new HashMap<>();
            for (JsonNode n : echoed) {
                byTime.put(n.get("value").get("eventTime").asLong(), n);
            }
            for (Map<String, Object> p : produced) {
                @SuppressWarnings("unchecked")
                Map<String, Object> v = (Map<String, Object>) p.get("value");
                JsonNode e = byTime.get((Long) v.get("eventTime"));
                assertThat(e).as("echo of %s", v).isNotNull();
                assertThat(e.get("key").asText()).isEqualTo(p.get("key"));
                assertThat(e.get("value").get("bid").asDouble()).isEqualTo((Double) v.get("bid"));
                assertThat(e.get("value").get("ask").asDouble()).isEqualTo((Double) v.get("ask"));
                assertThat(e.get("value").get("bidSize").isNull()).isEqualTo(v.get("bidSize") == null);
                @SuppressWarnings("unchecked")
                Map<String, Object> ins = (Map<String, Object>) v.get("instrument");
                JsonNode eIns = e.get("value").get("instrument");
                assertThat(eIns.get("symbol").asText()).isEqualTo(ins.get("symbol"));
                assertThat(eIns.get("kind").asText()).isEqualTo(ins.get("kind"));
                if (ins.get("expiry") != null) {
                    assertThat(eIns.get("expiry").asLong()).isEqualTo((Long) ins.get("expiry"));
                    assertThat(eIns.get("right").asText()).isEqualTo("CALL");
                }
                assertThat(e.get("schemaId").asInt()).isPositive();
            }
            assertThat(KAFKA.consumeToEnd(t.rejected, Duration.ofSeconds(5))).isEmpty();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            BallastRig.cancel(job);
        }
    }

    // ------------------------------------------------------------------------- poison

    @Test
    void poisonRecordsAreRejectedWithTheirReasonAndNothingGoodIsLost() throws Exception {
        Topics t = new Topics();
        t.create();
        ConfluentRegistryClient registry = new ConfluentRegistryClient(
                io.ballast.registry.RegistryConfig.builder(REGISTRY.url()).build());
        int quoteId = registry.register(t.quotes + "-value", Quote.getClassSchema());
        int tradeId = registry.register(t.trades + "-value", Trade.getClassSchema());
        int limitsId = registry.register(t.limits + "-value", RiskLimits.getClassSchema());
        Schema quoteWithIndex = ValidatingDeserializerTest.withEnumSymbol(Quote.getClassSchema(), "INDEX");
        int quoteWithIndexId = registry.register(t.quotes + "-value", quoteWithIndex);

        Instant now = TestRecords.now();
        Instrument perp = TestRecords.perp("BTC");
        Instrument call = TestRecords.option("BTC", 100_000, now.plusSeconds(86_400 * 7), OptionRight.CALL);

        List<ProducerRecord<byte[], byte[]>> quotes = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> trades = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> limits = new ArrayList<>();
        Map<String, String> expectedReason = new LinkedHashMap<>(); // "topic/marker" -> reason, marker in the key
        int goodQuotes = 0;
        int goodTrades = 0;

        for (int i = 0; i < 30; i++) {
            Quote q = TestRecords.quote(i % 2 == 0 ? perp : call, 100 + i, 101 + i, now.plusMillis(i));
            quotes.add(record(t.quotes, "good-" + i, frame(quoteId, q)));
            goodQuotes++;
            Trade tr = TestRecords.trade("t-" + i, "mm1", perp, i % 2 == 0 ? Side.BUY : Side.SELL, 1 + i, 100, now.plusMillis(i));
            trades.add(record(t.trades, "mm1", frame(tradeId, tr)));
            goodTrades++;
            if (i % 5 != 0) {
                continue;
            }
            int k = i / 5;
            switch (k) {
                case 0:
                    quotes.add(bad(expectedReason, t.quotes, "null", null, RejectReason.NULL_VALUE));
                    quotes.add(bad(expectedReason, t.quotes, "short", new byte[] {0, 0, 1}, RejectReason.TRUNCATED));
                    trades.add(bad(expectedReason, t.trades, "magic", "{\"tradeId\":1}".getBytes(StandardCharsets.UTF_8),
                            RejectReason.BAD_MAGIC_BYTE));
                    break;
                case 1:
                    quotes.add(bad(expectedReason, t.quotes, "unknown-id", new byte[] {0, 0x12, 0x34, 0x56, 0x78, 2, 2},
                            RejectReason.UNKNOWN_SCHEMA));
                    quotes.add(bad(expectedReason, t.quotes, "a-trade", frame(tradeId,
                            TestRecords.trade("x", "mm1", perp, Side.BUY, 1, 1, now)), RejectReason.INCOMPATIBLE_SCHEMA));
                    break;
                case 2:
                    quotes.add(bad(expectedReason, t.quotes, "index-kind", frame(quoteWithIndexId,
                            indexQuote(quoteWithIndex, now)), RejectReason.UNKNOWN_ENUM_SYMBOL));
                    byte[] good = frame(quoteId, TestRecords.quote(perp, 1, 2, now));
                    quotes.add(bad(expectedReason, t.quotes, "cut", Arrays.copyOf(good, good.length - 5), RejectReason.CORRUPT_AVRO));
                    quotes.add(bad(expectedReason, t.quotes, "oversized", new byte[70_000], RejectReason.OVERSIZED));
                    break;
                case 3:
                    quotes.add(bad(expectedReason, t.quotes, "nan-bid", frame(quoteId, TestRecords.quote(perp, Double.NaN, 2, now)),
                            RejectReason.INVALID_FIELD));
                    quotes.add(bad(expectedReason, t.quotes, "crossed", frame(quoteId, TestRecords.quote(perp, 3, 2, now)),
                            RejectReason.INVALID_FIELD));
                    Instrument noStrike = Instrument.newBuilder(call).setStrike(null).build();
                    quotes.add(bad(expectedReason, t.quotes, "no-strike", frame(quoteId, TestRecords.quote(noStrike, 1, 2, now)),
                            RejectReason.INVALID_FIELD));
                    break;
                case 4:
                    Trade zero = TestRecords.trade("z", "mm1", perp, Side.BUY, 1, 100, now);
                    zero.setQuantity(0);
                    trades.add(bad(expectedReason, t.trades, "zero-qty", frame(tradeId, zero), RejectReason.INVALID_FIELD));
                    limits.add(bad(expectedReason, t.limits, "mm9", frame(limitsId, TestRecords.limits("mm1", null)),
                            RejectReason.INVALID_FIELD));
                    break;
                default:
                    limits.add(bad(expectedReason, t.limits, null, null, RejectReason.NULL_VALUE));
                    break;
            }
        }
        limits.add(record(t.limits, "mm1", frame(limitsId, TestRecords.limits("mm1", null))));
        limits.add(record(t.limits, "mm1/BTC", frame(limitsId, TestRecords.limits("mm1", "BTC"))));
        limits.add(record(t.limits, "mm1/BTC", null)); // a tombstone: deletes, is not rejected
        KAFKA.send(quotes);
        KAFKA.send(trades);
        KAFKA.send(limits);

        JobClient job = startEchoJob(config(t), t);
        try {
            List<ConsumerRecord<byte[], byte[]>> rejected = KAFKA.consume(t.rejected, expectedReason.size(), TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> quotesOut = KAFKA.consume(t.quotesOut, goodQuotes, TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> tradesOut = KAFKA.consume(t.tradesOut, goodTrades, TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> limitsOut = KAFKA.consume(t.limitsOut, 2, TIMEOUT);

            ConfluentAvroDecoder<RejectedRecord> decoder = new ConfluentAvroDecoder<>(RejectedRecord.class, registry);
            Map<String, String> actualReason = new LinkedHashMap<>();
            Map<String, ProducerRecord<byte[], byte[]>> sentByMarker = new HashMap<>();
            for (List<ProducerRecord<byte[], byte[]>> list : List.of(quotes, trades, limits)) {
                for (ProducerRecord<byte[], byte[]> r : list) {
                    sentByMarker.put(r.topic() + "/" + keyOf(r.key()), r);
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : rejected) {
                RejectedRecord rec = decoder.decode(r.value());
                String marker = rec.getSourceTopic() + "/" + keyOf(r.key());
                actualReason.put(marker, rec.getReason());
                ProducerRecord<byte[], byte[]> sent = sentByMarker.get(marker);
                assertThat(sent).as("rejected record %s was sent", marker).isNotNull();
                byte[] payload = new byte[rec.getPayload().remaining()];
                rec.getPayload().duplicate().get(payload);
                assertThat(payload).as("payload of %s untouched", marker)
                        .isEqualTo(sent.value() == null ? new byte[0] : sent.value());
                assertThat(rec.getDetail()).as("detail of %s", marker).isNotBlank();
                assertThat(rec.getOffset()).isNotNegative();
            }
            assertThat(actualReason).isEqualTo(expectedReason);
            assertThat(quotesOut).hasSize(goodQuotes);
            assertThat(tradesOut).hasSize(goodTrades);
            assertThat(limitsOut).hasSize(2);
            assertThat(quotesOut.stream().map(r -> keyOf(r.key())).collect(Collectors.toSet()))
                    .allMatch(k -> k.equals("BTC-PERP") || k.startsWith("BTC-"));
            assertThat(job.getJobStatus().get()).as("the job never failed").isEqualTo(JobStatus.RUNNING);
            System.out.printf("poison test: %d good quotes, %d good trades, 2 limits echoed; %d rejected: %s%n",
                    goodQuotes, goodTrades, rejected.size(),
                    actualReason.values().stream().collect(Collectors.groupingBy(r -> r, Collectors.counting())));
        } finally {
            BallastRig.cancel(job);
        }
    }

    // ------------------------------------------------------------------------- helpers

    private static ProducerRecord<byte[], byte[]> bad(Map<String, String> expected, String topic, String marker,
                                                    byte[] value, RejectReason reason) {
        String key = marker == null ? null : marker;
        expected.put(topic + "/" + key, reason.name());
        return record(topic, key, value);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static String keyOf(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    private static GenericRecord indexQuote(Schema schema, Instant now) {
        Schema instrumentSchema = schema.getField("instrument").schema();
        GenericRecord instrument = new GenericData.Record(instrumentSchema);
        instrument.put("symbol", "BTC-INDEX");
        instrument.put("underlying", "BTC");
        instrument.put("kind", new GenericData.EnumSymbol(instrumentSchema.getField("kind").schema(), "INDEX"));
        instrument.put("multiplier", 1.0);
        instrument.put("priceUnit", new GenericData.EnumSymbol(instrumentSchema.getField("priceUnit").schema(), "QUOTE_CURRENCY"));
        instrument.put("inverse", false);
        GenericRecord quote = new GenericData.Record(schema);
        quote.put("instrument", instrument);
        quote.put("venue", "X");
        quote.put("bid", 1.0);
        quote.put("ask", 2.0);
        quote.put("eventTime", now.toEpochMilli());
        return quote;
    }

    /** The Confluent framing of a record under its own schema. */
    private static byte[] frame(int id, Object datum) throws IOException {
        Schema schema = datum instanceof SpecificRecord ? ((SpecificRecord) datum).getSchema() : ((GenericRecord) datum).getSchema();
        return ValidatingDeserializerTest.frame(id, schema, datum);
    }
}
