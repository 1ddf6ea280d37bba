package io.ballast.sandbox.router;

import io.ballast.avro.InstrumentKind;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.Urgency;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.testkit.AvroWriter;
import io.ballast.testkit.Dirs;
import io.ballast.testkit.KafkaBroker;
import io.ballast.testkit.RegistryServer;
import io.ballast.sandbox.market.MarketSimulator;
import io.ballast.sandbox.market.MarketView;
import io.ballast.sandbox.market.UnderlyingSpec;
import io.ballast.sandbox.monitor.OutputMonitor;
import io.ballast.sandbox.monitor.RunData;
import io.ballast.sandbox.monitor.RunRecorder;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The router against a real broker and registry: DELTA_HEDGE actions become fills carrying their signal
 * id, after the latency, at the mid plus slippage, with the fee; GAMMA_HEDGE and VEGA_HEDGE actions at the
 * option's far side (ask to buy, bid to sell), with the fee; on the coin venue, an inverse perpetual's hedge in its
 * contracts with the fee on their notional and a coin option's at its coin ask with Deribit's coin fee and the
 * quote's underlyingPrice; everything else, and repeats, do not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterSimulatorITCase {

    private static final long LATENCY_MS = 300;
    private static final double FEE_BPS = 2;

    private Path scratch;
    private RegistryServer registry;
    private KafkaBroker broker;
    private RegistryConfig registryConfig;

    @BeforeAll
    void startKafkaAndRegistry() throws Exception {
        scratch = Files.createTempDirectory("ballast-router-it");
        registry = RegistryServer.builder().home(RegistryServer.locate(Path.of("target").toAbsolutePath()))
                .scratch(scratch).log(Path.of("target", "router-it-registry.log").toAbsolutePath()).build();
        registry.launch();
        broker = KafkaBroker.builder().logDir(scratch.resolve("kafka")).build();
        broker.start();
        broker.createTopics(List.of(new NewTopic("rebalance-signals", 1, (short) 1), new NewTopic("trades", 2, (short) 1)));
        registry.awaitReady(Duration.ofSeconds(120));
        registryConfig = RegistryConfig.builder(registry.url()).build();
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
        if (registry != null) {
            registry.close();
        }
        Dirs.deleteTree(scratch);
    }

    @Test
    void executesEachHedgeOnceAndNothingElse() throws Exception {
        MarketSimulator market = new MarketSimulator(UnderlyingSpec.DEFAULTS, List.of(), 0, 1, 1.0, Instant.now(), true,
                new MarketSimulator.Output() {
                    @Override
                    public void quote(io.ballast.avro.Quote quote) {
                    }

                    @Override
                    public void trade(Trade trade) {
                    }
                });
        market.tick(System.currentTimeMillis());
        MarketView view = market.view();
        RunRecorder recorder = new RunRecorder(System.currentTimeMillis());
        try (Producer<byte[], byte[]> producer = AvroWriter.producer(broker.bootstrapServers(), "router-it");
             RouterSimulator router = new RouterSimulator(broker.bootstrapServers(), registryConfig, "rebalance-signals", producer,
                     "trades", view, new RouterSimulator.Settings(LATENCY_MS, 1.0, FEE_BPS, 5), recorder)) {
            AvroWriter<RebalanceSignal> signals = new AvroWriter<>(producer, "rebalance-signals", RebalanceSignal.class,
                    registryConfig);
            long sentAt = System.currentTimeMillis();
            RebalanceSignal buy = hedge("mm1/BTC/DELTA_HEDGE/1", "mm1", "BTC", "BTC-PERP", Side.BUY, 2.5);
            signals.send("mm1/BTC", buy);
            signals.send("mm1/BTC", buy); // at-least-once delivery repeats it
            signals.send("mm2/ETH", hedge("mm2/ETH/DELTA_HEDGE/7", "mm2", "ETH", "ETH-PERP", Side.SELL, 50));
            signals.send("mm1/BTC", other("mm1/BTC/GAMMA_LIMIT/2", SignalType.GAMMA_LIMIT, SignalStatus.BREACH));
            signals.send("mm1/BTC", other("mm1/BTC/QUOTE_SKEW/3", SignalType.QUOTE_SKEW, SignalStatus.ACTION));
            signals.send("mm3/BTC", hedge("mm3/BTC/DELTA_HEDGE/1", "mm3", "BTC", "NOPE-PERP", Side.BUY, 1));
            // Option hedges, on two quoted SIMEX BTC options with a bid.
            List<String> options = view.symbols().stream().filter(x -> x.startsWith("BTC-")
                    && view.top(x).instrument().getKind() == InstrumentKind.OPTION && view.top(x).bid() > 0
                    && view.top(x).venue().equals("SIMEX")).sorted().toList();
            assertThat(options).hasSizeGreaterThanOrEqualTo(2);
            String bought = options.get(0);
            String sold = options.get(options.size() - 1);
            RebalanceSignal gamma = hedge("mm1/BTC/GAMMA_HEDGE/4", "mm1", "BTC", bought, Side.BUY, 1.5);
            gamma.setType(SignalType.GAMMA_HEDGE);
            RebalanceSignal vega = hedge("mm1/BTC/VEGA_HEDGE/5", "mm1", "BTC", sold, Side.SELL, 0.7);
            vega.setType(SignalType.VEGA_HEDGE);
            signals.send("mm1/BTC", gamma);
            signals.send("mm1/BTC", vega);
            // On the coin venue: a delta hedge in whole contracts of the inverse perpetual, an option hedge in coin.
            signals.send("mm2/BTC", hedge("mm2/BTC/DELTA_HEDGE/8", "mm2", "BTC", "BTC-PERPETUAL", Side.BUY, 1_234));
            String coinOption = view.symbols().stream().filter(x -> x.startsWith("BTC-")
                    && view.top(x).venue().equals("DERIBIT-SIM") && view.top(x).instrument().getKind() == InstrumentKind.OPTION)
                    .sorted().findFirst().orElseThrow();
            RebalanceSignal coinGamma = hedge("mm1/BTC/GAMMA_HEDGE/9", "mm1", "BTC", coinOption, Side.BUY, 2);
            coinGamma.setType(SignalType.GAMMA_HEDGE);
            signals.send("mm1/BTC", coinGamma);
            producer.flush();

            // The six hedges, then long enough for anything that should not come.
            List<Trade> fills = readTrades(6, Duration.ofSeconds(30), Duration.ofMillis(LATENCY_MS + 1_000));

            assertThat(fills).hasSize(6);
            Map<String, Trade> bySignal = fills.stream().collect(Collectors.toMap(Trade::getSignalId, t -> t));
            assertThat(bySignal).containsOnlyKeys("mm1/BTC/DELTA_HEDGE/1", "mm2/ETH/DELTA_HEDGE/7", "mm1/BTC/GAMMA_HEDGE/4",
                    "mm1/BTC/VEGA_HEDGE/5", "mm2/BTC/DELTA_HEDGE/8", "mm1/BTC/GAMMA_HEDGE/9");
            assertThat(fills).filteredOn(t -> !t.getSignalId().endsWith("/8") && !t.getSignalId().endsWith("/9"))
                    .allSatisfy(t -> assertThat(t.getVenue()).isEqualTo("SIMEX"));

            Trade inv = bySignal.get("mm2/BTC/DELTA_HEDGE/8");
            assertThat(inv.getVenue()).isEqualTo("DERIBIT-SIM");
            assertThat(inv.getInstrument().getSymbol()).isEqualTo("BTC-PERPETUAL");
            assertThat(inv.getInstrument().getInverse()).isTrue();
            assertThat(inv.getInstrument().getContractValue()).isEqualTo(10.0);
            assertThat(inv.getQuantity()).isEqualTo(1_234.0);
            double inverseMid = view.top("BTC-PERPETUAL").mid();
            assertThat(inv.getPrice()).isGreaterThanOrEqualTo(inverseMid - 0.01).isLessThan(inverseMid * 1.001);
            // 2 bps of 1,234 contracts of 10 USD: 2.468 USD.
            assertThat(inv.getFee()).isEqualTo(2.47);
            assertThat(inv.getUnderlyingPrice()).isNull();

            Trade cg = bySignal.get("mm1/BTC/GAMMA_HEDGE/9");
            assertThat(cg.getVenue()).isEqualTo("DERIBIT-SIM");
            assertThat(cg.getInstrument().getPriceUnit()).isEqualTo(io.ballast.avro.PriceUnit.UNDERLYING);
            assertThat(cg.getPrice()).as("the coin ask").isEqualTo(view.top(coinOption).ask());
            assertThat(cg.getUnderlyingPrice()).isEqualTo(view.top(coinOption).underlyingPrice()).isPositive();
            assertThat(cg.getFee()).as("Deribit's coin fee").isCloseTo(2 * Math.min(0.0003, 0.125 * cg.getPrice()),
                    within(1e-8));
            Trade g = bySignal.get("mm1/BTC/GAMMA_HEDGE/4");
            assertThat(g.getInstrument().getSymbol()).isEqualTo(bought);
            assertThat(g.getInstrument().getKind()).isEqualTo(InstrumentKind.OPTION);
            assertThat(g.getSide()).isEqualTo(Side.BUY);
            assertThat(g.getQuantity()).isEqualTo(1.5);
            assertThat(g.getPrice()).isEqualTo(view.top(bought).ask());
            assertThat(g.getFee()).isCloseTo(g.getPrice() * 1.5 * FEE_BPS / 10_000, within(0.01));
            Trade v = bySignal.get("mm1/BTC/VEGA_HEDGE/5");
            assertThat(v.getSide()).isEqualTo(Side.SELL);
            assertThat(v.getPrice()).isEqualTo(view.top(sold).bid());

            Trade b = bySignal.get("mm1/BTC/DELTA_HEDGE/1");
            assertThat(b.getProviderId()).isEqualTo("mm1");
            assertThat(b.getSide()).isEqualTo(Side.BUY);
            assertThat(b.getQuantity()).isEqualTo(2.5);
            assertThat(b.getInstrument().getSymbol()).isEqualTo("BTC-PERP");
            assertThat(b.getInstrument().getKind()).isEqualTo(InstrumentKind.PERPETUAL);
            double btcMid = view.top("BTC-PERP").mid();
            assertThat(b.getPrice()).isGreaterThanOrEqualTo(btcMid - 0.01).isLessThan(btcMid * 1.001);
            assertThat(b.getFee()).isCloseTo(b.getPrice() * 2.5 * FEE_BPS / 10_000, within(0.01));
            assertThat(b.getEventTime().toEpochMilli() - sentAt).isGreaterThanOrEqualTo(LATENCY_MS);

            Trade s = bySignal.get("mm2/ETH/DELTA_HEDGE/7");
            assertThat(s.getSide()).isEqualTo(Side.SELL);
            assertThat(s.getPrice()).isLessThanOrEqualTo(view.top("ETH-PERP").mid() + 0.01);
            assertThat(b.getTradeId()).isNotEqualTo(s.getTradeId());

            assertThat(recorder.live().counts().duplicateSignals()).isEqualTo(1);
            assertThat(recorder.live().counts().hedgeFillsSent()).isEqualTo(6);
            assertThat(recorder.live().coinVenue().inverseHedges().get("mm2").filled()).isEqualTo(1);
            assertThat(router.unroutable()).isEqualTo(1);
            // The recorded fills carry their signal's type, so the summary counts option hedges apart.
            Map<String, String> typeBySignal = recorder.data(System.currentTimeMillis()).keys().stream()
                    .flatMap(k -> k.hedgeFills().stream())
                    .collect(Collectors.toMap(RunData.HedgeFill::signalId, RunData.HedgeFill::type));
            assertThat(typeBySignal).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "mm1/BTC/DELTA_HEDGE/1", "DELTA_HEDGE", "mm2/ETH/DELTA_HEDGE/7", "DELTA_HEDGE",
                    "mm1/BTC/GAMMA_HEDGE/4", "GAMMA_HEDGE", "mm1/BTC/VEGA_HEDGE/5", "VEGA_HEDGE",
                    "mm2/BTC/DELTA_HEDGE/8", "DELTA_HEDGE", "mm1/BTC/GAMMA_HEDGE/9", "GAMMA_HEDGE"));
        }
    }

    /** Every trade written, read until {@code expected} have come and then for {@code settle} more. */
    private List<Trade> readTrades(int expected, Duration timeout, Duration settle) throws Exception {
        ConfluentAvroDecoder<Trade> decoder = new ConfluentAvroDecoder<>(Trade.class,
                ConfluentRegistryClient.shared(registryConfig));
        List<Trade> trades = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = OutputMonitor.consumer(broker.bootstrapServers(), "router-it-reader")) {
            OutputMonitor.assignFromBeginning(consumer, List.of("trades"));
            long deadline = System.nanoTime() + timeout.toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    trades.add(decoder.decode(r.value()));
                }
                if (trades.size() >= expected && settled == Long.MAX_VALUE) {
                    settled = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return trades;
    }

    private static RebalanceSignal hedge(String id, String provider, String underlying, String instrument, Side side,
                                         double quantity) {
        return RebalanceSignal.newBuilder().setSignalId(id).setProviderId(provider).setUnderlying(underlying)
                .setType(SignalType.DELTA_HEDGE).setStatus(SignalStatus.ACTION).setInstrument(instrument).setSide(side)
                .setQuantity(quantity).setNetDelta(side == Side.BUY ? -quantity : quantity).setGamma(0).setVega(0)
                .setThreshold(3).setUrgency(Urgency.NORMAL).setReason("test").setEventTime(Instant.now()).build();
    }

    private static RebalanceSignal other(String id, SignalType type, SignalStatus status) {
        return RebalanceSignal.newBuilder().setSignalId(id).setProviderId("mm1").setUnderlying("BTC").setType(type)
                .setStatus(status).setNetDelta(0).setGamma(0).setVega(0).setThreshold(1).setUrgency(Urgency.LOW)
                .setReason("test").setEventTime(Instant.now()).build();
    }
}
