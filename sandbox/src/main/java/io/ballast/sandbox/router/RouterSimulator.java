package io.ballast.sandbox.router;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.PriceUnit;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.testkit.AvroWriter;
import io.ballast.sandbox.market.CoinVenue;
import io.ballast.sandbox.market.MarketView;
import io.ballast.sandbox.monitor.OutputMonitor;
import io.ballast.sandbox.monitor.RunData;
import io.ballast.sandbox.monitor.RunRecorder;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An order router: reads {@code rebalance-signals} (read_committed) and executes every DELTA_HEDGE,
 * GAMMA_HEDGE and VEGA_HEDGE ACTION as a fill on {@code trades} carrying the signal's id, after a latency:
 * a linear hedge at the instrument's mid plus slippage, an option hedge at the quote's far side (the ask
 * to buy, the bid to sell), each paying the fee in bps of its notional. A signal id already executed is
 * ignored, as a real router must with at-least-once delivery.
 *
 * <p>Each fill is on the venue that quotes the instrument, in its conventions: on the coin venue
 * ({@link CoinVenue}) a coin-quoted option is filled at its coin far side with the venue's coin fee and the quote's
 * forward as {@code underlyingPrice}; an inverse perpetual (a DELTA_HEDGE in whole contracts) at its mid plus
 * slippage, USD per coin, the fee in bps of the notional contracts·cv, USD.
 */
public final class RouterSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterSimulator.class);
    /** The signal types that carry an order. */
    static final Set<SignalType> ROUTED = Set.of(SignalType.DELTA_HEDGE, SignalType.GAMMA_HEDGE, SignalType.VEGA_HEDGE);

    /** How the router executes. */
    public record Settings(long latencyMillis, double slippageBps, double feeBps, long seed) {
        public Settings {
            if (latencyMillis < 0 || !(slippageBps >= 0) || !(feeBps >= 0)) {
                throw new IllegalArgumentException("Router settings must be >= 0: latency=" + latencyMillis
                        + " ms, slippage=" + slippageBps + " bps, fee=" + feeBps + " bps");
            }
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfluentAvroDecoder<RebalanceSignal> decoder;
    private final AvroWriter<Trade> trades;
    private final MarketView market;
    private final Settings settings;
    private final RunRecorder recorder;
    private final SplittableRandom random;
    private final Set<String> executed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-router-execution");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong unroutable = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private final java.util.function.Consumer<Trade> sent;

    public RouterSimulator(String bootstrap, RegistryConfig registry, String signalsTopic, Producer<byte[], byte[]> producer,
                           String tradesTopic, MarketView market, Settings settings, RunRecorder recorder) {
        this(bootstrap, registry, signalsTopic, producer, tradesTopic, market, settings, recorder, fill -> { });
    }

    /** @param sent told of every fill after it was sent (the venue's cash account) */
    public RouterSimulator(String bootstrap, RegistryConfig registry, String signalsTopic, Producer<byte[], byte[]> producer,
                           String tradesTopic, MarketView market, Settings settings, RunRecorder recorder,
                           java.util.function.Consumer<Trade> sent) {
        this.sent = sent;
        this.consumer = OutputMonitor.consumer(bootstrap, "ballast-sandbox-router");
        OutputMonitor.assignFromBeginning(consumer, List.of(signalsTopic));
        this.decoder = new ConfluentAvroDecoder<>(RebalanceSignal.class, ConfluentRegistryClient.shared(registry));
        this.trades = new AvroWriter<>(producer, tradesTopic, Trade.class, registry);
        this.market = market;
        this.settings = settings;
        this.recorder = recorder;
        this.random = new SplittableRandom(settings.seed());
        this.thread = new Thread(this::run, "sandbox-router");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        route(decoder.decode(r.value()));
                    } catch (Exception e) {
                        LOG.warn("Cannot decode signal at {}:{}", r.partition(), r.offset(), e);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            LOG.error("The router stopped", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void route(RebalanceSignal s) {
        if (!ROUTED.contains(s.getType()) || s.getStatus() != SignalStatus.ACTION) {
            return;
        }
        if (!executed.add(s.getSignalId())) {
            recorder.duplicateSignal();
            return;
        }
        if (s.getInstrument() == null || s.getSide() == null || s.getQuantity() == null || !(s.getQuantity() > 0)) {
            unroutable.incrementAndGet();
            LOG.warn("Signal {} has no order to route: {} {} {}", s.getSignalId(), s.getSide(), s.getQuantity(),
                    s.getInstrument());
            return;
        }
        executor.schedule(() -> execute(s), settings.latencyMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs on the execution thread: the only user of {@link #trades} and {@link #random}. */
    private void execute(RebalanceSignal s) {
        MarketView.Top top = market.top(s.getInstrument());
        if (top == null) {
            unroutable.incrementAndGet();
            LOG.warn("Signal {} names {}, which the market does not quote", s.getSignalId(), s.getInstrument());
            return;
        }
        boolean buy = s.getSide() == Side.BUY;
        Instrument instrument = top.instrument();
        boolean coin = instrument.getPriceUnit() == PriceUnit.UNDERLYING;
        double mid = top.mid();
        double price;
        if (instrument.getKind() == InstrumentKind.OPTION) {
            price = buy ? top.ask() : top.bid(); // crosses the spread: the far side
            if (!(price > 0)) {
                unroutable.incrementAndGet();
                LOG.warn("Signal {}: {} has no {} to trade against", s.getSignalId(), s.getInstrument(), buy ? "ask" : "bid");
                return;
            }
        } else {
            double slippageBps = Math.abs(settings.slippageBps() * (1 + 0.5 * random.nextGaussian()));
            price = mid * (1 + (buy ? 1 : -1) * slippageBps / 10_000);
            price = Math.round(price * 100) / 100.0;
        }
        double quantity = s.getQuantity();
        double fee;
        double usd = 1; // USD per unit of the fill's price and fee
        double cost; // USD
        if (coin) {
            usd = top.underlyingPrice();
            fee = CoinVenue.optionFee(quantity, price);
            cost = (fee + Math.abs(price - mid) * quantity * instrument.getMultiplier()) * usd;
        } else if (instrument.getInverse()) {
            double notional = quantity * instrument.getContractValue();
            fee = Math.round(notional * settings.feeBps() / 10_000 * 100) / 100.0;
            // The coin a fill away from the mid gives up, notional·|1/mid − 1/price|, valued at the price.
            cost = fee + notional * Math.abs(price - mid) / mid;
        } else {
            fee = Math.round(price * quantity * settings.feeBps() / 10_000 * 100) / 100.0;
            cost = fee + Math.abs(price - mid) * quantity * instrument.getMultiplier();
        }
        long now = System.currentTimeMillis();
        Trade fill = Trade.newBuilder()
                .setTradeId("H" + sequence.incrementAndGet())
                .setProviderId(s.getProviderId())
                // The signal's venue (only a fill there executes the hedge), else the venue quoting the instrument.
                .setVenue(s.getVenue() != null ? s.getVenue() : top.venue())
                .setInstrument(instrument)
                .setSide(s.getSide())
                .setQuantity(quantity)
                .setPrice(price)
                .setFee(fee)
                .setSignalId(s.getSignalId())
                .setUnderlyingPrice(coin ? top.underlyingPrice() : null)
                .setEventTime(Instant.ofEpochMilli(now))
                .build();
        trades.send(s.getProviderId(), fill);
        sent.accept(fill);
        recorder.hedgeFillSent();
        if (instrument.getInverse()) {
            recorder.inverseHedgeFill(s.getProviderId());
        }
        recorder.hedgeFill(s.getProviderId(), s.getUnderlying(), new RunData.HedgeFill(now, s.getSignalId(),
                s.getSide().name(), quantity, price * usd, mid * usd, fee * usd, cost, s.getType().name()));
    }

    public long unroutable() {
        return unroutable.get();
    }

    /** Stops reading signals, lets the hedges already scheduled go out, then stops. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
            executor.shutdown();
            executor.awaitTermination(settings.latencyMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
