package io.ballast.domain;

import io.ballast.avro.InstrumentKind;
import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketTick;
import io.ballast.quant.Black76;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The market rules on a plain book: no Flink, no state backend. */
class MarketBookTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long EXPIRY = T0 + 60L * 86_400_000;
    private static final double F = 100_000;

    private final PipelineSettings settings = PipelineSettings.defaults().toBuilder().snapshotIntervalMs(1_000).build();
    private final Recorder out = new Recorder();

    private static final class Recorder implements MarketBook.Output {
        final List<MarketSnapshot> snapshots = new ArrayList<>();
        final List<VolSkew> skews = new ArrayList<>();
        int stale;

        @Override
        public void snapshot(MarketSnapshot snapshot) {
            snapshots.add(snapshot);
        }

        @Override
        public void skew(VolSkew skew) {
            skews.add(skew);
        }

        @Override
        public void staleQuote() {
            stale++;
        }
    }

    private static MarketTick linear(String symbol, InstrumentKind kind, double mid, long time) {
        return MarketTick.newBuilder().setUnderlying("BTC").setSymbol(symbol).setKind(kind).setMultiplier(1.0)
                .setMid(mid).setEventTime(time).build();
    }

    private static MarketTick option(double strike, boolean call, double vol, long time) {
        double tau = (EXPIRY - time) / 31_536_000_000.0;
        double price = Black76.price(call, F, strike, tau, vol, 1.0);
        return MarketTick.newBuilder().setUnderlying("BTC").setSymbol("BTC-" + (long) strike + (call ? "-C" : "-P"))
                .setKind(InstrumentKind.OPTION).setStrike(strike).setExpiry(EXPIRY).setCall(call).setMultiplier(1.0)
                .setMid(price).setForward(F).setIv(vol).setIvSolved(true).setEventTime(time).build();
    }

    @Test
    void publishesAtOnceThenAtMostEveryIntervalAndAsksForAFlush() {
        MarketBook book = MarketBook.onHeap("BTC", settings);
        assertThat(book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F, T0), 5_000, out)).isEqualTo(Long.MIN_VALUE);
        assertThat(out.snapshots).singleElement().satisfies(s -> {
            assertThat(s.getReferencePrice()).isEqualTo(F);
            assertThat(s.getVersion()).isEqualTo(1);
        });
        // Within the interval: held back, a flush one interval of wall time later, asked for once.
        assertThat(book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 10, T0 + 100), 5_100, out)).isEqualTo(6_100);
        assertThat(book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 20, T0 + 200), 5_200, out)).isEqualTo(Long.MIN_VALUE);
        assertThat(out.snapshots).hasSize(1);
        book.flush(out);
        assertThat(out.snapshots).hasSize(2);
        assertThat(out.snapshots.get(1).getReferencePrice()).isEqualTo(F + 20);
        assertThat(out.snapshots.get(1).getAsOf()).isEqualTo(T0 + 200);
        book.flush(out); // nothing pending: nothing published
        assertThat(out.snapshots).hasSize(2);
    }

    @Test
    void anOlderQuoteOfAnInstrumentIsIgnored() {
        MarketBook book = MarketBook.onHeap("BTC", settings);
        book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F, T0 + 10), 0, out);
        book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F * 2, T0), 0, out);
        assertThat(out.stale).isEqualTo(1);
        book.flush(out);
        assertThat(out.snapshots.get(out.snapshots.size() - 1).getReferencePrice()).isEqualTo(F);
    }

    @Test
    void thePerpetualIsTheReferenceUnlessSpotIsConfiguredFirst() {
        MarketBook perp = MarketBook.onHeap("BTC", settings);
        MarketBook spot = MarketBook.onHeap("BTC", settings.toBuilder().spotReferenced(java.util.Set.of("BTC")).build());
        for (MarketBook b : List.of(perp, spot)) {
            b.applyQuote(linear("BTC-USD", InstrumentKind.SPOT, F - 50, T0), 0, out);
            b.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 50, T0 + 1), 0, out);
        }
        assertThat(perp.referencePrice()).isEqualTo(F + 50);
        assertThat(spot.referencePrice()).isEqualTo(F - 50);
    }

    @Test
    void aChainIsFittedOnceChangedAndExpiredOptionsLeave() {
        MarketBook book = MarketBook.onHeap("BTC", settings);
        book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F, T0), 0, out);
        long t = T0 + 2_000;
        for (double k = 80_000; k <= 120_000; k += 5_000) {
            book.applyQuote(option(k, true, 0.5 + (k - F) / F * -0.2, t), 0, out);
            book.applyQuote(option(k, false, 0.5 + (k - F) / F * -0.2, t), 0, out);
        }
        book.flush(out);
        assertThat(out.skews).singleElement().satisfies(s -> {
            assertThat(s.getPoints()).isEqualTo(9); // puts below F, calls at or above: one per strike
            assertThat(s.getAtmVol()).isCloseTo(0.5, within(5e-3)); // a smile linear in K/F, fitted in k = ln K/F
            assertThat(s.getSviA()).isNotNull();
        });
        MarketSnapshot last = out.snapshots.get(out.snapshots.size() - 1);
        assertThat(last.getOptions()).hasSize(18);
        assertThat(last.getSmiles()).hasSize(1);
        // A linear quote changes no expiry: no refit.
        book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 1, t + 5_000), 0, out);
        assertThat(out.skews).hasSize(1);
        // Past the expiry every option and the smile are dropped.
        book.applyQuote(linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 2, EXPIRY), 0, out);
        MarketSnapshot after = out.snapshots.get(out.snapshots.size() - 1);
        assertThat(after.getOptions()).isEmpty();
        assertThat(after.getSmiles()).isEmpty();
    }

    private static MarketTick on(String venue, MarketTick tick) {
        tick.setVenue(venue);
        return tick;
    }

    @Test
    void twoVenuesQuotingOneSymbolAreTwoInstruments() {
        MarketBook book = MarketBook.onHeap("BTC", settings);
        book.applyQuote(on("deribit", linear("BTC-PERP", InstrumentKind.PERPETUAL, 100_000, T0)), 0, out);
        book.applyQuote(on("okx", linear("BTC-PERP", InstrumentKind.PERPETUAL, 100_400, T0 + 10)), 0, out);
        // Older than okx's latest but deribit's own latest is older still: applied, not stale.
        book.applyQuote(on("deribit", linear("BTC-PERP", InstrumentKind.PERPETUAL, 100_010, T0 + 5)), 0, out);
        assertThat(out.stale).isZero();
        // Older than okx's own latest: ignored.
        book.applyQuote(on("okx", linear("BTC-PERP", InstrumentKind.PERPETUAL, 99_000, T0 + 6)), 0, out);
        assertThat(out.stale).isEqualTo(1);
        book.flush(out);
        MarketSnapshot last = out.snapshots.get(out.snapshots.size() - 1);
        assertThat(last.getLinear()).containsOnlyKeys("deribit:BTC-PERP", "okx:BTC-PERP");
        assertThat(last.getLinear().get("deribit:BTC-PERP").getMid()).isEqualTo(100_010);
        assertThat(last.getLinear().get("okx:BTC-PERP").getMid()).isEqualTo(100_400);
        // S: the latest perpetual quote, whichever its venue (okx's at T0 + 10).
        assertThat(last.getReferencePrice()).isEqualTo(100_400);
    }

    @Test
    void anOptionQuotedOnTwoVenuesHasTheIvOfEachAndTheSmileHasBoth() {
        MarketBook book = MarketBook.onHeap("BTC", settings);
        book.applyQuote(on("deribit", linear("BTC-PERP", InstrumentKind.PERPETUAL, F, T0)), 0, out);
        long t = T0 + 2_000;
        for (double k = 80_000; k <= 120_000; k += 10_000) {
            book.applyQuote(on("deribit", option(k, k >= F, 0.5, t)), 0, out);
            book.applyQuote(on("okx", option(k, k >= F, 0.6, t)), 0, out);
        }
        book.flush(out);
        MarketSnapshot last = out.snapshots.get(out.snapshots.size() - 1);
        assertThat(last.getOptions()).hasSize(10);
        assertThat(last.getOptions().get("deribit:BTC-100000-C").getIv()).isEqualTo(0.5);
        assertThat(last.getOptions().get("okx:BTC-100000-C").getIv()).isEqualTo(0.6);
        assertThat(last.getOptions()).doesNotContainKey("BTC-100000-C");
        // One smile per expiry, from both venues' points (5 strikes x 2 venues).
        assertThat(out.skews.get(out.skews.size() - 1).getPoints()).isEqualTo(10);
    }

    @Test
    void quotesOfStateWrittenBeforeVenuesAreAdoptedByTheDefaultVenue() {
        HeapTable<String, io.ballast.avro.internal.OptionMark> options = HeapTable.unordered();
        HeapTable<String, io.ballast.avro.internal.LinearMark> linear = new HeapTable<>(MarketBook.OPTION_ORDER);
        linear.put("BTC-PERP", io.ballast.avro.internal.LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL)
                .setMid(F).setMultiplier(1.0).setEventTime(T0).build());
        options.put("BTC-100000-C", io.ballast.avro.internal.OptionMark.newBuilder().setStrike(100_000).setExpiry(EXPIRY)
                .setCall(true).setMid(5_000.0).setForward(F).setIv(0.5).setEventTime(T0).build());
        PipelineSettings okx = settings.toBuilder().defaultVenue("okx").build();
        MarketBook book = new MarketBook("BTC", Cell.onHeap(), options, linear, new HeapTable<>(MarketBook.EXPIRY_ORDER),
                HeapTable.unordered(), new io.ballast.quant.SmileFitter.Stats(), okx);
        assertThat(linear.get("BTC-PERP")).isNull();
        assertThat(linear.get("okx:BTC-PERP").getMid()).isEqualTo(F);
        assertThat(options.get("BTC-100000-C")).isNull();
        assertThat(options.get("okx:BTC-100000-C").getIv()).isEqualTo(0.5);
        // The adopted quote is that venue's latest: an older one of okx is stale, deribit's is another instrument.
        book.applyQuote(on("okx", linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 1, T0 - 1)), 0, out);
        assertThat(out.stale).isEqualTo(1);
        book.applyQuote(on("deribit", linear("BTC-PERP", InstrumentKind.PERPETUAL, F + 2, T0 - 1)), 0, out);
        assertThat(out.stale).isEqualTo(1);
        assertThat(out.snapshots.get(out.snapshots.size() - 1).getLinear()).containsOnlyKeys("okx:BTC-PERP", "deribit:BTC-PERP");
    }
}
