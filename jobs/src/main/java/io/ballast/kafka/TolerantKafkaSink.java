package io.ballast.kafka;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An exactly-once {@link KafkaSink} whose committer gives up on a transaction the broker no longer
 * knows, instead of failing the job over and over.
 *
 * <p>Why: a restore commits the transactions recorded in the checkpoint or savepoint again. While the
 * broker remembers their transactional ids that second commit is a no-op; once it has expired them
 * ({@code transactional.id.expiration.ms}, 7 days by default: a savepoint older than that, or one
 * restored against another Kafka cluster) the commit fails with {@link InvalidPidMappingException}.
 * flink-connector-kafka 5.0.0-2.2 treats that as an unknown failure: the task fails, restores the same
 * committables, fails again, forever (FLINK-39072; its fix is not in a release, and Flink 2.2 has no
 * option for the committer's failure handling). Such a transaction cannot be committed by anyone any
 * more: it was committed before the ids expired, or the broker aborted it at its transaction timeout,
 * long before. So it is handled like the connector's own {@code ProducerFencedException} case: logged
 * as an error, counted ({@code expiredTransactionsSkipped} on the committer's metric group), and skipped.
 * Every other failure is passed on untouched.
 *
 * <p>Everything else is the wrapped sink's: writer, state and committable serializers (so savepoints
 * of a plain {@code KafkaSink} restore into this one and back), lineage and topology.
 */
public final class TolerantKafkaSink<IN> implements TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
        SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TolerantKafkaSink.class);

    private final KafkaSink<IN> sink;

    public TolerantKafkaSink(KafkaSink<IN> sink) {
        this.sink = sink;
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> createWriter(WriterInitContext context)
            throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> restoreWriter(
            WriterInitContext context, Collection<KafkaWriterState> recoveredState) throws IOException {
        return sink.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return tolerant(sink.createCommitter(context), context.metricGroup().counter("expiredTransactionsSkipped"));
    }

    /** {@code committer}, with failures on forgotten transactional ids turned into known ones. */
    static Committer<KafkaCommittable> tolerant(Committer<KafkaCommittable> committer, Counter skipped) {
        return new TolerantCommitter(committer, skipped);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
        sink.addPostCommitTopology(committables);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return sink.getLineageVertex();
    }

    /** True when {@code t} or one of its causes is the broker saying it does not know the transactional id. */
    static boolean isExpiredTransactionalId(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InvalidPidMappingException) {
                return true;
            }
        }
        return false;
    }

    private static final class TolerantCommitter implements Committer<KafkaCommittable> {
        private final Committer<KafkaCommittable> committer;
        private final Counter skipped;

        TolerantCommitter(Committer<KafkaCommittable> committer, Counter skipped) {
            this.committer = committer;
            this.skipped = skipped;
        }

        @Override
        public void commit(Collection<CommitRequest<KafkaCommittable>> requests) throws IOException, InterruptedException {
            List<CommitRequest<KafkaCommittable>> tolerant = new ArrayList<>(requests.size());
            for (CommitRequest<KafkaCommittable> r : requests) {
                tolerant.add(new TolerantRequest(r, skipped));
            }
            committer.commit(tolerant);
        }

        @Override
        public void close() throws Exception {
            committer.close();
        }
    }

    private static final class TolerantRequest implements Committer.CommitRequest<KafkaCommittable> {
        private final Committer.CommitRequest<KafkaCommittable> request;
        private final Counter skipped;

        TolerantRequest(Committer.CommitRequest<KafkaCommittable> request, Counter skipped) {
            this.request = request;
            this.skipped = skipped;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return request.getCommittable();
        }

        @Override
        public int getNumberOfRetries() {
            return request.getNumberOfRetries();
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            request.signalFailedWithKnownReason(t);
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            if (!isExpiredTransactionalId(t)) {
                request.signalFailedWithUnknownReason(t);
                return;
            }
            skipped.inc();
            LOG.error("Kafka transaction {} of a restored checkpoint or savepoint cannot be committed: the broker no "
                    + "longer knows its transactional id ({}). It was committed before the id expired (nothing is "
                    + "lost), or the broker aborted it when its transaction.timeout.ms passed (its records are lost, "
                    + "as after any outage longer than --sink.transaction-timeout). Skipping it instead of failing "
                    + "the job again and again.", request.getCommittable(), t.toString());
            request.signalFailedWithKnownReason(t);
        }

        @Override
        public void retryLater() {
            request.retryLater();
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            request.updateAndRetryLater(committable);
        }

        @Override
        public void signalAlreadyCommitted() {
            request.signalAlreadyCommitted();
        }
    }
}
