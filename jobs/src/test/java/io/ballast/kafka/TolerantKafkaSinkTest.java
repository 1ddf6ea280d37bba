package io.ballast.kafka;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TolerantKafkaSinkTest {

    @Test
    void recognisesAForgottenTransactionalIdAnywhereInTheCauses() {
        InvalidPidMappingException forgotten = new InvalidPidMappingException("not currently assigned");
        assertThat(TolerantKafkaSink.isExpiredTransactionalId(forgotten)).isTrue();
        assertThat(TolerantKafkaSink.isExpiredTransactionalId(new KafkaException("error state", forgotten))).isTrue();
        assertThat(TolerantKafkaSink.isExpiredTransactionalId(
                new IllegalStateException("commit", new KafkaException(forgotten)))).isTrue();
        assertThat(TolerantKafkaSink.isExpiredTransactionalId(new ProducerFencedException("fenced"))).isFalse();
        assertThat(TolerantKafkaSink.isExpiredTransactionalId(new KafkaException("other"))).isFalse();
        assertThat(TolerantKafkaSink.isExpiredTransactionalId(null)).isFalse();
    }

    /** What a committer does with a request, through the tolerant committer's view of it. */
    private static String outcome(Throwable unknownFailure) throws Exception {
        StringBuilder seen = new StringBuilder();
        Committer.CommitRequest<KafkaCommittable> request = new Committer.CommitRequest<>() {
            @Override public KafkaCommittable getCommittable() { return null; }
            @Override public int getNumberOfRetries() { return 0; }
            @Override public void signalFailedWithKnownReason(Throwable t) { seen.append("known"); }
            @Override public void signalFailedWithUnknownReason(Throwable t) { seen.append("unknown"); }
            @Override public void retryLater() { seen.append("retry"); }
            @Override public void updateAndRetryLater(KafkaCommittable c) { seen.append("update"); }
            @Override public void signalAlreadyCommitted() { seen.append("committed"); }
        };
        Committer<KafkaCommittable> failing = new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<KafkaCommittable>> requests) {
                requests.forEach(r -> r.signalFailedWithUnknownReason(unknownFailure));
            }

            @Override
            public void close() {
            }
        };
        try (Committer<KafkaCommittable> tolerant = TolerantKafkaSink.tolerant(failing,
                new SimpleCounter())) {
            tolerant.commit(List.of(request));
        }
        return seen.toString();
    }

    @Test
    void aForgottenTransactionIsAKnownFailureEverythingElseIsPassedOn() throws Exception {
        assertThat(outcome(new InvalidPidMappingException("expired"))).isEqualTo("known");
        assertThat(outcome(new KafkaException("broken", new InvalidPidMappingException("expired")))).isEqualTo("known");
        assertThat(outcome(new KafkaException("broken"))).isEqualTo("unknown");
    }
}
