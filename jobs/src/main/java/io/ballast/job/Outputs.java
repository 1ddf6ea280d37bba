package io.ballast.job;

import io.ballast.avro.PortfolioRisk;
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
    public static final String UID_PORTFOLIO_SINK = "portfolio-risk-sink";

    private final DataStream<RebalanceSignal> signals;
    private final DataStream<RiskSnapshot> risk;
    private final DataStream<VolSkew> skew;
    private final DataStream<Rejection> rejected;
    private final DataStream<PortfolioRisk> portfolio;

    public Outputs(DataStream<RebalanceSignal> signals, DataStream<RiskSnapshot> risk, DataStream<VolSkew> skew,
                   DataStream<Rejection> rejected) {
        this(signals, risk, skew, rejected, null);
    }

    public Outputs(DataStream<RebalanceSignal> signals, DataStream<RiskSnapshot> risk, DataStream<VolSkew> skew,
                   DataStream<Rejection> rejected, DataStream<PortfolioRisk> portfolio) {
        this.signals = signals;
        this.risk = risk;
        this.skew = skew;
        this.rejected = rejected;
        this.portfolio = portfolio;
    }

    public DataStream<RebalanceSignal> signals() { return signals; }
    public DataStream<RiskSnapshot> risk() { return risk; }
    public DataStream<VolSkew> skew() { return skew; }
    public DataStream<Rejection> rejected() { return rejected; }
    /** Null when the portfolio stage is off. */
    public DataStream<PortfolioRisk> portfolio() { return portfolio; }

    /** Writes every stream to its topic. */
    public void toKafka(BallastConfig config) {
        BallastConfig.Kafka kafka = config.kafka();
        BallastConfig.Sinks sinks = config.sinks();
        RegistryConfig registry = config.registry();
        BallastConfig.TopicNames topics = config.topics();
        if (signals != null) {
            signals.sinkTo(KafkaIo.sink(kafka, sinks, registry, topics.name(Topic.SIGNALS), RebalanceSignal.class,
                            s -> KafkaIo.utf8(signalKey(s)), s -> s, sinks.linger()))
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
        if (portfolio != null) {
            portfolio.sinkTo(KafkaIo.sink(kafka, sinks, registry, topics.name(Topic.PORTFOLIO_RISK), PortfolioRisk.class,
                            p -> KafkaIo.utf8(p.getProviderId()), p -> p, sinks.bulkLinger()))
                    .uid(UID_PORTFOLIO_SINK).name("portfolio-risk");
        }
        rejected.sinkTo(KafkaIo.rejectedSink(kafka, sinks, registry, topics.name(Topic.REJECTED)))
                .uid(UID_REJECTED_SINK).name("rejected");
    }

    /** {@code provider/UNDERLYING}; {@code provider} for the portfolio's signals (underlying "*"). */
    static String signalKey(RebalanceSignal s) {
        return "*".equals(s.getUnderlying()) ? s.getProviderId() : Keys.book(s.getProviderId(), s.getUnderlying());
    }
}
