package io.ballast.job;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.VolSkew;
import io.ballast.config.BallastConfig;
import io.ballast.domain.Keys;
import io.ballast.domain.Topic;
import io.ballast.kafka.KafkaIo;
import io.ballast.kafka.Rejection;
import io.ballast.registry.RegistryConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The four output streams of the pipeline. */
public final class Outputs {

    public static final String UID_SIGNALS_SINK = "rebalance-signals-sink";
    public static final String UID_RISK_SINK = "inventory-risk-sink";
    public static final String UID_SKEW_SINK = "vol-skew-sink";
    public static final String UID_REJECTED_SINK = "rejected-sink";

    private final DataStream<RebalanceSignal> signals;
    private final DataStream<RiskSnapshot> risk;
    private final DataStream<VolSkew> skew;
    private final DataStream<Rejection> rejected;

    public Outputs(DataStream<RebalanceSignal> signals, DataStream<RiskSnapshot> risk, DataStream<VolSkew> skew,
                   DataStream<Rejection> rejected) {
        this.signals = signals;
        this.risk = risk;
        this.skew = skew;
        this.rejected = rejected;
    }

    public DataStream<RebalanceSignal> signals() { return signals; }
    public DataStream<RiskSnapshot> risk() { return risk; }
    public DataStream<VolSkew> skew() { return skew; }
    public DataStream<Rejection> rejected() { return rejected; }

    /** Writes every stream to its topic. */
    public void toKafka(BallastConfig config) {
        BallastConfig.Kafka kafka = config.kafka();
        BallastConfig.Sinks sinks = config.sinks();
        RegistryConfig registry = config.registry();
        BallastConfig.TopicNames topics = config.topics();
        if (signals != null) {
            signals.sinkTo(KafkaIo.sink(kafka, sinks, registry, topics.name(Topic.SIGNALS), RebalanceSignal.class,
                            s -> KafkaIo.utf8(Keys.book(s.getProviderId(), s.getUnderlying())), s -> s, sinks.linger()))
                    .uid(UID_SIGNALS_SINK).name("rebalance-signals");
        }
        if (risk != null) {
            risk.sinkTo(KafkaIo.sink(kafka, sinks, registry, topics.name(Topic.RISK), RiskSnapshot.class,
                            r -> KafkaIo.utf8(Keys.book(r.getProviderId(), r.getUnderlying())), r -> r, sinks.bulkLinger()))
                    .uid(UID_RISK_SINK).name("inventory-risk");
        }
        if (skew != null) {
            skew.sinkTo(KafkaIo.sink(kafka, sinks, registry, topics.name(Topic.VOL_SKEW), VolSkew.class,
                            s -> KafkaIo.utf8(Keys.smile(s.getUnderlying(), s.getExpiry().toEpochMilli())), s -> s,
                            sinks.bulkLinger()))
                    .uid(UID_SKEW_SINK).name("vol-skew");
        }
        rejected.sinkTo(KafkaIo.rejectedSink(kafka, sinks, registry, topics.name(Topic.REJECTED)))
                .uid(UID_REJECTED_SINK).name("rejected");
    }
}
