package io.ballast.avro;

import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a consumer still on the released v1 schema of {@code RebalanceSignal} sees when it reads what the
 * current Ballast writes (CONTRACT.md, "GAMMA_HEDGE / VEGA_HEDGE"): the v1 enum {@code SignalType} has
 * no default, so a record with an appended symbol fails to decode; every other record still decodes.
 */
class AppendedSignalTypesTest {

    private static final Schema V1 = SchemaCompatibilityTest.parse(
            SchemaCompatibilityTest.RELEASED.resolve("v1").resolve("RebalanceSignal.avsc"));

    private static RebalanceSignal signal(SignalType type) {
        return RebalanceSignal.newBuilder()
                .setSignalId("mm1/BTC/" + type + "/7").setProviderId("mm1").setUnderlying("BTC")
                .setType(type).setStatus(SignalStatus.ACTION)
                .setInstrument("BTC-27DEC26-100000-C").setSide(Side.BUY).setQuantity(12.0)
                .setReservationPrice(null).setBidOffset(null).setAskOffset(null)
                .setNetDelta(0.5).setGamma(-0.001).setVega(-300.0).setThreshold(1000.0)
                .setUrgency(Urgency.NORMAL).setReason("test").setEventTime(Instant.ofEpochMilli(1_800_000_000_000L))
                .build();
    }

    private static byte[] write(RebalanceSignal s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(RebalanceSignal.class).write(s, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** Decodes with the current schema as writer and v1 as reader, as a v1 consumer does. */
    private static GenericRecord readAsV1(byte[] bytes) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        return new GenericDatumReader<GenericRecord>(RebalanceSignal.getClassSchema(), V1).read(null, decoder);
    }

    @Test
    void theSymbolsAreAppendedInThisOrder() {
        List<String> v1 = V1.getField("type").schema().getEnumSymbols();
        List<String> now = RebalanceSignal.getClassSchema().getField("type").schema().getEnumSymbols();
        assertThat(v1).containsExactly("DELTA_HEDGE", "GAMMA_LIMIT", "VEGA_LIMIT", "QUOTE_SKEW");
        assertThat(now.subList(0, v1.size())).isEqualTo(v1);
        assertThat(now.subList(v1.size(), v1.size() + 2)).containsExactly("GAMMA_HEDGE", "VEGA_HEDGE");
        assertThat(V1.getField("type").schema().getEnumDefault()).as("v1 SignalType has no enum default").isNull();
    }

    @Test
    void aV1ReaderFailsOnGammaHedgeAndVegaHedge() throws IOException {
        for (SignalType type : List.of(SignalType.GAMMA_HEDGE, SignalType.VEGA_HEDGE)) {
            byte[] bytes = write(signal(type));
            assertThatThrownBy(() -> readAsV1(bytes))
                    .as(type.name())
                    .isInstanceOf(AvroTypeException.class)
                    .hasMessage("No match for " + type.name());
        }
    }

    /** A consumer that ignores the schema id and decodes with its own v1 schema as the writer's. */
    @Test
    void aV1ReaderIgnoringTheWriterSchemaFailsToo() throws IOException {
        byte[] bytes = write(signal(SignalType.GAMMA_HEDGE));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new GenericDatumReader<GenericRecord>(V1, V1)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null)));
        System.out.println("v1 as writer and reader on a GAMMA_HEDGE record: " + thrown);
        assertThat(thrown).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("Index 4 out of bounds for length 4");
    }

    @Test
    void aV1ReaderStillReadsEveryOtherSignal() throws IOException {
        for (SignalType type : List.of(SignalType.DELTA_HEDGE, SignalType.GAMMA_LIMIT, SignalType.VEGA_LIMIT,
                SignalType.QUOTE_SKEW)) {
            GenericRecord r = readAsV1(write(signal(type)));
            assertThat(r.get("type")).isInstanceOf(GenericData.EnumSymbol.class);
            assertThat(r.get("type").toString()).isEqualTo(type.name());
            assertThat(r.get("quantity")).isEqualTo(12.0);
        }
    }

    /** {@code venue} (issue 15) is a last field with default null: a v1 reader skips it, a current reader of v1 bytes gets null. */
    @Test
    void theVenueOfAHedgeIsSkippedByAV1ReaderAndNullInRecordsOfV1() throws IOException {
        RebalanceSignal hedge = signal(SignalType.DELTA_HEDGE);
        hedge.setInstrument("BTC-PERP");
        hedge.setVenue("OKX");
        GenericRecord v1 = readAsV1(write(hedge));
        assertThat(v1.getSchema().getField("venue")).isNull();
        assertThat(v1.get("instrument").toString()).isEqualTo("BTC-PERP");
        assertThat(v1.get("quantity")).isEqualTo(12.0);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(V1).write(v1, encoder);
        encoder.flush();
        RebalanceSignal back = new org.apache.avro.specific.SpecificDatumReader<RebalanceSignal>(V1,
                RebalanceSignal.getClassSchema()).read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(back.getInstrument()).isEqualTo("BTC-PERP");
        assertThat(back.getVenue()).isNull();
        List<Schema.Field> fields = RebalanceSignal.getClassSchema().getFields();
        assertThat(fields.get(fields.size() - 1).name()).isEqualTo("venue");
    }
}
