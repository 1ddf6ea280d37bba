package io.ballast.job;

import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.VolSkew;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole job, MiniCluster, real KRaft broker and real Apicurio registry: the scenarios of the job
 * issue, each on topics of its own. The job runs with restart strategy "none": an exception fails the
 * test instead of hiding in a restart.
 */
class PipelineITCase {

    /** ACT/365 in milliseconds, as the contract writes it. */
    private static final double MILLIS_PER_YEAR = 31_536_000_000.0;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final double S = 100_000;
    private static final double VOL = 0.6;

    /**
     * Checkpoints and savepoints of this test, under target/ (not a JUnit temp dir: a cancelled job's
     * last checkpoint files can still be written while the test ends).
     */
    private final Path dir = Path.of("target", "it-state", KafkaBrokerExtension.uniqueName("pipeline")).toAbsolutePath();

    private final Instant t0 = TestRecords.now().minusSeconds(60);
    private final Instant expiry = t0.plusSeconds(30L * 86_400);

    private RiskLimits limits(String provider, double band) {
        RiskLimits l = TestRecords.limits(provider, null);
        l.setDeltaBand(band);
        l.setBandMode(BandMode.FIXED);
        l.setMinHedgeQuantity(0.01);
        l.setHedgeTimeoutMs(600_000);
        l.setGammaLimit(null);
        l.setVegaLimit(null);
        return l;
    }

    /** A perpetual quote around S, and a chain of calls and puts priced at a flat VOL on the forward S. */
    private void market(BallastRig rig, Instant at) {
        rig.quote(TestRecords.quote(TestRecords.perp("BTC"), S - 0.5, S + 0.5, at));
        double tau = (expiry.toEpochMilli() - at.toEpochMilli()) / MILLIS_PER_YEAR;
        for (double k = 80_000; k <= 120_000; k += 5_000) {
            for (OptionRight right : OptionRight.values()) {
                Instrument o = TestRecords.option("BTC", k, expiry, right);
                double v = right == OptionRight.CALL ? IndependentBlack.call(S, k, tau, VOL) : IndependentBlack.put(S, k, tau, VOL);
                Quote q = TestRecords.quote(o, v * (1 - 1e-9), v * (1 + 1e-9), at);
                q.setUnderlyingPrice(S);
                rig.quote(q);
            }
        }
    }

    private static List<RebalanceSignal> ofType(List<RebalanceSignal> signals, SignalType type) {
        return signals.stream().filter(s -> s.getType() == type).collect(Collectors.toList());
    }

    private static RiskSnapshot latestOrNull(List<RiskSnapshot> risk, String provider) {
        return risk.stream().filter(r -> r.getProviderId().equals(provider))
                .max(Comparator.comparingLong(RiskSnapshot::getSequence)).orElse(null);
    }

    private static RiskSnapshot latest(List<RiskSnapshot> risk, String provider, String underlying) {
        return risk.stream().filter(r -> r.getProviderId().equals(provider) && r.getUnderlying().equals(underlying))
                .max(Comparator.comparingLong(RiskSnapshot::getSequence)).orElseThrow();
    }

    // ------------------------------------------------------------------------------ (a)

    @Test
    void aHedgeEqualsMinusTheBooksDeltaAndItsFillClearsIt() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        rig.limits("mm1", limits("mm1", 1.0));
        market(rig, t0);
        JobClient job = rig.start(rig.config("--delivery.guarantee", "at-least-once"), 1, null);
        try {
            VolSkew smile = rig.skewUntil(s -> s.stream().anyMatch(x -> x.getPoints() == 9)).stream()
                    .filter(x -> x.getPoints() == 9).findFirst().orElseThrow();
            assertThat(smile.getAtmVol()).isCloseTo(VOL, within(1e-6));
            assertThat(smile.getSviA()).isNotNull();
            System.out.println("vol-skew: " + smile);

            Instrument atm = TestRecords.option("BTC", S, expiry, OptionRight.CALL);
            rig.trade(TestRecords.trade("sell-1", "mm1", atm, Side.SELL, 10, 7_800, t0.plusSeconds(1)));
            RebalanceSignal hedge = ofType(rig.signalsUntil(s -> !ofType(s, SignalType.DELTA_HEDGE).isEmpty()),
                    SignalType.DELTA_HEDGE).get(0);
            double tau = (expiry.toEpochMilli() - hedge.getEventTime().toEpochMilli()) / MILLIS_PER_YEAR;
            double bookDelta = -10 * IndependentBlack.callDelta(S, S, tau, VOL);
            assertThat(hedge.getStatus()).isEqualTo(SignalStatus.ACTION);
            assertThat(hedge.getSide()).isEqualTo(Side.BUY);
            assertThat(hedge.getInstrument()).isEqualTo("BTC-PERP");
            assertThat(hedge.getQuantity()).isCloseTo(-bookDelta, within(1e-6));
            assertThat(hedge.getNetDelta()).isCloseTo(bookDelta, within(1e-6));
            assertThat(hedge.getSignalId()).isEqualTo("mm1/BTC/DELTA_HEDGE/1");
            System.out.println("rebalance-signals (hedge): " + hedge);

            // The router's fill, carrying the signal id.
            Trade fill = TestRecords.trade("hedge-1", "mm1", TestRecords.perp("BTC"), Side.BUY, hedge.getQuantity(), S,
                    t0.plusSeconds(2));
            fill.setSignalId(hedge.getSignalId());
            rig.trade(fill);
            List<RiskSnapshot> risk = rig.riskUntil(r -> r.stream().anyMatch(x -> x.getPositions() == 2));
            RiskSnapshot after = risk.stream().filter(x -> x.getPositions() == 2).findFirst().orElseThrow();
            assertThat(after.getPendingHedge()).isZero();
            assertThat(after.getNetDelta()).isCloseTo(0, within(1e-4));

            // Time passes (the market is re-marked by the refresh timers): no second hedge.
            market(rig, t0.plusSeconds(3));
            rig.trade(TestRecords.trade("tiny", "mm1", TestRecords.perp("BTC"), Side.BUY, 0.001, S, t0.plusSeconds(4)));
            rig.riskUntil(r -> r.stream().anyMatch(x -> x.getAsOf().equals(t0.plusSeconds(4))));
            assertThat(ofType(rig.all(rig.signals, RebalanceSignal.class), SignalType.DELTA_HEDGE)).hasSize(1);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            BallastRig.cancel(job);
        }
    }

    // ------------------------------------------------------------------------------ (b)

    @Test
    void aGammaLimitIsBreachedThenClearedWithOneSignalEach() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        double tau = (expiry.toEpochMilli() - t0.toEpochMilli()) / MILLIS_PER_YEAR;
        double dollarGammaPerCall = IndependentBlack.gamma(S, S, tau, VOL) * S * S / 100;
        RiskLimits l = limits("mm2", 1e9);
        l.setGammaLimit(5.5 * dollarGammaPerCall);
        rig.limits("mm2", l);
        market(rig, t0);
        JobClient job = rig.start(rig.config(), 2, null);
        try {
            rig.skewUntil(s -> !s.isEmpty());
            Instrument atm = TestRecords.option("BTC", S, expiry, OptionRight.CALL);
            for (int i = 0; i < 8; i++) { // up to 8 calls: breach after the 6th
                rig.trade(TestRecords.trade("b" + i, "mm2", atm, Side.BUY, 1, 7_800, t0.plusMillis(1000 + i)));
            }
            for (int i = 0; i < 4; i++) { // back to 4: cleared
                rig.trade(TestRecords.trade("s" + i, "mm2", atm, Side.SELL, 1, 7_800, t0.plusMillis(2000 + i)));
            }
            List<RebalanceSignal> gamma = ofType(rig.signalsUntil(s -> ofType(s, SignalType.GAMMA_LIMIT).size() >= 2),
                    SignalType.GAMMA_LIMIT);
            rig.riskUntil(r -> r.stream().anyMatch(x -> x.getSequence() >= 12));
            gamma = ofType(rig.all(rig.signals, RebalanceSignal.class), SignalType.GAMMA_LIMIT);
            assertThat(gamma).extracting(RebalanceSignal::getStatus).containsExactly(SignalStatus.BREACH, SignalStatus.CLEARED);
            assertThat(gamma.get(0).getThreshold()).isEqualTo(l.getGammaLimit());
            System.out.println("rebalance-signals (breach): " + gamma.get(0));
            System.out.println("rebalance-signals (cleared): " + gamma.get(1));
        } finally {
            BallastRig.cancel(job);
        }
    }

    // ------------------------------------------------------------------------------ (c)

    @Test
    void aQuoteSkewSignalMatchesTheContractsFormula() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        RiskLimits l = limits("mm3", 1e9);
        rig.limits("mm3", l);
        Random random = new Random(7);
        double price = S;
        for (int i = 0; i < 50; i++) { // a minute of perp quotes, 1e-4 a second: ~56% a year
            price *= Math.exp(1e-4 * random.nextGaussian());
            rig.quote(TestRecords.quote(TestRecords.perp("BTC"), price - 0.5, price + 0.5, t0.plusMillis(1000L * i)));
        }
        JobClient job = rig.start(rig.config("--delivery.guarantee", "at-least-once"), 1, null);
        try {
            // A warm-up fill of another provider shows when the market reached the inventory stage.
            rig.trade(TestRecords.trade("w1", "warmup", TestRecords.perp("BTC"), Side.BUY, 1, price, t0.plusSeconds(50)));
            rig.riskUntil(r -> r.stream().anyMatch(x -> x.getProviderId().equals("warmup") && x.getRealizedVol() != null
                    && x.getAsOf().toEpochMilli() >= t0.plusSeconds(49).toEpochMilli()));
            rig.trade(TestRecords.trade("q1", "mm3", TestRecords.perp("BTC"), Side.BUY, 3, price, t0.plusSeconds(55)));
            RebalanceSignal skew = rig.signalsUntil(s -> s.stream().anyMatch(x -> x.getType() == SignalType.QUOTE_SKEW
                    && x.getProviderId().equals("mm3"))).stream()
                    .filter(x -> x.getType() == SignalType.QUOTE_SKEW && x.getProviderId().equals("mm3")).findFirst().orElseThrow();
            RiskSnapshot risk = rig.riskUntil(r -> r.stream().anyMatch(x -> x.getProviderId().equals("mm3"))).stream()
                    .filter(x -> x.getProviderId().equals("mm3") && x.getAsOf().equals(skew.getEventTime()))
                    .findFirst().orElseThrow();
            double s = risk.getReferencePrice();
            double sigma = risk.getRealizedVol() * s;
            double tauQ = l.getQuoteHorizonMs() / 31_536_000_000.0;
            double q = risk.getNetDelta() - l.getDeltaTarget();
            double g = l.getRiskAversion();
            double reservation = s - q * g * sigma * sigma * tauQ;
            double half = (g * sigma * sigma * tauQ + (2 / g) * Math.log(1 + g / l.getFillIntensity())) / 2;
            assertThat(risk.getNetDelta()).isEqualTo(3.0);
            assertThat(risk.getRealizedVol()).isBetween(0.2, 1.5);
            assertThat(skew.getReservationPrice()).isLessThan(s).isGreaterThan(0.99 * s); // long: leans lower, a little
            assertThat(skew.getReservationPrice()).isCloseTo(reservation, within(1e-9 * s));
            assertThat(skew.getBidOffset()).isCloseTo(reservation - half - s, within(1e-9 * s));
            assertThat(skew.getAskOffset()).isCloseTo(reservation + half - s, within(1e-9 * s));
            assertThat(skew.getStatus()).isEqualTo(SignalStatus.ACTION);
            System.out.println("rebalance-signals (quote skew): " + skew);
            System.out.println("inventory-risk: " + risk);
        } finally {
            BallastRig.cancel(job);
        }
    }

    // ------------------------------------------------------------------------------ (d)

    @Test
    void stopWithSavepointAndResumeAtAnotherParallelismContinuesExactly() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        for (String p : List.of("mm4", "mm5", "mm6")) {
            rig.limits(p, limits(p, 1.0));
        }
        market(rig, t0);
        for (String p : List.of("mm4", "mm5", "mm6")) {
            rig.trade(TestRecords.trade(p + "-1", p, TestRecords.perp("BTC"), Side.SELL, 5, S, t0.plusSeconds(1)));
        }
        JobClient job = rig.start(rig.config(), 1, null);
        List<RebalanceSignal> before = rig.signalsUntil(s -> ofType(s, SignalType.DELTA_HEDGE).size() >= 3);
        String savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        assertThat(before).extracting(RebalanceSignal::getSignalId)
                .containsExactlyInAnyOrder("mm4/BTC/DELTA_HEDGE/1", "mm5/BTC/DELTA_HEDGE/1", "mm6/BTC/DELTA_HEDGE/1");

        // While stopped: mm4's hedge is filled, mm5 trades again, mm6 is replayed a duplicate.
        Trade fill = TestRecords.trade("mm4-hedge", "mm4", TestRecords.perp("BTC"), Side.BUY, 5, S, t0.plusSeconds(2));
        fill.setSignalId("mm4/BTC/DELTA_HEDGE/1");
        rig.trade(fill);
        rig.trade(TestRecords.trade("mm5-2", "mm5", TestRecords.perp("BTC"), Side.SELL, 2, S, t0.plusSeconds(2)));
        rig.trade(TestRecords.trade("mm6-1", "mm6", TestRecords.perp("BTC"), Side.SELL, 5, S, t0.plusSeconds(2)));

        JobClient resumed = rig.start(rig.config(), 2, savepoint);
        try {
            List<RiskSnapshot> risk = rig.riskUntil(r -> {
                RiskSnapshot a = latestOrNull(r, "mm4");
                RiskSnapshot b = latestOrNull(r, "mm5");
                return a != null && a.getNetDelta() == 0 && a.getPendingHedge() == 0 && b != null && b.getNetDelta() == -7.0;
            });
            RiskSnapshot mm4 = latest(risk, "mm4", "BTC");
            assertThat(mm4.getPendingHedge()).isZero(); // the pending hedge survived the stop and its fill cleared it
            RiskSnapshot mm5 = latest(risk, "mm5", "BTC");
            assertThat(mm5.getPendingHedge()).isEqualTo(5.0); // still pending from before the stop
            for (String p : List.of("mm4", "mm5", "mm6")) {
                List<Long> sequences = risk.stream().filter(x -> x.getProviderId().equals(p))
                        .map(RiskSnapshot::getSequence).collect(Collectors.toList());
                assertThat(sequences).as("snapshot sequences of %s across the stop", p).doesNotHaveDuplicates();
                assertThat(sequences).isSorted();
            }
            List<RebalanceSignal> after = rig.signalsUntil(s -> s.stream().anyMatch(x -> x.getSignalId().equals("mm5/BTC/DELTA_HEDGE/2")));
            RebalanceSignal second = after.stream().filter(x -> x.getSignalId().equals("mm5/BTC/DELTA_HEDGE/2")).findFirst().orElseThrow();
            assertThat(second.getQuantity()).isEqualTo(2.0);
            assertThat(second.getSide()).isEqualTo(Side.BUY);
            assertThat(rig.rejectedUntil(r -> !r.isEmpty()).get(0).getReason()).isEqualTo("DUPLICATE_TRADE");
            assertThat(after).extracting(RebalanceSignal::getSignalId).doesNotHaveDuplicates();
            assertThat(ofType(after, SignalType.DELTA_HEDGE)).hasSize(4);
        } finally {
            BallastRig.cancel(resumed);
        }
    }

    // ------------------------------------------------------------------------------ venues

    /**
     * Issue 15: {@code BTC-PERP} quoted on two venues at different prices and filled on both. The book keeps
     * one position per venue, each marked at its own venue's mid (markValue, computed here from the quotes and
     * fills); the hedge goes to the venue of the latest fill, and only that venue's fill executes it.
     */
    @Test
    void oneSymbolOnTwoVenuesIsTwoPositionsMarkedApart() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        rig.limits("mm7", limits("mm7", 3.0));
        double deribitMid = 100_000;
        double okxMid = 100_400;
        Quote deribit = TestRecords.quote(TestRecords.perp("BTC"), deribitMid - 0.5, deribitMid + 0.5, t0);
        Quote okx = TestRecords.quote(TestRecords.perp("BTC"), okxMid - 0.5, okxMid + 0.5, t0);
        okx.setVenue("OKX");
        rig.quote(deribit);
        rig.quote(okx);
        JobClient job = rig.start(rig.config("--delivery.guarantee", "at-least-once"), 1, null);
        try {
            // A warm-up fill of another provider on OKX shows when the market with OKX's quote reached the
            // inventory stage: its position is marked at OKX's mid (before, at S or unpriced).
            Trade warmup = TestRecords.trade("v-w1", "warmup7", TestRecords.perp("BTC"), Side.BUY, 1, okxMid, t0.plusSeconds(1));
            warmup.setVenue("OKX");
            rig.trade(warmup);
            rig.riskUntil(r -> r.stream().anyMatch(x -> x.getProviderId().equals("warmup7") && x.getMarkValue() == okxMid));
            rig.trade(TestRecords.trade("v-d1", "mm7", TestRecords.perp("BTC"), Side.BUY, 2, deribitMid, t0.plusSeconds(1)));
            Trade onOkx = TestRecords.trade("v-o1", "mm7", TestRecords.perp("BTC"), Side.BUY, 1.5, okxMid, t0.plusSeconds(2));
            onOkx.setVenue("OKX");
            rig.trade(onOkx);

            // netDelta 3.5 outside the band 3: SELL 3.5 on the venue of the latest fill, which quotes it.
            RebalanceSignal hedge = ofType(rig.signalsUntil(s -> !ofType(s, SignalType.DELTA_HEDGE).isEmpty()),
                    SignalType.DELTA_HEDGE).get(0);
            assertThat(hedge.getInstrument()).isEqualTo("BTC-PERP");
            assertThat(hedge.getVenue()).isEqualTo("OKX");
            assertThat(hedge.getSide()).isEqualTo(Side.SELL);
            assertThat(hedge.getQuantity()).isCloseTo(3.5, within(1e-12));

            // A fill naming the signal on the other venue executes nothing; the router's fill on OKX does.
            Trade wrongVenue = TestRecords.trade("v-d2", "mm7", TestRecords.perp("BTC"), Side.SELL, 0.5, deribitMid,
                    t0.plusSeconds(3));
            wrongVenue.setSignalId(hedge.getSignalId());
            rig.trade(wrongVenue);
            Trade routed = TestRecords.trade("v-o2", "mm7", TestRecords.perp("BTC"), Side.SELL, 3.5, okxMid, t0.plusSeconds(4));
            routed.setVenue("OKX");
            routed.setSignalId(hedge.getSignalId());
            rig.trade(routed);

            double deribitQty = 2 - 0.5;
            double okxQty = 1.5 - 3.5;
            double markValue = deribitQty * deribitMid + okxQty * okxMid; // each venue at its own mid: -50,800
            RiskSnapshot last = latest(rig.riskUntil(r -> r.stream().anyMatch(x -> x.getProviderId().equals("mm7")
                    && x.getAsOf().equals(t0.plusSeconds(4)) && x.getUnpricedPositions() == 0)), "mm7", "BTC");
            System.out.println("inventory-risk (two venues): " + last);
            assertThat(last.getPositions()).isEqualTo(2);
            assertThat(last.getUnpricedPositions()).isZero();
            assertThat(last.getNetDelta()).isEqualTo(deribitQty + okxQty);
            assertThat(last.getMarkValue()).isEqualTo(markValue);
            assertThat(last.getPendingHedge()).isZero(); // the OKX fill executed the hedge, the DERIBIT one did not
            // Merged into one position, the book would be -0.5 at one mid (about -50,000 to -50,200): not this.
            assertThat(last.getMarkValue()).isNotCloseTo(-0.5 * deribitMid, within(100.0))
                    .isNotCloseTo(-0.5 * okxMid, within(100.0));
            assertThat(ofType(rig.all(rig.signals, RebalanceSignal.class), SignalType.DELTA_HEDGE)).hasSize(1);
        } finally {
            BallastRig.cancel(job);
        }
    }

    // ------------------------------------------------------------------------------ (e)

    @Test
    void shuffledDuplicatedDelayedFillsSumExactly() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        Random random = new Random(42);
        List<String> providers = List.of("p1", "p2", "p3");
        List<String> underlyings = List.of("BTC", "ETH");
        Map<String, BigDecimal> expected = new HashMap<>();
        List<Trade> distinct = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String p = providers.get(random.nextInt(3));
            String u = underlyings.get(random.nextInt(2));
            double qty = Math.round(random.nextDouble() * 1e6) / 1e4 + 1e-4; // up to 4 decimals, > 0
            Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            long delay = random.nextInt(10) == 0 ? -3_600_000 : random.nextInt(5_000); // some an hour late
            Trade t = TestRecords.trade("f" + i, p, TestRecords.perp(u), side, qty, 100, t0.plusMillis(delay));
            distinct.add(t);
            expected.merge(p + "/" + u, new BigDecimal(side == Side.BUY ? qty : -qty), BigDecimal::add);
        }
        List<Trade> sent = new ArrayList<>(distinct);
        for (int i = 0; i < 60; i++) {
            sent.add(distinct.get(random.nextInt(distinct.size()))); // duplicates
        }
        Collections.shuffle(sent, random);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Trade t : sent) {
            records.add(rig.record(rig.trades, t.getProviderId(), t));
        }
        rig.send(records);

        JobClient job = rig.start(rig.config("--delivery.guarantee", "at-least-once"), 2, null);
        try {
            rig.rejectedUntil(r -> r.size() >= 60);
            List<RiskSnapshot> risk = rig.riskUntil(r -> r.size() >= distinct.size());
            for (Map.Entry<String, BigDecimal> e : expected.entrySet()) {
                String[] key = e.getKey().split("/");
                assertThat(latest(risk, key[0], key[1]).getNetDelta()).as(e.getKey()).isEqualTo(e.getValue().doubleValue());
            }
            assertThat(rig.all(rig.rejected, io.ballast.avro.RejectedRecord.class))
                    .hasSize(60).allMatch(r -> r.getReason().equals("DUPLICATE_TRADE"));
        } finally {
            BallastRig.cancel(job);
        }
    }
}
