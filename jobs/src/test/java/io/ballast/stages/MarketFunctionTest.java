package io.ballast.stages;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketTick;
import io.ballast.config.PipelineOptions;
import io.ballast.domain.Keys;
import io.ballast.domain.PipelineSettings;
import io.ballast.quant.Black76;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MarketFunctionTest {

    /** ACT/365 in milliseconds, as the contract writes it. */
    private static final double MILLIS_PER_YEAR = 31_536_000_000.0;

    private static final long T0 = 1_800_000_000_000L;
    private static final Instant EXPIRY = Instant.ofEpochMilli(T0 + 60L * 86_400_000);
    private static final double F = 100_000;

    private final PipelineSettings settings = PipelineOptions.parse(
            "--market.snapshot-interval", "1 s",
            "--market.rv-min-interval", "0 s", "--market.reference", "ETH=SPOT");
    private final QuoteIvFunction iv = new QuoteIvFunction(settings);

    private KeyedOneInputStreamOperatorTestHarness<String, MarketTick, MarketSnapshot> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, MarketTick, MarketSnapshot> newHarness(OperatorSubtaskState state)
            throws Exception {
        return newHarness(state, false);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, MarketTick, MarketSnapshot> newHarness(OperatorSubtaskState state,
            boolean rocksDb) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MarketTick, MarketSnapshot> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MarketFunction(settings)), MarketTick::getUnderlying, Types.STRING);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        iv.setRuntimeContext(h.getOperator().getRuntimeContext());
        iv.open(null);
        return h;
    }

    private void quote(Quote q) throws Exception {
        harness.processElement(iv.map(q), q.getEventTime().toEpochMilli());
    }

    private void perp(String underlying, double mid, long t) throws Exception {
        quote(TestRecords.quote(TestRecords.perp(underlying), mid - 0.5, mid + 0.5, Instant.ofEpochMilli(t)));
    }

    private static Quote option(double strike, OptionRight right, double vol, Double forward, long t) {
        return option("BTC", EXPIRY, strike, right, vol, forward, t);
    }

    private static Quote option(String underlying, Instant expiry, double strike, OptionRight right, double vol, Double forward,
                                long t) {
        double tau = (expiry.toEpochMilli() - t) / MILLIS_PER_YEAR;
        double price = Black76.price(right == OptionRight.CALL, forward == null ? F : forward, strike, tau, vol, 1.0);
        Quote q = TestRecords.quote(TestRecords.option(underlying, strike, expiry, right), price * (1 - 1e-12), price * (1 + 1e-12),
                Instant.ofEpochMilli(t));
        q.setUnderlyingPrice(forward);
        return q;
    }

    private List<MarketSnapshot> snapshots() {
        return harness.extractOutputValues();
    }

    private List<VolSkew> skews() {
        return harness.getSideOutput(MarketFunction.SKEW) == null ? List.of()
                : harness.getSideOutput(MarketFunction.SKEW).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void theReferencePriceIsThePerpetualElseTheSpotOrAsConfigured() throws Exception {
        Instrument spot = Instrument.newBuilder(TestRecords.perp("BTC")).setSymbol("BTC-USD")
                .setKind(io.ballast.avro.InstrumentKind.SPOT).build();
        quote(TestRecords.quote(spot, 99_990, 99_992, Instant.ofEpochMilli(T0)));
        assertThat(snapshots().get(0).getReferencePrice()).isEqualTo(99_991.0);
        perp("BTC", 100_010, T0 + 2_000);
        assertThat(snapshots().get(1).getReferencePrice()).isEqualTo(100_010.0);
        quote(TestRecords.quote(spot, 99_900, 99_902, Instant.ofEpochMilli(T0 + 4_000)));
        assertThat(snapshots().get(2).getReferencePrice()).isEqualTo(100_010.0); // still the perpetual

        Instrument ethSpot = Instrument.newBuilder(TestRecords.perp("ETH")).setSymbol("ETH-USD")
                .setKind(io.ballast.avro.InstrumentKind.SPOT).build();
        perp("ETH", 3_001, T0);
        quote(TestRecords.quote(ethSpot, 2_999, 3_001, Instant.ofEpochMilli(T0 + 2_000)));
        MarketSnapshot eth = snapshots().get(snapshots().size() - 1);
        assertThat(eth.getUnderlying()).isEqualTo("ETH");
        assertThat(eth.getReferencePrice()).isEqualTo(3_000.0); // ETH=SPOT configured
    }

    @Test
    void publishesAtMostEveryIntervalOfEventTimeAndFlushesTheRestByWallClock() throws Exception {
        perp("BTC", 100_000, T0);
        assertThat(snapshots()).hasSize(1);
        perp("BTC", 100_001, T0 + 300);
        perp("BTC", 100_002, T0 + 600);
        assertThat(snapshots()).hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(harness.getProcessingTime() + 1_000);
        assertThat(snapshots()).hasSize(2);
        MarketSnapshot flushed = snapshots().get(1);
        assertThat(flushed.getReferencePrice()).isEqualTo(100_002.0);
        assertThat(flushed.getAsOf()).isEqualTo(T0 + 600);
        assertThat(flushed.getVersion()).isEqualTo(2);
        perp("BTC", 100_003, T0 + 1_700);
        assertThat(snapshots()).hasSize(3);
        assertThat(snapshots().get(2).getVersion()).isEqualTo(3);
    }

    @Test
    void ignoresAQuoteOlderThanItsInstrumentsLatest() throws Exception {
        perp("BTC", 100_000, T0 + 5_000);
        perp("BTC", 90_000, T0);
        harness.setProcessingTime(harness.getProcessingTime() + 5_000);
        assertThat(snapshots()).hasSize(1);
        assertThat(snapshots().get(0).getReferencePrice()).isEqualTo(100_000.0);
    }

    @Test
    void fitsTheSmileOfAnExpiryFromItsOutOfTheMoneyOptions() throws Exception {
        perp("BTC", F, T0);
        for (double k = 70_000; k <= 130_000; k += 5_000) {
            double vol = 0.5 + 0.1 * Math.pow(Math.log(k / F), 2) * 10; // a smile
            quote(option(k, OptionRight.CALL, vol, F, T0 + 10));
            quote(option(k, OptionRight.PUT, vol, F, T0 + 10));
        }
        harness.setProcessingTime(harness.getProcessingTime() + 1_000);
        List<VolSkew> skews = skews();
        assertThat(skews).hasSize(1);
        VolSkew s = skews.get(0);
        assertThat(s.getPoints()).isEqualTo(13); // one per strike: puts below F, calls at or above
        assertThat(s.getSviA()).isNotNull();
        assertThat(s.getAtmVol()).isCloseTo(0.5, within(2e-3));
        assertThat(s.getForward()).isEqualTo(F);
        assertThat(s.getRmse()).isLessThan(5e-3);
        MarketSnapshot snap = snapshots().get(snapshots().size() - 1);
        assertThat(snap.getSmiles()).hasSize(1);
        assertThat(snap.getOptions()).hasSize(26);
        String atmCall = Keys.instrument("DERIBIT", TestRecords.option("BTC", 100_000, EXPIRY, OptionRight.CALL).getSymbol());
        assertThat(snap.getOptions().get(atmCall).getIv()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void solvesOptionsQuotedWithoutAForwardOnTheReferencePrice() throws Exception {
        perp("BTC", F, T0);
        quote(option(110_000, OptionRight.CALL, 0.7, null, T0 + 10));
        harness.setProcessingTime(harness.getProcessingTime() + 1_000);
        MarketSnapshot snap = snapshots().get(snapshots().size() - 1);
        String symbol = Keys.instrument("DERIBIT", TestRecords.option("BTC", 110_000, EXPIRY, OptionRight.CALL).getSymbol());
        assertThat(snap.getOptions().get(symbol).getForward()).isNull();
        assertThat(snap.getOptions().get(symbol).getIv()).isCloseTo(0.7, within(1e-9));
    }

    @Test
    void dropsExpiredOptionsAndTheirSmiles() throws Exception {
        perp("BTC", F, T0);
        quote(option(100_000, OptionRight.CALL, 0.5, F, T0 + 10));
        quote(option(110_000, OptionRight.CALL, 0.5, F, T0 + 10));
        harness.setProcessingTime(harness.getProcessingTime() + 1_000);
        assertThat(snapshots().get(snapshots().size() - 1).getSmiles()).hasSize(1);
        perp("BTC", F, EXPIRY.toEpochMilli() + 1);
        MarketSnapshot after = snapshots().get(snapshots().size() - 1);
        assertThat(after.getOptions()).isEmpty();
        assertThat(after.getSmiles()).isEmpty();
    }

    @Test
    void tracksRealizedVolAndSurvivesSnapshotAndRestore() throws Exception {
        double price = F;
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            price *= Math.exp(0.001 * random.nextGaussian());
            perp("BTC", price, T0 + 1_000L * i);
        }
        MarketSnapshot last = snapshots().get(snapshots().size() - 1);
        assertThat(last.getRealizedVol()).isNotNull();
        // 0.1% per second, annualized: about 0.001 * sqrt(31,536,000) = 5.6
        assertThat(last.getRealizedVol()).isBetween(4.0, 7.5);
        OperatorSubtaskState state = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness(state);
        perp("BTC", price, T0 + 300_000);
        MarketSnapshot resumed = snapshots().get(0);
        assertThat(resumed.getVersion()).isEqualTo(last.getVersion() + 1);
        // The estimator continued from its checkpoint (a fresh one would have no value after one price);
        // 100 s without a move pulled it down a little, by the weight of that interval.
        assertThat(resumed.getRealizedVol()).isNotNull().isLessThan(last.getRealizedVol())
                .isGreaterThan(0.6 * last.getRealizedVol());
    }

    /**
     * A market of two underlyings, two expiries (one expiring along the way) and a few options quoted
     * without a forward, quote after quote, with some quotes arriving late; deterministic.
     */
    private static List<Quote> market(int count) {
        Random random = new Random(17);
        Instant shortExpiry = Instant.ofEpochMilli(T0 + 60_000);
        List<Quote> quotes = new ArrayList<>();
        long t = T0;
        double level = 0.5;
        for (int i = 0; i < count; i++) {
            t += 100 + random.nextInt(700);
            long eventTime = random.nextInt(20) == 0 ? t - 2_000 : t; // now and then a stale one
            level *= Math.exp(0.01 * random.nextGaussian());
            int what = random.nextInt(10);
            String underlying = random.nextInt(4) == 0 ? "ETH" : "BTC";
            if (what == 0) {
                double mid = F * Math.exp(0.001 * random.nextGaussian());
                quotes.add(TestRecords.quote(TestRecords.perp(underlying), mid - 0.5, mid + 0.5, Instant.ofEpochMilli(eventTime)));
            } else {
                Instant expiry = what < 4 && t < shortExpiry.toEpochMilli() ? shortExpiry : EXPIRY;
                if (eventTime >= expiry.toEpochMilli()) {
                    continue;
                }
                double strike = 70_000 + 5_000 * random.nextInt(13);
                double k = Math.log(strike / F);
                double vol = level + 0.8 * k * k - 0.1 * k + 0.002 * random.nextGaussian();
                OptionRight right = random.nextBoolean() ? OptionRight.CALL : OptionRight.PUT;
                Double forward = what == 9 ? null : F * (1 + 0.0005 * random.nextGaussian());
                quotes.add(option(underlying, expiry, strike, right, vol, forward, eventTime));
            }
        }
        return quotes;
    }

    /**
     * The heap copy of the state is rebuilt from Flink state after a restore: a function restored
     * from a snapshot taken midway publishes exactly what one that never stopped publishes (snapshots
     * and skews, including smile refits started from the restored fits, and purges of expired
     * options), on the heap and on the RocksDB state backend.
     */
    @ParameterizedTest(name = "RocksDB {0}")
    @ValueSource(booleans = {false, true})
    void aRestoredFunctionPublishesWhatOneThatNeverFailedPublishes(boolean rocksDb) throws Exception {
        List<Quote> quotes = market(600);
        int cut = 250;
        harness.close();

        harness = newHarness(null, rocksDb);
        for (Quote q : quotes) {
            quote(q);
        }
        harness.setProcessingTime(harness.getProcessingTime() + 10_000);
        List<MarketSnapshot> allSnapshots = snapshots();
        List<VolSkew> allSkews = skews();
        harness.close();

        harness = newHarness(null, rocksDb);
        for (Quote q : quotes.subList(0, cut)) {
            quote(q);
        }
        int snapshotsBefore = snapshots().size();
        int skewsBefore = skews().size();
        OperatorSubtaskState state = harness.snapshot(1, T0);
        harness.close();
        harness = newHarness(state, rocksDb);
        for (Quote q : quotes.subList(cut, quotes.size())) {
            quote(q);
        }
        harness.setProcessingTime(harness.getProcessingTime() + 10_000);

        assertThat(allSkews.size()).isGreaterThan(skewsBefore + 20);
        assertThat(allSnapshots.stream().anyMatch(m -> m.getSmiles().size() == 2)).isTrue();
        assertThat(allSnapshots.get(allSnapshots.size() - 1).getSmiles()).hasSize(1); // the short expiry is gone
        // (ingestMicros is the wall clock at the IV stage, so it differs between the two runs)
        assertThat(withoutIngestTime(snapshots())).isEqualTo(
                withoutIngestTime(allSnapshots.subList(snapshotsBefore, allSnapshots.size())));
        assertThat(skews()).isEqualTo(allSkews.subList(skewsBefore, allSkews.size()));
    }

    private static List<String> withoutIngestTime(List<MarketSnapshot> snapshots) {
        return snapshots.stream().map(m -> MarketSnapshot.newBuilder(m).setIngestMicros(0).build().toString())
                .collect(Collectors.toList());
    }
}
