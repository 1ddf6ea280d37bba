package io.ballast.domain;

import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * GAMMA_HEDGE through {@link InventoryBook} on a real Deribit BTC chain (the wired path: the chain arrives as
 * the market snapshot's {@code OptionIv}s, the book holds real options from fills), moved in time to now so
 * that every event time is recent: a book short two-day straddles beyond its gamma limit is hedged with a
 * real option that was quoted on both sides and traded (open interest and volume), and once the router's
 * fill arrives the book, recomputed here with {@link IndependentBlack76}, is within its limit, with no
 * second option hedge. Skipped without {@code ../shared/data/deribit/} (failed when {@code CI=true}).
 */
class InventoryBookDeribitChainTest {

    private static final String FILE = "deribit_options_snapshot_20260415T053126Z.csv";
    private static final double LOT = 0.1;

    record Row(String symbol, boolean call, double strike, long expiry, double forward, double bidCoin,
               double askCoin, double markIv, double openInterest, double volume) {

        double tau(long at) {
            return (expiry - at) / 31_536_000_000.0;
        }

        double gamma(long at) {
            return IndependentBlack76.gamma(forward, strike, tau(at), markIv, 1);
        }
    }

    private static final Map<String, Row> CHAIN = new HashMap<>();
    private static long asOf;
    private static double s;
    /** How far the chain is moved forward: its timestamp becomes {@link #NOW}. */
    private static long shift;
    private static final long NOW = Instant.now().toEpochMilli() / 1000 * 1000;

    @BeforeAll
    static void read() throws IOException {
        Path file = OptionHedgeDeribitChainTest.dataDir().resolve(FILE);
        List<String> lines = Files.readAllLines(file);
        Map<String, Integer> col = new HashMap<>();
        String[] header = lines.get(0).split(",", -1);
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], i);
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[col.get("currency")].equals("BTC")) {
                continue;
            }
            asOf = OffsetDateTime.parse(f[col.get("timestamp")]).toInstant().toEpochMilli();
            s = Double.parseDouble(f[col.get("index_price")]);
            Row r = new Row(f[col.get("instrument_name")], f[col.get("option_type")].equals("call"),
                    Double.parseDouble(f[col.get("strike")]),
                    OffsetDateTime.parse(f[col.get("expiry_datetime")]).toInstant().toEpochMilli(),
                    Double.parseDouble(f[col.get("underlying")]), number(f[col.get("bid_price")]),
                    number(f[col.get("ask_price")]), number(f[col.get("implied_volatility")]),
                    number(f[col.get("open_interest")]), number(f[col.get("volume")]));
            CHAIN.put(r.symbol(), r);
        }
        assertThat(CHAIN).hasSizeGreaterThan(500);
        shift = NOW - asOf;
    }

    private static double number(String x) {
        return x.isEmpty() ? Double.NaN : Double.parseDouble(x);
    }

    /** The row's option with its expiry moved forward, as the book sees it; the symbol stays Deribit's. */
    private static Instrument instrument(Row r) {
        return Instrument.newBuilder().setSymbol(r.symbol()).setUnderlying("BTC").setKind(InstrumentKind.OPTION)
                .setStrike(r.strike()).setExpiry(Instant.ofEpochMilli(r.expiry() + shift))
                .setRight(r.call() ? OptionRight.CALL : OptionRight.PUT).setMultiplier(1.0).build();
    }

    /** The chain as the market stage publishes it: USD per contract (coin × forward), an empty side as null. */
    private static MarketSnapshot market(long version) {
        Map<String, OptionIv> options = new HashMap<>();
        for (Row r : CHAIN.values()) {
            boolean twoSided = r.bidCoin() > 0 && r.askCoin() >= r.bidCoin();
            options.put(r.symbol(), OptionIv.newBuilder().setIv(r.markIv() > 0 ? r.markIv() : null).setForward(r.forward())
                    .setMid(twoSided ? (r.bidCoin() + r.askCoin()) / 2 * r.forward() : null)
                    .setBid(twoSided ? r.bidCoin() * r.forward() : null).setAsk(twoSided ? r.askCoin() * r.forward() : null)
                    .setStrike(r.strike()).setExpiry(r.expiry() + shift).setCall(r.call()).setMultiplier(1.0).build());
        }
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(s).setMultiplier(1.0)
                .setEventTime(NOW).build());
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(NOW).setReferencePrice(s)
                .setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>()).setOptions(options).setLinear(linear)
                .setIngestMicros(0).build();
    }

    private static Trade fill(String id, Row r, Side side, double qty, long at, String signalId) {
        return Trade.newBuilder().setTradeId(id).setProviderId("mm1").setVenue("DERIBIT").setInstrument(instrument(r))
                .setSide(side).setQuantity(qty).setPrice(r.forward() * 0.01).setFee(null).setSignalId(signalId)
                .setEventTime(Instant.ofEpochMilli(at)).build();
    }

    private static List<Row> atmStraddle(String expiryTag) {
        Row atm = CHAIN.values().stream().filter(r -> r.symbol().startsWith("BTC-" + expiryTag + "-") && r.markIv() > 0)
                .min(Comparator.comparingDouble(r -> Math.abs(r.strike() - r.forward()))).orElseThrow();
        String stem = atm.symbol().substring(0, atm.symbol().length() - 1);
        return List.of(CHAIN.get(stem + "C"), CHAIN.get(stem + "P"));
    }

    @Test
    void aBookShortRealStraddlesIsHedgedWithALiquidRealOptionAndEndsWithinItsLimit() {
        PipelineSettings settings = PipelineSettings.defaults();
        List<Row> straddle = atmStraddle("17APR26");
        double heldGamma = 0;
        for (Row r : straddle) {
            heldGamma += -25 * r.gamma(asOf);
        }
        double limit = Math.floor(Math.abs(heldGamma * s * s / 100) / 2.5);
        RiskLimits limits = RiskLimits.newBuilder(settings.defaultLimits()).setProviderId("mm1").setUnderlying("BTC")
                .setBandMode(BandMode.FIXED).setDeltaBand(1e9).setGammaLimit(limit).setVegaLimit(null)
                .setMinHedgeQuantity(LOT).setHedgeTimeoutMs(60_000).setOptionHedge(true).build();
        RecordedOutput out = new RecordedOutput();
        List<RebalanceSignal> signals = out.signals;
        InventoryBook book = InventoryBook.onHeap(settings);
        MarketSnapshot m = market(1);
        // The straddles are sold under no gamma limit; then the limit (and the option hedge) arrives.
        RiskLimits none = RiskLimits.newBuilder(limits).setGammaLimit(null).setOptionHedge(false).build();
        for (Row r : straddle) {
            book.applyFill(fill("sell-" + r.symbol(), r, Side.SELL, 25, NOW, null), m, none, Limits.stamp(none), out);
        }
        assertThat(signals).isEmpty();
        assertThat(book.refresh(NOW, m, limits, Limits.stamp(limits), out)).isTrue();
        List<RebalanceSignal> hedges = signals.stream().filter(x -> x.getType() == SignalType.GAMMA_HEDGE).toList();
        assertThat(hedges).as("one gamma hedge: %s", signals).hasSize(1);
        RebalanceSignal hedge = hedges.get(0);
        System.out.println("[option hedge through the book, real chain] " + hedge.getReason());

        // A real, liquid option: quoted on both sides, with open interest and traded that day, inside the filters.
        Row chosen = CHAIN.get(hedge.getInstrument());
        assertThat(chosen).as(hedge.getInstrument()).isNotNull();
        assertThat(chosen.bidCoin()).isPositive();
        assertThat(chosen.askCoin()).isGreaterThanOrEqualTo(chosen.bidCoin());
        assertThat(chosen.openInterest()).isPositive();
        assertThat(chosen.volume()).isPositive();
        double days = (chosen.expiry() - asOf) / 86_400_000.0;
        assertThat(days).isBetween(7.0, 120.0);
        assertThat(Math.abs(IndependentBlack76.forwardDelta(chosen.call(), chosen.forward(), chosen.strike(),
                chosen.tau(asOf), chosen.markIv()))).isBetween(0.25, 0.75);
        double lots = hedge.getQuantity() / LOT;
        assertThat(lots).isCloseTo(Math.rint(lots), within(1e-9));

        // The router's fill; the book, recomputed here, is within its limit at about half of it.
        book.applyFill(fill("hedge-1", chosen, hedge.getSide(), hedge.getQuantity(), NOW + 1_000, hedge.getSignalId()),
                m, limits, Limits.stamp(limits), out);
        double signed = hedge.getSide() == Side.BUY ? hedge.getQuantity() : -hedge.getQuantity();
        long at = asOf + 1_000;
        double gammaAfter = signed * chosen.gamma(at);
        for (Row r : straddle) {
            gammaAfter += -25 * r.gamma(at);
        }
        double dollarAfter = gammaAfter * s * s / 100;
        RiskSnapshot last = out.last();
        assertThat(last.getDollarGamma()).isCloseTo(dollarAfter, within(1e-6 * limit));
        assertThat(Math.abs(dollarAfter)).isLessThan(limit).isGreaterThanOrEqualTo(0.5 * limit - 1e-6 * limit);
        assertThat(last.getPendingHedge()).isZero();

        // Refreshed on a newer snapshot: within the limit, no second option hedge.
        book.refresh(NOW + 2_000, market(2), limits, Limits.stamp(limits), out);
        assertThat(signals.stream().filter(x -> x.getType() == SignalType.GAMMA_HEDGE)).hasSize(1);
        assertThat(signals.stream().filter(x -> x.getType() == SignalType.GAMMA_LIMIT).map(x -> x.getStatus().name()))
                .containsExactly("BREACH", "CLEARED");
    }
}
