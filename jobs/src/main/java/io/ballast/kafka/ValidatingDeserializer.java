package io.ballast.kafka;

import io.ballast.avro.RejectedRecord;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.ConfluentSchemaCoder;
import io.ballast.registry.RegistryConfig;
import io.ballast.registry.RegistryException;
import io.ballast.registry.WireFormatException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Reads a topic of Confluent-framed Avro records and never throws on bad input and never drops it:
 * each Kafka record becomes either the decoded, validated value ({@code Right}) or a
 * {@link Rejection} ({@code Left}) that carries the reason, the source coordinates and the original
 * bytes. Only infrastructure failures throw (the registry cannot be reached after its retries): the job
 * then restarts from its last checkpoint and reads the same records again, so nothing is lost either.
 *
 * @param <T> the Avro record type of the topic
 * @param <R> what the pipeline carries for a good record
 */
public final class ValidatingDeserializer<T extends SpecificRecord, R>
        implements KafkaRecordDeserializationSchema<Either<Rejection, R>> {

    private static final long serialVersionUID = 1L;
    private static final String UNKNOWN_ENUM_PREFIX = "No match for ";

    private final Class<T> recordClass;
    private final RegistryConfig registry;
    private final Validator<T> validator;
    private final SourceRecordMapper<T, R> mapper;
    private final TypeInformation<R> producedType;
    private final int maxRecordBytes;

    private transient ConfluentAvroDecoder<T> avro;

    public ValidatingDeserializer(Class<T> recordClass, RegistryConfig registry, Validator<T> validator,
                                  SourceRecordMapper<T, R> mapper, TypeInformation<R> producedType,
                                  int maxRecordBytes) {
        if (maxRecordBytes < ConfluentSchemaCoder.HEADER_LENGTH) {
            throw new IllegalArgumentException("maxRecordBytes must be at least "
                    + ConfluentSchemaCoder.HEADER_LENGTH + ", got " + maxRecordBytes);
        }
        this.recordClass = recordClass;
        this.registry = registry;
        this.validator = validator;
        this.mapper = mapper;
        this.producedType = producedType;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        AvroLimits.install(maxRecordBytes);
        avro = new ConfluentAvroDecoder<>(recordClass, ConfluentRegistryClient.shared(registry));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<Rejection, R>> out)
            throws IOException {
        byte[] value = record.value();
        if (value == null) {
            R meaning = mapper.onNullValue(record);
            if (meaning != null) {
                out.collect(Either.Right(meaning));
            } else {
                out.collect(reject(record, RejectReason.NULL_VALUE,
                        "Null value (tombstone) on " + record.topic() + " where a " + recordClass.getSimpleName()
                                + " is expected"));
            }
            return;
        }
        if (value.length > maxRecordBytes) {
            out.collect(reject(record, RejectReason.OVERSIZED,
                    "Value of " + value.length + " bytes exceeds input.max-record-bytes = " + maxRecordBytes));
            return;
        }
        T decoded;
        try {
            decoded = avro.decode(value);
        } catch (WireFormatException e) {
            out.collect(reject(record, reasonOf(e.kind()), e.getMessage()));
            return;
        } catch (RegistryException e) {
            // The registry could not be asked: not the record's fault. Fail, restart, read it again.
            throw e;
        } catch (AvroTypeException e) {
            boolean unknownSymbol = e.getMessage() != null && e.getMessage().startsWith(UNKNOWN_ENUM_PREFIX);
            out.collect(reject(record, unknownSymbol ? RejectReason.UNKNOWN_ENUM_SYMBOL : RejectReason.CORRUPT_AVRO,
                    describe(e)));
            return;
        } catch (IOException | RuntimeException e) {
            out.collect(reject(record, RejectReason.CORRUPT_AVRO, describe(e)));
            return;
        }
        String problem;
        try {
            problem = validator.problem(decoded, record.key(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            problem = "validation failed: " + describe(e);
        }
        if (problem != null) {
            out.collect(reject(record, RejectReason.INVALID_FIELD, problem));
            return;
        }
        out.collect(Either.Right(mapper.map(decoded, record)));
    }

    private Either<Rejection, R> reject(ConsumerRecord<byte[], byte[]> record, RejectReason reason, String detail) {
        return Either.Left(rejection(record, reason, detail));
    }

    /** A rejection of a Kafka record, with its coordinates and untouched bytes. */
    public static Rejection rejection(ConsumerRecord<byte[], byte[]> record, RejectReason reason, String detail) {
        RejectedRecord rejected = RejectedRecord.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setReason(reason.name())
                .setDetail(detail)
                .setPayload(ByteBuffer.wrap(record.value() == null ? new byte[0] : record.value()))
                .setEventTime(Instant.ofEpochMilli(Math.max(0, record.timestamp())))
                .build();
        return new Rejection(record.key(), rejected);
    }

    static RejectReason reasonOf(WireFormatException.Kind kind) {
        switch (kind) {
            case TRUNCATED:
                return RejectReason.TRUNCATED;
            case BAD_MAGIC_BYTE:
                return RejectReason.BAD_MAGIC_BYTE;
            case UNKNOWN_SCHEMA:
                return RejectReason.UNKNOWN_SCHEMA;
            case INCOMPATIBLE_SCHEMA:
                return RejectReason.INCOMPATIBLE_SCHEMA;
            default:
                throw new IllegalArgumentException("Unmapped wire format problem " + kind);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return m.length() <= 1000 ? m : m.substring(0, 1000) + "...";
    }

    @Override
    public TypeInformation<Either<Rejection, R>> getProducedType() {
        return new EitherTypeInfo<>(TypeInformation.of(Rejection.class), producedType);
    }
}
