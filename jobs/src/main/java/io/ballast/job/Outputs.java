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

/** The output streams of the pipeline: four, and two more with the portfolio stage. */
public final class Outputs {

    public static final String UID_SIGNALS_SINK = "rebalance-signals-sink";
    public static final String UID_RISK_SINK = "inventory-risk-sink";
    public static final String UID_SKEW_SINK = "vol-skew-sink";
    public static final String UID_REJECTED_SINK = "rejected-sink";
    public static final String UID_PORTFOLIO_SINK = "portfolio-risk-sink";
    public static final String UID_PORTFOLIO_SIGNALS_SINK = "portfolio-signals-sink";
    /**
     * The portfolio signals sink's part of its transactional ids ({@code <prefix>-portfolio-<topic>}): the books'
     * signals sink writes the same topic.
     */
    static final String PORTFOLIO_SIGNALS_TRANSACTIONS = "portfolio";

    private final DataStream<RebalanceSignal> signals;
    private final DataStream<RiskSnapshot> risk;
    private final DataStream<VolSkew> skew;
    private final DataStream<Rejection> rejected;
    private final DataStream<PortfolioRisk> portfolio;
    private final DataStream<RebalanceSignal> portfolioSignals;

    public Outputs(DataStream<RebalanceSignal> signals, DataStream<RiskSnapshot> risk, DataStream<VolSkew> skew,
                   DataStream<Rejection> rejected) {
        this(signals, risk, skew, rejected, null, null);
    }

    /**
     * @param signals the books' signals
     * @param portfolioSignals the portfolio's signals (MARGIN_USAGE, LIQUIDATION_BUFFER), to the same topic
     */
    public Outputs(DataStream<RebalanceSignal> signals, DataStream<RiskSnapshot> risk, DataStream<VolSkew> skew,
                   DataStream<Rejection> rejected, DataStream<PortfolioRisk> portfolio,
                   DataStream<RebalanceSignal> portfolioSignals) {
        this.signals = signals;
        this.risk = risk;
        this.skew = skew;
        this.rejected = rejected;
        this.portfolio = portfolio;
        this.portfolioSignals = portfolioSignals;
    }

    public DataStream<RebalanceSignal> signals() { return signals; }
    public DataStream<RiskSnapshot> risk() { return risk; }
    public DataStream<VolSkew> skew() { return skew; }
    public DataStream<Rejection> rejected() { return rejected; }
    /** Null when the portfolio stage is off. */
    public DataStream<PortfolioRisk> portfolio() { return portfolio; }
    /** The portfolio's signals; null when the portfolio stage is off. */
    public DataStream<RebalanceSignal> portfolioSignals() { return portfolioSignals; }

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
        if (portfolioSignals != null) {
            // The same topic as the books' signals, through a sink of its own (chained to the portfolio, as the
            // books' sink is to the inventory), with transactional ids of its own.
            portfolioSignals.sinkTo(KafkaIo.sink(kafka, sinks, registry, topics.name(Topic.SIGNALS), RebalanceSignal.class,
                            s -> KafkaIo.utf8(signalKey(s)), s -> s, sinks.linger(), PORTFOLIO_SIGNALS_TRANSACTIONS))
                    .uid(UID_PORTFOLIO_SIGNALS_SINK).name("portfolio signals");
        }
        rejected.sinkTo(KafkaIo.rejectedSink(kafka, sinks, registry, topics.name(Topic.REJECTED)))
                .uid(UID_REJECTED_SINK).name("rejected");
    }

    /** {@code provider/UNDERLYING}; {@code provider} for the portfolio's signals (underlying "*"). */
    static String signalKey(RebalanceSignal s) {
        return "*".equals(s.getUnderlying()) ? s.getProviderId() : Keys.book(s.getProviderId(), s.getUnderlying());
    }
}
