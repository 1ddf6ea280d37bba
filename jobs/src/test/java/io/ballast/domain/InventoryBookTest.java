package io.ballast.domain;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.PendingHedge;
import io.ballast.avro.internal.Position;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The inventory rules on a plain book: no Flink, no state backend. */
class InventoryBookTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final double S = 100_000;

    private final PipelineSettings settings = PipelineSettings.defaults();
    private final RiskLimits limits = settings.toBuilder()
            .defaultLimits(settings.defaultLimits()).build().defaultLimits();
    private final RecordedOutput out = new RecordedOutput();

    /** A table that remembers every value put, to check that none is changed afterwards. */
    private static final class Watched<K, V> extends HeapTable<K, V> {
        final IdentityHashMap<V, String> puts = new IdentityHashMap<>();

        Watched() {
            super(null);
        }

        @Override
        public void put(K key, V value) {
            puts.put(value, value.toString());
            super.put(key, value);
        }
    }

    private static MarketSnapshot market(long version, long asOf, double s) {
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(s).setMultiplier(1.0)
                .setEventTime(asOf).build());
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(asOf)
                .setReferencePrice(s).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(new HashMap<>()).setLinear(linear).setIngestMicros(0).build();
    }

    private static Trade fill(String id, Instrument ins, Side side, double qty, long time) {
        return TestRecords.trade(id, "mm1", ins, side, qty, S, Instant.ofEpochMilli(time));
    }

    private void apply(InventoryBook book, Trade t, MarketSnapshot m) {
        book.applyFill(t, m, limits, Limits.stamp(limits), out);
    }

    @Test
    void positionsAreExactSignedSumsWhateverTheOrder() {
        Random random = new Random(3);
        List<Trade> fills = new ArrayList<>();
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 0; i < 200; i++) {
            double qty = Math.round(random.nextDouble() * 1e6) / 1e7 + 1e-7;
            Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            fills.add(fill("t" + i, TestRecords.perp("BTC"), side, qty, T0 + i));
            expected = side == Side.BUY ? expected.add(new BigDecimal(qty)) : expected.subtract(new BigDecimal(qty));
        }
        InventoryBook forward = InventoryBook.onHeap(settings);
        InventoryBook backward = InventoryBook.onHeap(settings);
        for (int i = 0; i < fills.size(); i++) {
            apply(forward, fills.get(i), null);
            apply(backward, fills.get(fills.size() - 1 - i), null);
        }
        double a = out.risk.get(fills.size() - 1 + fills.size()).getNetDelta();
        assertThat(out.risk.get(2 * fills.size() - 2).getNetDelta()).isEqualTo(expected.doubleValue());
        assertThat(a).isEqualTo(expected.doubleValue());
    }

    @Test
    void aDeltaHedgeIsPendingUntilItsFillAndThenNotRepeated() {
        InventoryBook book = InventoryBook.onHeap(settings);
        MarketSnapshot m = market(1, T0, S);
        apply(book, fill("a", TestRecords.perp("BTC"), Side.BUY, 3.0, T0), m); // band 1.0: hedge 3
        assertThat(out.signals).singleElement().satisfies(s -> {
            assertThat(s.getType()).isEqualTo(SignalType.DELTA_HEDGE);
            assertThat(s.getSide()).isEqualTo(Side.SELL);
            assertThat(s.getQuantity()).isEqualTo(3.0);
            assertThat(s.getSignalId()).isEqualTo("mm1/BTC/DELTA_HEDGE/1");
        });
        assertThat(out.risk.get(0).getPendingHedge()).isZero(); // marked before the decision
        // The market moves: re-marked, no second hedge while the first is pending.
        assertThat(book.refresh(T0 + 100, market(2, T0 + 100, S * 1.01), limits, Limits.stamp(limits), out)).isTrue();
        assertThat(out.risk.get(1).getPendingHedge()).isEqualTo(-3.0);
        assertThat(out.signals).hasSize(1);
        // Nothing changed: no re-mark.
        assertThat(book.refresh(T0 + 200, market(2, T0 + 100, S * 1.01), limits, Limits.stamp(limits), out)).isFalse();
        // Half filled, then filled.
        Trade half = fill("h1", TestRecords.perp("BTC"), Side.SELL, 1.5, T0 + 300);
        half.setSignalId("mm1/BTC/DELTA_HEDGE/1");
        apply(book, half, m);
        assertThat(out.risk.get(out.risk.size() - 1).getPendingHedge()).isEqualTo(-1.5);
        Trade rest = fill("h2", TestRecords.perp("BTC"), Side.SELL, 1.5, T0 + 400);
        rest.setSignalId("mm1/BTC/DELTA_HEDGE/1");
        apply(book, rest, m);
        RiskSnapshot last = out.risk.get(out.risk.size() - 1);
        assertThat(last.getPendingHedge()).isZero();
        assertThat(last.getNetDelta()).isZero();
        assertThat(book.idle()).isTrue(); // flat and nothing pending
        assertThat(out.signals).hasSize(1);
    }

    @Test
    void anUnfilledHedgeTimesOutAndTheNextDecisionHedgesAgain() {
        InventoryBook book = InventoryBook.onHeap(settings);
        apply(book, fill("a", TestRecords.perp("BTC"), Side.BUY, 3.0, T0), market(1, T0, S));
        long timeout = limits.getHedgeTimeoutMs();
        assertThat(book.refresh(T0 + timeout - 1, market(1, T0, S), limits, Limits.stamp(limits), out)).isFalse();
        assertThat(book.refresh(T0 + timeout, market(1, T0, S), limits, Limits.stamp(limits), out)).isTrue();
        assertThat(out.signals).extracting(RebalanceSignal::getSignalId)
                .containsExactly("mm1/BTC/DELTA_HEDGE/1", "mm1/BTC/DELTA_HEDGE/2");
    }

    @Test
    void aGammaBreachIsSignalledOnceAndClearedOnce() {
        RiskLimits tight = RiskLimits.newBuilder(limits).setGammaLimit(1.0).setDeltaBand(1e9).build();
        InventoryBook book = InventoryBook.onHeap(settings);
        Instrument call = TestRecords.option("BTC", S, Instant.ofEpochMilli(T0 + 30L * 86_400_000), OptionRight.CALL);
        MarketSnapshot m = market(1, T0, S);
        m.getOptions().put(call.getSymbol(), OptionIv.newBuilder().setIv(0.6).setForward(S).setMid(null).build());
        book.applyFill(fill("a", call, Side.SELL, 5, T0), m, tight, Limits.stamp(tight), out);
        book.applyFill(fill("b", call, Side.SELL, 5, T0 + 1), m, tight, Limits.stamp(tight), out);
        book.applyFill(fill("c", call, Side.BUY, 10, T0 + 2), m, tight, Limits.stamp(tight), out);
        assertThat(out.signals).extracting(s -> s.getType() + " " + s.getStatus())
                .containsExactly("GAMMA_LIMIT BREACH", "GAMMA_LIMIT CLEARED");
        assertThat(book.meta().getGammaBreached()).isFalse();
    }

    @Test
    void anExpiredOptionLeavesTheBookOnTheNextRefresh() {
        InventoryBook book = InventoryBook.onHeap(settings);
        long expiry = T0 + 60_000;
        Instrument put = TestRecords.option("BTC", S, Instant.ofEpochMilli(expiry), OptionRight.PUT);
        apply(book, fill("a", put, Side.BUY, 2, T0), market(1, T0, S));
        assertThat(book.idle()).isFalse();
        assertThat(book.refresh(expiry, market(1, T0, S), limits, Limits.stamp(limits), out)).isTrue();
        assertThat(book.idle()).isTrue();
        assertThat(out.risk.get(out.risk.size() - 1).getPositions()).isZero();
    }

    @Test
    void storedRecordsAreNeverChangedAfterTheyArePut() {
        Watched<String, Position> positions = new Watched<>();
        Watched<String, PendingHedge> pending = new Watched<>();
        List<InventoryMeta> metas = new ArrayList<>();
        List<String> metaTexts = new ArrayList<>();
        Cell<InventoryMeta> meta = new Cell<>() {
            private InventoryMeta value;

            @Override
            public InventoryMeta get() {
                return value;
            }

            @Override
            public void set(InventoryMeta v) {
                metas.add(v);
                metaTexts.add(v.toString());
                value = v;
            }
        };
        InventoryBook book = new InventoryBook(meta, positions, pending, new InventoryBook.Scratch(), settings);
        MarketSnapshot m = market(1, T0, S);
        apply(book, fill("a", TestRecords.perp("BTC"), Side.BUY, 3.0, T0), m);
        Trade partial = fill("b", TestRecords.perp("BTC"), Side.SELL, 1.0, T0 + 1);
        partial.setSignalId("mm1/BTC/DELTA_HEDGE/1");
        apply(book, partial, m);
        apply(book, fill("c", TestRecords.perp("BTC"), Side.BUY, 0.25, T0 + 2), m);
        book.refresh(T0 + 10, market(2, T0 + 10, S * 1.02), limits, Limits.stamp(limits), out);
        assertThat(positions.puts).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy((value, text) -> assertThat(value.toString()).isEqualTo(text));
        assertThat(pending.puts).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((value, text) -> assertThat(value.toString()).isEqualTo(text));
        for (int i = 0; i < metas.size(); i++) {
            assertThat(metas.get(i).toString()).isEqualTo(metaTexts.get(i));
        }
        assertThat(metas).hasSize(4);
    }

    @Test
    void aBookLoadedFromItsRecordsDecidesAsTheOneThatWroteThem() {
        HeapTable<String, Position> positions = new HeapTable<>(null);
        HeapTable<String, PendingHedge> pending = new HeapTable<>(null);
        Cell<InventoryMeta> meta = Cell.onHeap();
        InventoryBook writer = new InventoryBook(meta, positions, pending, new InventoryBook.Scratch(), settings);
        Instrument call = TestRecords.option("BTC", 110_000, Instant.ofEpochMilli(T0 + 90L * 86_400_000), OptionRight.CALL);
        MarketSnapshot m = market(1, T0, S);
        m.getOptions().put(call.getSymbol(), OptionIv.newBuilder().setIv(0.55).setForward(S * 1.01).setMid(null).build());
        writer.applyFill(fill("a", call, Side.SELL, 7.3, T0), m, limits, Limits.stamp(limits), out);
        writer.applyFill(fill("b", TestRecords.perp("BTC"), Side.BUY, 1.9, T0 + 1), m, limits, Limits.stamp(limits), out);
        InventoryBook reader = new InventoryBook(meta, positions, pending, new InventoryBook.Scratch(), settings);
        MarketSnapshot moved = market(2, T0 + 500, S * 0.997);
        moved.getOptions().putAll(m.getOptions());
        RecordedOutput a = new RecordedOutput();
        RecordedOutput b = new RecordedOutput();
        // Two copies of the same records: decide on the same market from each.
        HeapTable<String, Position> p2 = new HeapTable<>(null);
        positions.entries().forEach(e -> p2.put(e.getKey(), e.getValue()));
        HeapTable<String, PendingHedge> h2 = new HeapTable<>(null);
        pending.entries().forEach(e -> h2.put(e.getKey(), e.getValue()));
        Cell<InventoryMeta> meta2 = Cell.onHeap();
        meta2.set(meta.get());
        InventoryBook twin = new InventoryBook(meta2, p2, h2, new InventoryBook.Scratch(), settings);
        reader.refresh(T0 + 500, moved, limits, Limits.stamp(limits), a);
        twin.refresh(T0 + 500, moved, limits, Limits.stamp(limits), b);
        assertThat(a.risk).hasSize(1).isEqualTo(b.risk);
        assertThat(a.signals).isEqualTo(b.signals);
        assertThat(a.risk.get(0).getNetDelta()).isCloseTo(1.9 - 7.3 * 0.45, within(0.2));
    }
}
