package io.ballast.state;

import io.ballast.avro.internal.BookSummary;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portfolio stage's book summaries written by 0.1.0 (with its move-curve fields, no scenario set; the schema
 * as released, under {@code src/test/resources/state-schemas/0.1.0}) are read by this version: the state's
 * serializer snapshot accepts the change ({@link AvroStateSerializerSnapshot} asks Avro's reader/writer
 * compatibility), and such a record decodes without a scenario set, so the portfolio waits for the book's next one.
 * Likewise its meta, which gains {@code changePending} ({@code portfolio.fill-interval}): read as false.
 */
class PortfolioStateFrom010Test {

    private static Schema released() throws Exception {
        return released("BookSummary");
    }

    private static Schema released(String record) throws Exception {
        try (InputStream in = PortfolioStateFrom010Test.class.getResourceAsStream("/state-schemas/0.1.0/" + record + ".avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void aBookSummaryOf010IsReadWithoutAScenarioSet() throws Exception {
        Schema then = released();
        assertThat(then.getField("curveDownPnl")).as("the 0.1.0 schema has the curves").isNotNull();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(BookSummary.getClassSchema(), then).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);

        GenericRecord old = new GenericData.Record(then);
        for (Schema.Field f : then.getFields()) {
            if (f.hasDefaultValue()) {
                old.put(f.name(), GenericData.get().getDefaultValue(f));
            }
        }
        old.put("providerId", "mm1");
        old.put("underlying", "BTC");
        old.put("asOf", 1_800_000_000_000L);
        old.put("referencePrice", 100_000.0);
        old.put("netDelta", -1.5);
        old.put("columnAsOf", 1_799_999_999_000L);
        old.put("column", List.of(1.0, 2.0, 3.0));
        old.put("curveDownPnl", List.of(0.0, -10.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(then).write(old, encoder);
        encoder.flush();

        BookSummary now = new SpecificDatumReader<BookSummary>(then, BookSummary.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(now.getProviderId()).isEqualTo("mm1");
        assertThat(now.getNetDelta()).isEqualTo(-1.5);
        assertThat(now.getColumnAsOf()).isEqualTo(1_799_999_999_000L);
        assertThat(now.getScenarioSet()).as("no set: the book's next summary brings one").isNull();
    }

    @Test
    void aPortfolioMetaOf010IsReadWithNoChangeHeldBack() throws Exception {
        Schema then = released("PortfolioMeta");
        assertThat(then.getField("changePending")).as("0.1.0 had no fill interval").isNull();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(io.ballast.avro.internal.PortfolioMeta.getClassSchema(), then)
                .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        GenericRecord old = new GenericData.Record(then);
        for (Schema.Field f : then.getFields()) {
            if (f.hasDefaultValue()) {
                old.put(f.name(), GenericData.get().getDefaultValue(f));
            }
        }
        old.put("providerId", "mm1");
        old.put("sequence", 41L);
        old.put("nextTimer", 1_800_000_001_000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(then).write(old, encoder);
        encoder.flush();
        io.ballast.avro.internal.PortfolioMeta now = new SpecificDatumReader<io.ballast.avro.internal.PortfolioMeta>(
                then, io.ballast.avro.internal.PortfolioMeta.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(now.getSequence()).isEqualTo(41L);
        assertThat(now.getNextTimer()).isEqualTo(1_800_000_001_000L);
        assertThat(now.getChangePending()).isFalse();
    }
}
