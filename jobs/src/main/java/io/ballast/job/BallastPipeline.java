package io.ballast.job;

import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.PortfolioInput;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.config.BallastConfig;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.Keys;
import io.ballast.domain.PipelineSettings;
import io.ballast.kafka.Rejection;
import io.ballast.stages.InventoryFunction;
import io.ballast.stages.MarketFunction;
import io.ballast.stages.PortfolioFunction;
import io.ballast.stages.QuoteIvFunction;
import io.ballast.serde.NetworkType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The pipeline of the design: quotes are priced in parallel (implied vol), then keyed by underlying
 * into the market stage, whose compact snapshots are broadcast, with the risk limits, to the inventory
 * stage keyed by {@code provider/UNDERLYING}. Takes streams, returns streams; sources and sinks are the
 * caller's.
 */
public final class BallastPipeline {

    /** Operator uids: never change them once shipped, savepoints are matched by them. */
    public static final String UID_IMPLIED_VOL = "implied-vol";
    public static final String UID_MARKET = "market";
    public static final String UID_INVENTORY = "inventory";
    public static final String UID_SNAPSHOT_BROADCAST = "market-broadcast";
    public static final String UID_LIMITS_BROADCAST = "limits-broadcast";
    public static final String UID_PORTFOLIO = "portfolio";
    public static final String UID_PORTFOLIO_SUMMARIES = "portfolio-summaries";
    public static final String UID_PORTFOLIO_COLLATERAL = "portfolio-collateral";
    public static final String UID_PORTFOLIO_PRICES = "portfolio-prices";

    private BallastPipeline() {
    }

    public static Outputs build(Inputs inputs, BallastConfig config) {
        return build(inputs, config.pipeline());
    }

    public static Outputs build(Inputs inputs, PipelineSettings settings) {
        SingleOutputStreamOperator<MarketTick> ticks = inputs.quotes()
                .map(new QuoteIvFunction(settings), NetworkType.marketTick())
                .uid(UID_IMPLIED_VOL).name("implied vol");

        SingleOutputStreamOperator<MarketSnapshot> snapshots = ticks
                .keyBy(MarketTick::getUnderlying)
                .process(new MarketFunction(settings))
                .uid(UID_MARKET).name("market");
        DataStream<VolSkew> skew = snapshots.getSideOutput(MarketFunction.SKEW);

        // Network-only types with hand-written serializers; state keeps its Avro serializers.
        TypeInformation<BroadcastEvent> eventType = NetworkType.broadcastEvent();
        DataStream<BroadcastEvent> marketEvents = snapshots
                .map(BroadcastEvent::of, eventType).uid(UID_SNAPSHOT_BROADCAST).name("market snapshots");
        DataStream<BroadcastEvent> limitEvents = inputs.limits()
                .map(BroadcastEvent::of, eventType).uid(UID_LIMITS_BROADCAST).name("risk limits");
        BroadcastStream<BroadcastEvent> broadcast = marketEvents.union(limitEvents)
                .broadcast(InventoryFunction.MARKET, InventoryFunction.LIMITS);

        SingleOutputStreamOperator<RiskSnapshot> risk = inputs.trades()
                .keyBy(BallastPipeline::inventoryKey)
                .connect(broadcast)
                .process(new InventoryFunction(settings))
                .uid(UID_INVENTORY).name("inventory");
        DataStream<RebalanceSignal> signals = risk.getSideOutput(InventoryFunction.SIGNALS);
        DataStream<Rejection> rejected = inputs.rejected().union(risk.getSideOutput(InventoryFunction.REJECTED));
        if (!settings.portfolioEnabled()) {
            return new Outputs(signals, risk, skew, rejected);
        }

        TypeInformation<PortfolioInput> inputType = NetworkType.portfolioInput();
        DataStream<PortfolioInput> portfolioInputs = risk.getSideOutput(InventoryFunction.SUMMARIES)
                .map(PortfolioFunction::input, inputType).uid(UID_PORTFOLIO_SUMMARIES).name("book summaries");
        if (inputs.collateral() != null) {
            portfolioInputs = portfolioInputs.union(inputs.collateral()
                    .map(PortfolioFunction::input, inputType).uid(UID_PORTFOLIO_COLLATERAL).name("collateral balances"));
        }
        SingleOutputStreamOperator<PortfolioRisk> portfolio = portfolioInputs
                .keyBy(PortfolioInput::getProviderId)
                .connect(snapshots
                        .filter(m -> m.getReferencePrice() != null).uid(UID_PORTFOLIO_PRICES + "-priced").name("priced snapshots")
                        .map(BroadcastEvent::referencePrice, eventType).uid(UID_PORTFOLIO_PRICES).name("reference prices")
                        .union(limitEvents).broadcast(PortfolioFunction.PRICES, PortfolioFunction.LIMITS))
                .process(new PortfolioFunction(settings))
                .uid(UID_PORTFOLIO).name("portfolio");
        // The portfolio's signals get a sink of their own (Outputs#toKafka): a union with the books' signals
        // would take the signals' sink out of the inventory operator's chain, every signal then crossing a
        // network channel and a thread of its own.
        return new Outputs(signals, risk, skew, rejected, portfolio, portfolio.getSideOutput(PortfolioFunction.SIGNALS));
    }

    /** {@code provider/UNDERLYING} of a trade. */
    public static String inventoryKey(SourcedTrade t) {
        return Keys.book(t.getTrade().getProviderId(), t.getTrade().getInstrument().getUnderlying());
    }
}
