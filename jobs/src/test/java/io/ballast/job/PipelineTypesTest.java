package io.ballast.job;

import io.ballast.avro.Quote;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.config.BallastConfig;
import io.ballast.domain.LimitsUpdate;
import io.ballast.kafka.Rejection;
import io.ballast.serde.BroadcastEventSerializer;
import io.ballast.serde.MarketTickSerializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The records that cross the network between Ballast's operators use the hand-written serializers. */
class PipelineTypesTest {

    @Test
    void theImpliedVolOutputAndTheBroadcastEventsUseTheNetworkSerializers() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Inputs inputs = new Inputs(
                env.fromData(List.of(), new AvroTypeInfo<>(Quote.class)),
                env.fromData(List.of(), new AvroTypeInfo<>(SourcedTrade.class)),
                env.fromData(List.of(), TypeInformation.of(LimitsUpdate.class)),
                env.fromData(List.of(), TypeInformation.of(Rejection.class)));
        BallastPipeline.build(inputs, BallastConfig.fromArgs("--bootstrap", "h:1", "--registry", "http://r"))
                .signals().sinkTo(new DiscardingSink<>());
        StreamGraph graph = env.getStreamGraph();

        assertThat(node(graph, BallastPipeline.UID_IMPLIED_VOL).getTypeSerializerOut()).isInstanceOf(MarketTickSerializer.class);
        assertThat(node(graph, BallastPipeline.UID_MARKET).getTypeSerializersIn()[0]).isInstanceOf(MarketTickSerializer.class);
        assertThat(node(graph, BallastPipeline.UID_SNAPSHOT_BROADCAST).getTypeSerializerOut())
                .isInstanceOf(BroadcastEventSerializer.class);
        assertThat(node(graph, BallastPipeline.UID_LIMITS_BROADCAST).getTypeSerializerOut())
                .isInstanceOf(BroadcastEventSerializer.class);
        assertThat(node(graph, BallastPipeline.UID_INVENTORY).getTypeSerializersIn()[1])
                .isInstanceOf(BroadcastEventSerializer.class);
    }

    /**
     * With the portfolio stage on, the books' signals sink stays chained to the inventory operator (a union
     * with the portfolio's signals took it out of the chain) and the portfolio's own signals sink is chained to
     * the portfolio; both write the signals topic.
     */
    @Test
    void withThePortfolioOnEachSignalsSinkIsChainedToItsStage() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Inputs inputs = new Inputs(
                env.fromData(List.of(), new AvroTypeInfo<>(Quote.class)),
                env.fromData(List.of(), new AvroTypeInfo<>(SourcedTrade.class)),
                env.fromData(List.of(), TypeInformation.of(LimitsUpdate.class)),
                env.fromData(List.of(), TypeInformation.of(Rejection.class)));
        BallastConfig config = BallastConfig.fromArgs("--bootstrap", "h:1", "--registry", "http://r",
                "--portfolio.enabled", "true");
        BallastPipeline.build(inputs, config).toKafka(config);
        List<String> vertices = new java.util.ArrayList<>();
        env.getStreamGraph().getJobGraph().getVertices().forEach(v -> vertices.add(v.getName()));

        assertThat(vertices).filteredOn(n -> n.startsWith("inventory")).singleElement().asString()
                .contains("rebalance-signals: Writer").doesNotContain("portfolio signals");
        assertThat(vertices).filteredOn(n -> n.startsWith("portfolio")).singleElement().asString()
                .contains("portfolio signals: Writer").doesNotContain("rebalance-signals");
        assertThat(vertices).noneMatch(n -> n.startsWith("rebalance-signals"));
    }

    @Test
    void thePortfolioSignalsSinkHasTransactionalIdsOfItsOwn() {
        BallastConfig config = BallastConfig.fromArgs("--bootstrap", "h:1", "--registry", "http://r");
        String topic = config.topics().name(io.ballast.domain.Topic.SIGNALS);
        assertThat(io.ballast.kafka.KafkaIo.transactionalIdPrefix(config.sinks(), topic, null))
                .isEqualTo("ballast-" + topic);
        String portfolio = io.ballast.kafka.KafkaIo.transactionalIdPrefix(config.sinks(), topic,
                Outputs.PORTFOLIO_SIGNALS_TRANSACTIONS);
        assertThat(portfolio).isEqualTo("ballast-portfolio-" + topic);
        // Neither begins the other, nor any other sink's (a listing abort matches transactional ids by prefix).
        for (io.ballast.domain.Topic t : io.ballast.domain.Topic.values()) {
            String other = io.ballast.kafka.KafkaIo.transactionalIdPrefix(config.sinks(), config.topics().name(t), null);
            assertThat(portfolio).doesNotStartWith(other);
            assertThat(other).doesNotStartWith(portfolio);
        }
    }

    private static StreamNode node(StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream().filter(n -> uid.equals(n.getTransformationUID())).findFirst()
                .orElseThrow(() -> new AssertionError("no operator " + uid));
    }
}
