package io.ballast.evolution;

import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.quant.Black76;
import io.ballast.testkit.BallastRig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The input of the committed savepoint fixture ({@code src/test/resources/savepoints/ballast-v1}), and
 * what the tests send after restoring it. Everything is fixed (times, prices, ids, seeds), so a restore
 * test can put the very same records at the very same offsets of fresh topics of the same names (the
 * savepoint's Kafka source state names them, with its offsets) and go on from there.
 *
 * <p>The fixture exercises every kind of state: market state per underlying (linear instruments, an
 * option chain, a fitted smile, realized vol), the inventory's positions (perpetual and options), its
 * trade-id dedupe, pending hedges and per-key meta, both broadcast states (market snapshots, limits),
 * and the Kafka sources' and sinks' state.
 */
final class StateFixture {

    /** Topic prefix of the fixture: the savepoint's sources read {@code fixture-v1-quotes} and so on. */
    static final String PREFIX = "fixture-v1";
    /** Where the fixture lives on the test classpath. */
    static final String RESOURCE = "/savepoints/ballast-v1";
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant EXPIRY = Instant.parse("2027-03-26T08:00:00Z");
    static final double S = 100_000;
    static final double VOL = 0.55;

    /** Keys whose book is perpetuals only: their position is an exact sum the tests can check. */
    static final List<String> LINEAR_KEYS = List.of("mm2/BTC", "mm2/ETH", "mm3/ETH");

    private StateFixture() {
    }

    /** Arguments of the job that wrote the fixture, and that the tests restore it with. */
    static String[] jobArgs() {
        return new String[] {"--defaults.delta-band", "2", "--defaults.hedge-timeout", "1 h",
                "--inventory.dedupe-ttl", "3650 d"};
    }

    static List<ProducerRecord<byte[], byte[]>> limits(BallastRig rig) {
        RiskLimits l = TestRecords.limits("mm1", null);
        l.setDeltaBand(1.0);
        l.setBandMode(BandMode.FIXED);
        l.setHedgeTimeoutMs(3_600_000);
        l.setGammaLimit(5.0);
        l.setVegaLimit(null);
        l.setUpdatedAt(T0);
        return List.of(rig.record(rig.limits, "mm1", l));
    }

    /** Perpetual quotes of BTC and ETH over a minute, and a BTC option chain priced at a flat vol. */
    static List<ProducerRecord<byte[], byte[]>> quotes(BallastRig rig) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Random random = new Random(20261101);
        double btc = S;
        double eth = 3_000;
        for (int i = 0; i < 30; i++) {
            Instant at = T0.plusSeconds(2L * i);
            btc *= Math.exp(0.001 * random.nextGaussian());
            eth *= Math.exp(0.0015 * random.nextGaussian());
            out.add(quote(rig, TestRecords.quote(TestRecords.perp("BTC"), btc - 0.5, btc + 0.5, at)));
            out.add(quote(rig, TestRecords.quote(TestRecords.perp("ETH"), eth - 0.05, eth + 0.05, at)));
        }
        Instant at = T0.plusSeconds(60);
        double tau = (EXPIRY.toEpochMilli() - at.toEpochMilli()) / 31_536_000_000.0;
        for (double k = 80_000; k <= 120_000; k += 5_000) {
            for (OptionRight right : OptionRight.values()) {
                double v = Black76.price(right == OptionRight.CALL, S, k, tau, VOL, 1.0);
                Quote q = TestRecords.quote(option(k, right), v * (1 - 1e-9), v * (1 + 1e-9), at);
                q.setUnderlyingPrice(S);
                out.add(quote(rig, q));
            }
        }
        return out;
    }

    static Instrument option(double strike, OptionRight right) {
        return TestRecords.option("BTC", strike, EXPIRY, right);
    }

    /** The fills of the fixture: options and perpetuals for mm1, perpetuals for mm2 and mm3, one repeat. */
    static List<Trade> trades() {
        List<Trade> out = new ArrayList<>();
        Random random = new Random(7);
        Instant at = T0.plusSeconds(61);
        out.add(TestRecords.trade("fx-o1", "mm1", option(100_000, OptionRight.CALL), Side.SELL, 10, 9_000, at));
        out.add(TestRecords.trade("fx-o2", "mm1", option(90_000, OptionRight.PUT), Side.BUY, 4, 3_000, at.plusMillis(1)));
        out.add(TestRecords.trade("fx-o3", "mm1", option(110_000, OptionRight.CALL), Side.BUY, 6, 5_000, at.plusMillis(2)));
        for (int i = 0; i < 24; i++) {
            String p = i % 3 == 0 ? "mm1" : i % 3 == 1 ? "mm2" : "mm3";
            String u = p.equals("mm3") || i % 4 == 1 ? "ETH" : "BTC";
            double qty = Math.round(random.nextDouble() * 2e4) / 1e4 + 1e-4;
            Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            out.add(TestRecords.trade("fx-" + i, p, TestRecords.perp(u), side, qty, u.equals("BTC") ? S : 3_000,
                    at.plusMillis(10 + i)));
        }
        return out;
    }

    /** The fixture's fills and one repeated fill (rejected as a duplicate before the savepoint). */
    static List<ProducerRecord<byte[], byte[]>> tradeRecords(BallastRig rig) {
        List<Trade> trades = new ArrayList<>(trades());
        trades.add(Trade.newBuilder(trades.get(5)).build());
        return records(rig, trades);
    }

    /** Fills the tests send after the restore: perpetuals only, and a repeat of a fixture fill. */
    static List<Trade> after() {
        List<Trade> out = new ArrayList<>();
        Random random = new Random(8);
        Instant at = T0.plusSeconds(600);
        for (int i = 0; i < 30; i++) {
            String key = LINEAR_KEYS.get(i % LINEAR_KEYS.size());
            String p = key.substring(0, key.indexOf('/'));
            String u = key.substring(key.indexOf('/') + 1);
            double qty = Math.round(random.nextDouble() * 3e4) / 1e4 + 1e-4;
            Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            out.add(TestRecords.trade("after-" + i, p, TestRecords.perp(u), side, qty, u.equals("BTC") ? S : 3_000,
                    at.plusMillis(i)));
        }
        return out;
    }

    /** A fill the fixture already applied: the restored dedupe state must reject it. */
    static Trade repeatOfAFixtureFill() {
        return Trade.newBuilder(trades().get(4)).build();
    }

    static List<ProducerRecord<byte[], byte[]>> records(BallastRig rig, List<Trade> trades) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (Trade t : trades) {
            out.add(rig.record(rig.trades, t.getProviderId(), t));
        }
        return out;
    }

    /** Exact signed sums per {@code provider/UNDERLYING} of the given perpetual fills. */
    static Map<String, BigDecimal> sums(List<Trade> trades) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (Trade t : trades) {
            BigDecimal q = new BigDecimal(t.getQuantity());
            sums.merge(t.getProviderId() + "/" + t.getInstrument().getUnderlying(),
                    t.getSide() == Side.BUY ? q : q.negate(), BigDecimal::add);
        }
        return sums;
    }

    private static ProducerRecord<byte[], byte[]> quote(BallastRig rig, Quote q) {
        return rig.record(rig.quotes, q.getInstrument().getSymbol(), q);
    }
}
