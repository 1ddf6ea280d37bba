package io.ballast.registry;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Decodes Confluent-framed Avro messages into a SpecificRecord class, each message in isolation.
 *
 * <p>Why not flink-avro's {@code RegistryAvroDeserializationSchema}: it keeps one buffered decoder
 * over a shared stream, so when a corrupt message throws halfway, or a message carries trailing bytes,
 * the leftover bytes are read as the beginning of the next message, which is then mis-decoded. Here the
 * decoder is re-pointed at each message's own bytes, and a message must be consumed exactly: trailing
 * bytes are an error too. Not thread-safe: one per task.
 */
public final class ConfluentAvroDecoder<T extends SpecificRecord> {

    private final ConfluentSchemaCoder coder;
    private final Schema readerSchema;
    private final Map<Schema, SpecificDatumReader<T>> readers = new IdentityHashMap<>();
    private BinaryDecoder decoder;
    private Schema lastWriter;
    private SpecificDatumReader<T> lastReader;

    public ConfluentAvroDecoder(Class<T> recordClass, ConfluentRegistryClient client) {
        this.readerSchema = SpecificData.get().getSchema(recordClass);
        this.coder = new ConfluentSchemaCoder(client, null, readerSchema);
    }

    /**
     * @throws WireFormatException the header is bad, the id unknown, or the writer schema unreadable
     * @throws RegistryException the registry cannot be asked
     * @throws TrailingBytesException the record ends before the message does
     * @throws IOException or a RuntimeException from Avro: the body does not decode
     */
    public T decode(byte[] message) throws IOException {
        Schema writer = coder.readSchema(message);
        SpecificDatumReader<T> reader;
        if (writer == lastWriter) {
            reader = lastReader;
        } else {
            reader = readers.computeIfAbsent(writer, w -> new SpecificDatumReader<>(w, readerSchema));
            lastWriter = writer;
            lastReader = reader;
        }
        int bodyLength = message.length - ConfluentSchemaCoder.HEADER_LENGTH;
        decoder = DecoderFactory.get().binaryDecoder(message, ConfluentSchemaCoder.HEADER_LENGTH, bodyLength, decoder);
        T value = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new TrailingBytesException("The record ends before the message: " + message.length
                    + " bytes, of which some are left over after a complete " + writer.getFullName());
        }
        return value;
    }

    /** A message with bytes after its record. */
    public static final class TrailingBytesException extends IOException {
        private static final long serialVersionUID = 1L;

        TrailingBytesException(String message) {
            super(message);
        }
    }
}
