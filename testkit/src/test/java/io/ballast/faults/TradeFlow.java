package io.ballast.faults;

import io.ballast.TestRecords;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.testkit.BallastRig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded flow of fills on perpetuals for a few providers and underlyings, with some trades sent
 * twice. Without quotes or limits records the job's output is a function of the trades alone (one
 * {@code RiskSnapshot} per applied fill, hedges from the default limits), which is what the fault tests
 * compare across failures.
 */
final class TradeFlow {

    static final List<String> PROVIDERS = List.of("p1", "p2", "p3", "p4");
    static final List<String> UNDERLYINGS = List.of("BTC", "ETH");

    /** Options that keep the output a function of the trades: no hedge expires during a test. */
    static final String[] DETERMINISTIC = {"--defaults.delta-band", "5", "--defaults.hedge-timeout", "1 h",
            "--defaults.min-hedge-quantity", "0.001"};

    /** {@link #DETERMINISTIC}, then {@code extra}. */
    static String[] options(String... extra) {
        String[] all = java.util.Arrays.copyOf(DETERMINISTIC, DETERMINISTIC.length + extra.length);
        System.arraycopy(extra, 0, all, DETERMINISTIC.length, extra.length);
        return all;
    }

    private final Random random;
    private final Instant t0;
    private final String idPrefix;
    private final List<Trade> distinct = new ArrayList<>();
    private final List<Trade> sent = new ArrayList<>();
    private final Map<String, BigDecimal> sums = new TreeMap<>();
    private final Map<String, Integer> fills = new TreeMap<>();
    private int next;

    TradeFlow(long seed, Instant t0) {
        this.random = new Random(seed);
        this.t0 = t0;
        this.idPrefix = "s" + seed + "-";
    }

    /**
     * {@code count} new distinct trades, and {@code duplicates} repeats of earlier ones mixed in; in the
     * order they are to be sent.
     */
    List<Trade> next(int count, int duplicates) {
        List<Trade> batch = new ArrayList<>(count + duplicates);
        for (int i = 0; i < count; i++) {
            String p = PROVIDERS.get(random.nextInt(PROVIDERS.size()));
            String u = UNDERLYINGS.get(random.nextInt(UNDERLYINGS.size()));
            double qty = Math.round(random.nextDouble() * 3e4) / 1e4 + 1e-4; // up to 4 decimals, > 0
            Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            Trade t = TestRecords.trade(idPrefix + next, p, TestRecords.perp(u), side, qty, 100 + random.nextInt(50),
                    t0.plusMillis(next));
            next++;
            distinct.add(t);
            batch.add(t);
            String key = p + "/" + u;
            sums.merge(key, new BigDecimal(side == Side.BUY ? qty : -qty), BigDecimal::add);
            fills.merge(key, 1, Integer::sum);
        }
        for (int i = 0; i < duplicates; i++) {
            Trade again = distinct.get(random.nextInt(distinct.size()));
            batch.add(1 + random.nextInt(batch.size()), Trade.newBuilder(again).build());
        }
        sent.addAll(batch);
        return batch;
    }

    /** Kafka records of {@code trades} for the rig's trades topic, keyed by provider. */
    static List<ProducerRecord<byte[], byte[]>> records(BallastRig rig, List<Trade> trades) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(trades.size());
        for (Trade t : trades) {
            out.add(rig.record(rig.trades, t.getProviderId(), t));
        }
        return out;
    }

    /** Exact signed sum of the distinct fills per {@code provider/UNDERLYING}. */
    Map<String, BigDecimal> sums() {
        return Collections.unmodifiableMap(sums);
    }

    /** Distinct fills per {@code provider/UNDERLYING}. */
    Map<String, Integer> fills() {
        return Collections.unmodifiableMap(fills);
    }

    int distinctCount() {
        return distinct.size();
    }

    int duplicateCount() {
        return sent.size() - distinct.size();
    }

    List<Trade> distinct() {
        return Collections.unmodifiableList(distinct);
    }
}
