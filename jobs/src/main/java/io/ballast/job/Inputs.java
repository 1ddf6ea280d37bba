package io.ballast.job;

import io.ballast.avro.Collateral;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.SourcedTrade;
import io.ballast.config.BallastConfig;
import io.ballast.domain.CollateralUpdate;
import io.ballast.domain.Keys;
import io.ballast.domain.LimitsUpdate;
import io.ballast.domain.Topic;
import io.ballast.kafka.CoinQuoted;
import io.ballast.kafka.KafkaIo;
import io.ballast.kafka.Rejection;
import io.ballast.kafka.SourceRecordMapper;
import io.ballast.kafka.SplitRejected;
import io.ballast.kafka.Validators;
import io.ballast.registry.RegistryConfig;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The three inputs of Ballast as streams of good, validated records with event-time watermarks, and
 * one stream of everything rejected on the way. Pipelines take an {@code Inputs}; tests can build one
 * from their own streams.
 */
public final class Inputs {

    /** Operator uids: never change them once shipped, savepoints are matched by them. */
    public static final String UID_QUOTES_SOURCE = "quotes-source";
    public static final String UID_TRADES_SOURCE = "trades-source";
    public static final String UID_LIMITS_SOURCE = "risk-limits-source";
    public static final String UID_QUOTES_SPLIT = "quotes-validate";
    public static final String UID_TRADES_SPLIT = "trades-validate";
    public static final String UID_LIMITS_SPLIT = "risk-limits-validate";
    public static final String UID_COLLATERAL_SOURCE = "collateral-source";
    public static final String UID_COLLATERAL_SPLIT = "collateral-validate";

    private final DataStream<Quote> quotes;
    private final DataStream<SourcedTrade> trades;
    private final DataStream<LimitsUpdate> limits;
    private final DataStream<CollateralUpdate> collateral;
    private final DataStream<Rejection> rejected;

    /** Inputs without collateral: the portfolio stage sees the books alone. */
    public Inputs(DataStream<Quote> quotes, DataStream<SourcedTrade> trades, DataStream<LimitsUpdate> limits,
                  DataStream<Rejection> rejected) {
        this(quotes, trades, limits, null, rejected);
    }

    public Inputs(DataStream<Quote> quotes, DataStream<SourcedTrade> trades, DataStream<LimitsUpdate> limits,
                  DataStream<CollateralUpdate> collateral, DataStream<Rejection> rejected) {
        this.quotes = quotes;
        this.trades = trades;
        this.limits = limits;
        this.collateral = collateral;
        this.rejected = rejected;
    }

    public DataStream<Quote> quotes() { return quotes; }
    public DataStream<SourcedTrade> trades() { return trades; }
    public DataStream<LimitsUpdate> limits() { return limits; }
    /** Null when the caller has no collateral stream. */
    public DataStream<CollateralUpdate> collateral() { return collateral; }
    public DataStream<Rejection> rejected() { return rejected; }

    /** The Kafka inputs of the configuration. */
    public static Inputs fromKafka(StreamExecutionEnvironment env, BallastConfig config) {
        BallastConfig.Sources sources = config.sources();
        long skew = sources.maxClockSkew().toMillis();
        Duration disorder = sources.maxOutOfOrderness();
        Duration idleness = sources.idleness();
        BallastConfig.Kafka kafka = config.kafka();
        RegistryConfig registry = config.registry();
        BallastConfig.TopicNames topics = config.topics();

        KafkaSource<Either<Rejection, Quote>> quoteSource = KafkaIo.source(kafka, sources, registry,
                topics.name(Topic.QUOTES), Quote.class, Validators.quote(skew),
                new QuoteMapper(), new AvroTypeInfo<>(Quote.class));
        KafkaSource<Either<Rejection, SourcedTrade>> tradeSource = KafkaIo.source(kafka, sources, registry,
                topics.name(Topic.TRADES), Trade.class, Validators.trade(skew),
                new TradeMapper(), new AvroTypeInfo<>(SourcedTrade.class));
        KafkaSource<Either<Rejection, LimitsUpdate>> limitsSource = KafkaIo.source(kafka, sources, registry,
                topics.name(Topic.RISK_LIMITS), RiskLimits.class, Validators.riskLimits(),
                new LimitsMapper(), TypeInformation.of(LimitsUpdate.class));
        KafkaSource<Either<Rejection, CollateralUpdate>> collateralSource = KafkaIo.source(kafka, sources, registry,
                topics.name(Topic.COLLATERAL), Collateral.class, Validators.collateral(skew),
                new CollateralMapper(), TypeInformation.of(CollateralUpdate.class));

        SingleOutputStreamOperator<Quote> quotes = split(env.fromSource(quoteSource,
                        watermarks(disorder, idleness, (Quote q) -> q.getEventTime().toEpochMilli()), "quotes")
                .uid(UID_QUOTES_SOURCE), UID_QUOTES_SPLIT, "validate quotes");
        SingleOutputStreamOperator<SourcedTrade> trades = split(env.fromSource(tradeSource,
                        watermarks(disorder, idleness, (SourcedTrade t) -> t.getTrade().getEventTime().toEpochMilli()), "trades")
                .uid(UID_TRADES_SOURCE), UID_TRADES_SPLIT, "validate trades");
        // Limits change rarely and never hold back event time.
        SingleOutputStreamOperator<LimitsUpdate> limits = split(env.fromSource(limitsSource,
                        NoTimeConstraint.<Either<Rejection, LimitsUpdate>>strategy(), "risk-limits")
                .uid(UID_LIMITS_SOURCE), UID_LIMITS_SPLIT, "validate risk limits");

        // Balances change rarely and never hold back event time, like limits.
        SingleOutputStreamOperator<CollateralUpdate> collateral = split(env.fromSource(collateralSource,
                        NoTimeConstraint.<Either<Rejection, CollateralUpdate>>strategy(), "collateral")
                .uid(UID_COLLATERAL_SOURCE), UID_COLLATERAL_SPLIT, "validate collateral");

        DataStream<Rejection> rejected = quotes.getSideOutput(SplitRejected.REJECTED)
                .union(trades.getSideOutput(SplitRejected.REJECTED), limits.getSideOutput(SplitRejected.REJECTED),
                        collateral.getSideOutput(SplitRejected.REJECTED));
        return new Inputs(quotes, trades, limits, collateral, rejected);
    }

    private static <R> SingleOutputStreamOperator<R> split(DataStream<Either<Rejection, R>> in, String uid, String name) {
        @SuppressWarnings("unchecked")
        TypeInformation<R> type = ((org.apache.flink.api.java.typeutils.EitherTypeInfo<Rejection, R>) in.getType()).getRightType();
        return in.process(new SplitRejected<R>(), type).uid(uid).name(name);
    }

    /**
     * Bounded out-of-orderness on the records' own event time. Rejections carry no event time that
     * could be trusted, so they never move the watermark.
     */
    static <R> WatermarkStrategy<Either<Rejection, R>> watermarks(Duration disorder, Duration idleness,
                                                                  EventTime<R> time) {
        return WatermarkStrategy.<Either<Rejection, R>>forBoundedOutOfOrderness(disorder)
                .withTimestampAssigner((SerializableTimestampAssigner<Either<Rejection, R>>) (e, kafkaTime) ->
                        e.isRight() ? time.eventTime(e.right()) : Long.MIN_VALUE)
                .withIdleness(idleness);
    }

    /** The event time of a good record. */
    @FunctionalInterface
    interface EventTime<R> extends java.io.Serializable {
        long eventTime(R record);
    }

    /** Quotes in USD: a coin-quoted option's bid and ask converted once, here (CoinQuoted). */
    static final class QuoteMapper implements SourceRecordMapper<Quote, Quote> {
        private static final long serialVersionUID = 1L;

        @Override
        public Quote map(Quote value, ConsumerRecord<byte[], byte[]> record) {
            return CoinQuoted.toUsd(value);
        }
    }

    /** Trades in USD (CoinQuoted: a coin-quoted option's price and fee converted once), with their Kafka coordinates and original bytes. */
    static final class TradeMapper implements SourceRecordMapper<Trade, SourcedTrade> {
        private static final long serialVersionUID = 1L;

        @Override
        public SourcedTrade map(Trade value, ConsumerRecord<byte[], byte[]> record) {
            return SourcedTrade.newBuilder()
                    .setTrade(CoinQuoted.toUsd(value))
                    .setTopic(record.topic())
                    .setPartition(record.partition())
                    .setOffset(record.offset())
                    .setKafkaTimestamp(record.timestamp())
                    .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                    .setPayload(ByteBuffer.wrap(record.value()))
                    .build();
        }
    }

    /** Collateral records, and tombstones that delete the balance of their key. */
    static final class CollateralMapper implements SourceRecordMapper<Collateral, CollateralUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public CollateralUpdate map(Collateral value, ConsumerRecord<byte[], byte[]> record) {
            return CollateralUpdate.of(value, record.offset());
        }

        @Override
        public CollateralUpdate onNullValue(ConsumerRecord<byte[], byte[]> record) {
            if (record.key() == null) {
                return null; // rejected as NULL_VALUE: a tombstone must name what it deletes
            }
            return CollateralUpdate.deletion(new String(record.key(), StandardCharsets.UTF_8), record.offset());
        }
    }

    /** Limits records, and tombstones that delete the limits of their key. */
    static final class LimitsMapper implements SourceRecordMapper<RiskLimits, LimitsUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public LimitsUpdate map(RiskLimits value, ConsumerRecord<byte[], byte[]> record) {
            return new LimitsUpdate(Keys.limits(value.getProviderId(), value.getUnderlying()), value, record.offset());
        }

        @Override
        public LimitsUpdate onNullValue(ConsumerRecord<byte[], byte[]> record) {
            if (record.key() == null) {
                return null; // rejected as NULL_VALUE: a tombstone must name what it deletes
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            return Keys.parseLimits(key) == null ? null : new LimitsUpdate(key, null, record.offset());
        }
    }
}
