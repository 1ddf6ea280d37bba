package io.ballast.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.flink.formats.avro.SchemaCoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Confluent wire format for flink-avro's {@code RegistryAvro(De)SerializationSchema}: byte 0, the
 * writer schema id as a 4-byte big-endian int, then Avro binary.
 *
 * <p>Reading resolves the id through the registry (cached per JVM) and, when a reader schema is given,
 * checks once per id that the writer schema can be read as it; writing registers or looks up the
 * schema under the subject once. One instance serves one task thread; the last id and schema seen in
 * each direction are kept in fields, so the steady state costs no map lookup at all.
 */
public final class ConfluentSchemaCoder implements SchemaCoder {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private final ConfluentRegistryClient client;
    private final String subject;
    private final Schema readerSchema;

    /** Writer ids already checked against the reader schema, with their verdict (null when fine). */
    private final Map<Integer, WireFormatException> verdicts = new HashMap<>();

    private int lastReadId = -1;
    private Schema lastReadSchema;
    private Schema lastWriteSchema;
    private int lastWriteId;

    /**
     * @param subject the subject written under ({@code <topic>-value}); may be null for a read-only coder
     * @param readerSchema the schema records are decoded into; null to skip the compatibility check
     */
    public ConfluentSchemaCoder(ConfluentRegistryClient client, String subject, Schema readerSchema) {
        this.client = client;
        this.subject = subject;
        this.readerSchema = readerSchema;
    }

    @Override
    public Schema readSchema(InputStream in) throws IOException {
        int magic = in.read();
        if (magic < 0) {
            throw truncated(0);
        }
        checkMagic(magic);
        int id = 0;
        for (int i = 0; i < 4; i++) {
            int b = in.read();
            if (b < 0) {
                throw truncated(i + 1);
            }
            id = (id << 8) | b;
        }
        return writerSchema(id);
    }

    /** The writer schema of a whole message, read from its header without copying. */
    public Schema readSchema(byte[] message) throws IOException {
        if (message.length < HEADER_LENGTH) {
            throw truncated(message.length);
        }
        checkMagic(message[0] & 0xff);
        int id = ((message[1] & 0xff) << 24) | ((message[2] & 0xff) << 16) | ((message[3] & 0xff) << 8)
                | (message[4] & 0xff);
        return writerSchema(id);
    }

    private static WireFormatException truncated(int length) {
        return new WireFormatException(WireFormatException.Kind.TRUNCATED, length == 0
                ? "Empty message: the Confluent wire format needs at least " + HEADER_LENGTH + " bytes"
                : "Message ends inside the schema id: " + length + " of " + HEADER_LENGTH + " header bytes");
    }

    private static void checkMagic(int magic) throws WireFormatException {
        if (magic != MAGIC_BYTE) {
            throw new WireFormatException(WireFormatException.Kind.BAD_MAGIC_BYTE,
                    "Magic byte is 0x" + String.format("%02x", magic) + ", expected 0x00 (Confluent wire format)");
        }
    }

    private Schema writerSchema(int id) throws IOException {
        if (id == lastReadId) {
            return lastReadSchema;
        }
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(WireFormatException.Kind.UNKNOWN_SCHEMA,
                        "Schema id " + id + " is unknown to the registry", e);
            }
            throw e;
        }
        checkReadable(id, writer);
        lastReadId = id;
        lastReadSchema = writer;
        return writer;
    }

    private void checkReadable(int id, Schema writer) throws WireFormatException {
        if (readerSchema == null) {
            return;
        }
        if (!verdicts.containsKey(id)) {
            verdicts.put(id, verdict(id, writer));
        }
        WireFormatException verdict = verdicts.get(id);
        if (verdict != null) {
            throw verdict;
        }
    }

    /**
     * Unknown enum symbols are left to the decoder, per record: a writer that added a symbol stays
     * readable for every record that does not use it.
     */
    private WireFormatException verdict(int id, Schema writer) {
        List<Incompatibility> fatal = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer)
                .getResult()
                .getIncompatibilities()
                .stream()
                .filter(i -> i.getType() != SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS)
                .collect(Collectors.toList());
        if (fatal.isEmpty()) {
            return null;
        }
        String why = fatal.stream()
                .limit(3)
                .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
                .collect(Collectors.joining("; "));
        return new WireFormatException(WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                "Writer schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
                        + readerSchema.getFullName() + ": " + why);
    }

    @Override
    public void writeSchema(Schema schema, OutputStream out) throws IOException {
        int id;
        if (schema == lastWriteSchema) {
            id = lastWriteId;
        } else {
            if (subject == null) {
                throw new IllegalStateException("This schema coder has no subject to write under");
            }
            id = client.idFor(subject, schema);
            lastWriteSchema = schema;
            lastWriteId = id;
        }
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
    }

    /** Serializable factory: each task builds its coder, all tasks of a JVM share one client cache. */
    public static final class Provider implements SchemaCoder.SchemaCoderProvider {

        private static final long serialVersionUID = 1L;

        private final RegistryConfig config;
        private final String subject;
        private final String readerSchemaJson;

        private Provider(RegistryConfig config, String subject, Schema readerSchema) {
            this.config = config;
            this.subject = subject;
            this.readerSchemaJson = readerSchema == null ? null : readerSchema.toString();
        }

        /** For a sink: writes under {@code subject}. */
        public static Provider forWriting(RegistryConfig config, String subject) {
            return new Provider(config, subject, null);
        }

        /** For a source: reads any writer schema the registry knows that can be read as {@code reader}. */
        public static Provider forReading(RegistryConfig config, Schema reader) {
            return new Provider(config, null, reader);
        }

        /** Creating a coder sends no request: the client connects on first use. */
        @Override
        public SchemaCoder get() {
            Schema reader = readerSchemaJson == null ? null : new Schema.Parser().parse(readerSchemaJson);
            return new ConfluentSchemaCoder(ConfluentRegistryClient.shared(config), subject, reader);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Provider)) {
                return false;
            }
            Provider p = (Provider) o;
            return config.equals(p.config) && java.util.Objects.equals(subject, p.subject)
                    && java.util.Objects.equals(readerSchemaJson, p.readerSchemaJson);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(config, subject, readerSchemaJson);
        }
    }
}
