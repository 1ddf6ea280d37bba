package io.ballast.serde;

import io.ballast.TestRecords;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.SmileParams;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.LimitsUpdate;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class NetworkSerializersTest {

    private static final long SEED = 20261121L;

    /** Doubles that a careless encoding would change. */
    private static final double[] SPECIAL = {
            Double.NaN, Double.longBitsToDouble(0x7ff8_0000_dead_beefL), Double.longBitsToDouble(0xfff0_0000_0000_0001L),
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE, -Double.MAX_VALUE, 1e-300};

    private static final String LONG_STRING = "Ω-€-日本-😀-".repeat(20_000); // > 64 KB in UTF-8

    private final MarketTickSerializer ticks = MarketTickSerializer.INSTANCE;
    private final BroadcastEventSerializer events = new BroadcastEventSerializer();

    // ------------------------------------------------------------------------------- round trips

    @Test
    void randomTicksRoundTripFieldByFieldBitExact() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < 5_000; i++) {
            MarketTick t = tick(r, i % 7 == 0 ? 0 : r.nextDouble());
            assertSameFields(roundTrip(ticks, t), t, "tick #" + i);
        }
    }

    @Test
    void aTickWithEveryOptionalNullAndOneWithEveryOptionalSetRoundTrip() throws IOException {
        MarketTick none = tick(new SplittableRandom(SEED), 1.0);
        MarketTick all = tick(new SplittableRandom(SEED), 0.0);
        assertThat(Arrays.asList(none.getStrike(), none.getExpiry(), none.getCall(), none.getMid(), none.getForward(), none.getIv()))
                .containsOnlyNulls();
        assertThat(Arrays.asList(all.getStrike(), all.getExpiry(), all.getCall(), all.getMid(), all.getForward(), all.getIv()))
                .doesNotContainNull();
        assertSameFields(roundTrip(ticks, none), none, "all null");
        assertSameFields(roundTrip(ticks, all), all, "all set");
        all.setCall(false);
        assertSameFields(roundTrip(ticks, all), all, "put");
    }

    @Test
    void randomSnapshotsRoundTripFieldByFieldBitExact() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 300; i++) {
            MarketSnapshot s = snapshot(r, r.nextInt(120), r.nextInt(6), r.nextInt(6), i % 5 == 0 ? 0 : r.nextDouble());
            BroadcastEvent back = roundTrip(events, BroadcastEvent.of(s));
            assertThat(back.getLimits()).isNull();
            assertSameFields(back.getMarket(), s, "snapshot #" + i);
            assertThat(back.getMarket()).isEqualTo(s); // and Avro's own equality
            assertThat(back.getMarket().getOptions()).isInstanceOf(HashMap.class);
        }
    }

    @Test
    void emptyAndLargeCollectionsAndLongNonAsciiStringsRoundTrip() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        MarketSnapshot empty = snapshot(r, 0, 0, 0, 0.5);
        assertSameFields(roundTrip(events, BroadcastEvent.of(empty)).getMarket(), empty, "empty");

        MarketSnapshot large = snapshot(r, 20_000, 200, 50, 0.5);
        large.setUnderlying(LONG_STRING);
        large.getOptions().put(LONG_STRING, new OptionIv(null, null, null, null, null, null, null, null, 1.0));
        large.getOptions().put("", new OptionIv(Double.NaN, -0.0, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.NaN, -0.0, Long.MIN_VALUE, false, Double.POSITIVE_INFINITY));
        assertSameFields(roundTrip(events, BroadcastEvent.of(large)).getMarket(), large, "large");

        MarketTick t = tick(r, 0.5);
        t.setSymbol(LONG_STRING);
        t.setUnderlying("");
        assertSameFields(roundTrip(ticks, t), t, "long symbol");
    }

    @Test
    void limitsChangesDeletionsAndEmptyEventsRoundTrip() throws IOException {
        RiskLimits limits = TestRecords.limits("mm1", "BTC");
        LimitsUpdate set = new LimitsUpdate("mm1/BTC", limits, 42);
        LimitsUpdate deleted = new LimitsUpdate("mm1/ΞTH", null, Long.MAX_VALUE);

        assertThat(roundTrip(events, BroadcastEvent.of(set)).getLimits()).isEqualTo(set);
        assertThat(roundTrip(events, BroadcastEvent.of(set)).getMarket()).isNull();
        assertThat(roundTrip(events, BroadcastEvent.of(deleted)).getLimits()).isEqualTo(deleted);
        assertThat(roundTrip(events, BroadcastEvent.of(new LimitsUpdate(null, null, -1))).getLimits())
                .isEqualTo(new LimitsUpdate(null, null, -1));

        BroadcastEvent nothing = roundTrip(events, new BroadcastEvent());
        assertThat(nothing.getMarket()).isNull();
        assertThat(nothing.getLimits()).isNull();

        BroadcastEvent both = BroadcastEvent.of(snapshot(new SplittableRandom(SEED), 3, 1, 1, 0.5));
        both.setLimits(set);
        BroadcastEvent back = roundTrip(events, both);
        assertSameFields(back.getMarket(), both.getMarket(), "both");
        assertThat(back.getLimits()).isEqualTo(set);
    }

    @Test
    void whatIsReadIsAValidAvroRecordThatTheStateSerializerWritesAsIs() throws IOException {
        MarketSnapshot s = snapshot(new SplittableRandom(SEED + 3), 88, 4, 4, 0.3);
        MarketSnapshot back = roundTrip(events, BroadcastEvent.of(s)).getMarket();
        AvroSerializer<MarketSnapshot> avro = new AvroSerializer<>(MarketSnapshot.class);
        assertThat(bytes(avro, back)).isEqualTo(bytes(avro, s));
        MarketTick t = tick(new SplittableRandom(SEED), 0.3);
        AvroSerializer<MarketTick> tickAvro = new AvroSerializer<>(MarketTick.class);
        assertThat(bytes(tickAvro, roundTrip(ticks, t))).isEqualTo(bytes(tickAvro, t));
    }

    // ------------------------------------------------------------------------- serializer contract

    @Test
    void copiesAreDeepAndEqual() {
        MarketSnapshot s = snapshot(new SplittableRandom(SEED), 10, 2, 2, 0.2);
        BroadcastEvent e = BroadcastEvent.of(s);
        e.setLimits(new LimitsUpdate("mm1", TestRecords.limits("mm1", null), 7));
        BroadcastEvent c = events.copy(e);
        assertSameFields(c.getMarket(), s, "copy");
        assertThat(c.getLimits()).isEqualTo(e.getLimits());
        assertThat(c.getMarket()).isNotSameAs(s);
        assertThat(c.getMarket().getOptions()).isNotSameAs(s.getOptions());
        assertThat(c.getLimits().getLimits()).isNotSameAs(e.getLimits().getLimits());
        c.getMarket().getOptions().clear();
        assertThat(s.getOptions()).hasSize(10);
        assertThat(events.copy(e, new BroadcastEvent()).getMarket()).isEqualTo(s);
        assertThat(events.copy(new BroadcastEvent()).getMarket()).isNull();

        MarketTick t = tick(new SplittableRandom(SEED), 0.2);
        assertSameFields(ticks.copy(t), t, "tick copy");
        assertThat(ticks.copy(t)).isNotSameAs(t);
        assertThat(ticks.copy(t, new MarketTick())).isEqualTo(t);
    }

    @Test
    void copyingSerializedFormGivesTheSameBytes() throws IOException {
        BroadcastEvent e = BroadcastEvent.of(snapshot(new SplittableRandom(SEED), 30, 3, 3, 0.3));
        assertThat(copied(events, bytes(events, e))).isEqualTo(bytes(events, e));
        BroadcastEvent l = BroadcastEvent.of(new LimitsUpdate("mm1", TestRecords.limits("mm1", "BTC"), 1));
        assertThat(copied(events, bytes(events, l))).isEqualTo(bytes(events, l));
        MarketTick t = tick(new SplittableRandom(SEED), 0.3);
        assertThat(copied(ticks, bytes(ticks, t))).isEqualTo(bytes(ticks, t));
    }

    @Test
    void basicsOfTheContract() {
        assertThat(ticks.duplicate()).isSameAs(ticks);
        assertThat(events.duplicate()).isEqualTo(events).isNotSameAs(events); // holds a stateful Avro serializer
        assertThat(events.duplicate().hashCode()).isEqualTo(events.hashCode());
        assertThat(ticks.getLength()).isEqualTo(-1);
        assertThat(events.getLength()).isEqualTo(-1);
        assertThat(ticks.isImmutableType()).isFalse();
        assertThat(events.isImmutableType()).isFalse();
        assertThat(ticks.createInstance()).isInstanceOf(MarketTick.class);
        assertThat(events.createInstance()).isInstanceOf(BroadcastEvent.class);
        assertThat(NetworkType.marketTick().createSerializer(new SerializerConfigImpl())).isEqualTo(ticks);
        assertThat(NetworkType.broadcastEvent().createSerializer(new SerializerConfigImpl())).isEqualTo(events);
        assertThat(NetworkType.marketTick()).isEqualTo(NetworkType.marketTick()).isNotEqualTo(NetworkType.broadcastEvent());
    }

    @Test
    void aSerializerRestoredFromItsVersionedSnapshotIsCompatibleAndReadsTheSameBytes() throws IOException {
        MarketTick t = tick(new SplittableRandom(SEED), 0.5);
        TypeSerializer<MarketTick> restoredTicks = restored(ticks);
        assertThat(restoredTicks).isEqualTo(ticks);
        assertSameFields(restoredTicks.deserialize(new DataInputDeserializer(bytes(ticks, t))), t, "restored");

        BroadcastEvent e = BroadcastEvent.of(snapshot(new SplittableRandom(SEED), 20, 2, 2, 0.5));
        TypeSerializer<BroadcastEvent> restoredEvents = restored(events);
        assertThat(restoredEvents).isEqualTo(events);
        assertSameFields(restoredEvents.deserialize(new DataInputDeserializer(bytes(events, e))).getMarket(), e.getMarket(),
                "restored");
    }

    @Test
    void aSnapshotOfAnotherLayoutIsIncompatible() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF("format1 MarketTick(underlying,symbol)");
        MarketTickSerializer.Snapshot older = new MarketTickSerializer.Snapshot();
        older.readSnapshot(older.getCurrentVersion(), new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(ticks.snapshotConfiguration().resolveSchemaCompatibility(older).isIncompatible()).isTrue();

        String current = new MarketTickSerializer.Snapshot().currentLayout();
        assertThat(current).startsWith("format" + Wire.FORMAT + " MarketTick(underlying,symbol,kind,");
        out.clear();
        out.writeUTF(current.replace("format" + Wire.FORMAT, "format" + (Wire.FORMAT + 1)));
        MarketTickSerializer.Snapshot otherEncoding = new MarketTickSerializer.Snapshot();
        otherEncoding.readSnapshot(1, new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(ticks.snapshotConfiguration().resolveSchemaCompatibility(otherEncoding).isIncompatible()).isTrue();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<MarketTick> avro = (TypeSerializerSnapshot) new AvroSerializer<>(MarketTick.class).snapshotConfiguration();
        assertThat(ticks.snapshotConfiguration().resolveSchemaCompatibility(avro).isIncompatible()).isTrue();
    }

    // ------------------------------------------------------------------------ portfolio inputs

    private static io.ballast.avro.internal.BookSummary summary(SplittableRandom r, double nulls) {
        io.ballast.avro.internal.BookSummary s = new io.ballast.avro.internal.BookSummary();
        s.setProviderId("mm-" + r.nextInt(100));
        s.setUnderlying(r.nextBoolean() ? "BTC" : "ΞTH");
        s.setAsOf(r.nextLong());
        s.setFill(r.nextBoolean());
        s.setReferencePrice(optional(r, nulls));
        s.setNetDelta(aDouble(r));
        s.setDollarGamma(aDouble(r));
        s.setVega(aDouble(r));
        s.setTheta(aDouble(r));
        s.setOptionValue(aDouble(r));
        s.setSpotValue(aDouble(r));
        s.setLinearPnl(aDouble(r));
        s.setPositions(r.nextInt());
        s.setUnpricedPositions(r.nextInt());
        s.setRealizedPnl(aDouble(r));
        s.setUnrealizedPnl(aDouble(r));
        s.setFees(aDouble(r));
        s.setExplainTo(r.nextLong());
        s.setExplainTotal(aDouble(r));
        s.setExplainDelta(aDouble(r));
        s.setExplainGamma(aDouble(r));
        s.setExplainVega(aDouble(r));
        s.setExplainTheta(aDouble(r));
        s.setColumnAsOf(r.nextLong());
        s.setScenarioSet(r.nextDouble() < nulls ? null : randomBytes(r, r.nextInt(3) == 0 ? 70_000 : 200));
        s.setScenarioFills(r.nextDouble() < nulls ? null : randomBytes(r, 64 * r.nextInt(4)));
        return s;
    }

    private static java.nio.ByteBuffer randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return java.nio.ByteBuffer.wrap(b);
    }

    @Test
    void portfolioInputsRoundTripFieldByFieldBitExact() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED);
        PortfolioInputSerializer inputs = PortfolioInputSerializer.INSTANCE;
        for (int i = 0; i < 2_000; i++) {
            io.ballast.avro.internal.PortfolioInput in = i % 3 == 0
                    ? io.ballast.avro.internal.PortfolioInput.newBuilder().setProviderId("mm-" + i).setHolding("deribit/BTC")
                            .setCollateral(i % 2 == 0 ? null : new io.ballast.avro.Collateral("mm-" + i, "deribit", "BTC",
                                    aDouble(r), java.time.Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L))))
                            .build()
                    : io.ballast.avro.internal.PortfolioInput.newBuilder().setProviderId("mm-" + i)
                            .setSummary(summary(r, i % 5 == 0 ? 1.0 : i % 5 == 1 ? 0.0 : 0.5)).build();
            assertSameFields(roundTrip(inputs, in), in, "input #" + i);
            assertThat(copied(inputs, bytes(inputs, in))).isEqualTo(bytes(inputs, in));
            assertSameFields(inputs.copy(in), in, "copy #" + i);
        }
        // A buffer that is a slice of a larger array is written as its remaining bytes.
        io.ballast.avro.internal.BookSummary s = summary(r, 0.0);
        s.setScenarioFills(java.nio.ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9}, 1, 3).slice());
        io.ballast.avro.internal.PortfolioInput in = io.ballast.avro.internal.PortfolioInput.newBuilder().setProviderId("x")
                .setSummary(s).build();
        assertThat(roundTrip(inputs, in).getSummary().getScenarioFills()).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(restored(inputs)).isSameAs(inputs);
    }

    // ------------------------------------------------------------------------------ schema guard

    /**
     * The hand-written serializers write exactly these schemas. When this fails, a schema changed:
     * change the serializer (and its field list) to write and read the new fields, then the expected
     * fingerprint here (the parsing canonical form covers nested records and enum symbols too).
     */
    @Test
    void theSchemasAreTheOnesTheSerializersWereWrittenFor() {
        assertFields(MarketTick.getClassSchema(), MarketTickSerializer.FIELDS, 2614370901073751639L);
        assertFields(MarketSnapshot.getClassSchema(), BroadcastEventSerializer.SNAPSHOT_FIELDS, 4865580899891872929L);
        assertFields(OptionIv.getClassSchema(), BroadcastEventSerializer.OPTION_FIELDS, 838299681396970743L);
        assertFields(LinearMark.getClassSchema(), BroadcastEventSerializer.LINEAR_FIELDS, -417983239739301512L);
        assertFields(SmileParams.getClassSchema(), BroadcastEventSerializer.SMILE_FIELDS, 6695139939771868869L);
        assertFields(io.ballast.avro.internal.PortfolioInput.getClassSchema(), PortfolioInputSerializer.INPUT_FIELDS, 7578360191258820186L);
        assertFields(io.ballast.avro.internal.BookSummary.getClassSchema(), PortfolioInputSerializer.SUMMARY_FIELDS, -7386990971546948617L);
        assertFields(io.ballast.avro.Collateral.getClassSchema(), PortfolioInputSerializer.COLLATERAL_FIELDS, 1746572902555089447L);
        assertThat(InstrumentKind.values()).as("InstrumentKind is written as an ordinal").containsExactly(
                InstrumentKind.SPOT, InstrumentKind.PERPETUAL, InstrumentKind.FUTURE, InstrumentKind.OPTION);
    }

    private static void assertFields(Schema schema, List<String> written, long fingerprint) {
        assertThat(schema.getFields().stream().map(Schema.Field::name).toList())
                .as("fields of %s, compared to those its hand-written serializer writes", schema.getFullName())
                .containsExactlyElementsOf(written);
        assertThat(SchemaNormalization.parsingFingerprint64(schema))
                .as("fingerprint of %s (types, order): a field changed type; update its serializer, then this fingerprint",
                        schema.getFullName())
                .isEqualTo(fingerprint);
    }

    // ----------------------------------------------------------------------------------- helpers

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes(serializer, value));
        T back = serializer.deserialize(in);
        assertThat(in.available()).as("bytes left unread").isZero();
        return back;
    }

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static <T> byte[] copied(TypeSerializer<T> serializer, byte[] bytes) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.copy(new DataInputDeserializer(bytes), out);
        return out.getCopyOfBuffer();
    }

    private <T> TypeSerializer<T> restored(TypeSerializer<T> serializer) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(read).isInstanceOf(serializer.snapshotConfiguration().getClass());
        TypeSerializerSchemaCompatibility<T> c = serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(c.isCompatibleAsIs()).isTrue();
        return read.restoreSerializer();
    }

    /**
     * Every field of every record, by the schema: doubles by their raw bits, maps by key (whatever
     * their order), lists by index.
     */
    private static void assertSameFields(Object actual, Object expected, String path) {
        if (expected == null || actual == null) {
            assertThat(actual).as(path).isEqualTo(expected);
        } else if (expected instanceof SpecificRecord e) {
            assertThat(actual).as(path).isInstanceOf(e.getClass());
            for (Schema.Field f : e.getSchema().getFields()) {
                assertSameFields(((SpecificRecord) actual).get(f.pos()), e.get(f.pos()), path + "." + f.name());
            }
        } else if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertThat(a.keySet()).as(path).isEqualTo(e.keySet());
            e.forEach((k, v) -> assertSameFields(a.get(k), v, path + "[" + k + "]"));
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertThat(a).as(path).hasSameSizeAs(e);
            for (int i = 0; i < e.size(); i++) {
                assertSameFields(a.get(i), e.get(i), path + "[" + i + "]");
            }
        } else if (expected instanceof Double e) {
            if (!(actual instanceof Double a) || Double.doubleToRawLongBits(a) != Double.doubleToRawLongBits(e)) {
                fail(path + ": expected bits of " + e + " " + Long.toHexString(Double.doubleToRawLongBits(e)) + ", got " + actual);
            }
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------------- random records

    private static double aDouble(SplittableRandom r) {
        return r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextDouble(-1e6, 1e6);
    }

    /** Each optional is null with probability {@code nulls}. */
    private static Double optional(SplittableRandom r, double nulls) {
        return r.nextDouble() < nulls ? null : aDouble(r);
    }

    private static String symbol(SplittableRandom r) {
        String[] underlyings = {"BTC", "ETH", "SOL", "ΞTH", "ビット"};
        return underlyings[r.nextInt(underlyings.length)] + "-" + (1 + r.nextInt(28)) + "DEC26-" + r.nextInt(200_000)
                + (r.nextBoolean() ? "-C" : "-P");
    }

    private static MarketTick tick(SplittableRandom r, double nulls) {
        MarketTick t = new MarketTick();
        t.setUnderlying(r.nextInt(10) == 0 ? "Ωmega-😀" : "BTC");
        t.setSymbol(symbol(r));
        t.setKind(InstrumentKind.values()[r.nextInt(4)]);
        t.setStrike(optional(r, nulls));
        t.setExpiry(r.nextDouble() < nulls ? null : r.nextLong());
        t.setCall(r.nextDouble() < nulls ? null : r.nextBoolean());
        t.setMultiplier(aDouble(r));
        t.setMid(optional(r, nulls));
        t.setForward(optional(r, nulls));
        t.setIv(optional(r, nulls));
        t.setIvSolved(r.nextBoolean());
        t.setEventTime(r.nextLong());
        t.setIngestMicros(r.nextLong());
        t.setBid(optional(r, nulls));
        t.setAsk(optional(r, nulls));
        t.setInverse(r.nextBoolean());
        t.setContractValue(optional(r, nulls));
        t.setVenue(r.nextDouble() < nulls ? null : r.nextBoolean() ? "DERIBIT" : "okx-ΞΞ");
        return t;
    }

    private static MarketSnapshot snapshot(SplittableRandom r, int options, int linear, int smiles, double nulls) {
        MarketSnapshot s = new MarketSnapshot();
        s.setUnderlying("BTC");
        s.setVersion(r.nextLong());
        s.setAsOf(r.nextLong());
        s.setReferencePrice(optional(r, nulls));
        s.setRealizedVol(optional(r, nulls));
        s.setRate(aDouble(r));
        List<SmileParams> fits = new ArrayList<>();
        for (int i = 0; i < smiles; i++) {
            fits.add(new SmileParams(r.nextLong(), aDouble(r), aDouble(r), r.nextBoolean(), aDouble(r), aDouble(r), aDouble(r),
                    aDouble(r), aDouble(r), aDouble(r), aDouble(r), r.nextInt(), aDouble(r), r.nextLong()));
        }
        s.setSmiles(fits);
        Map<String, OptionIv> ivs = new HashMap<>();
        while (ivs.size() < options) {
            ivs.put(symbol(r) + ivs.size(), new OptionIv(optional(r, nulls), optional(r, nulls), optional(r, nulls),
                    optional(r, nulls), optional(r, nulls), optional(r, nulls), r.nextDouble() < nulls ? null : r.nextLong(),
                    r.nextDouble() < nulls ? null : r.nextBoolean(), aDouble(r)));
        }
        s.setOptions(ivs);
        Map<String, LinearMark> marks = new HashMap<>();
        for (int i = 0; i < linear; i++) {
            marks.put("BTC-" + i, new LinearMark(InstrumentKind.values()[r.nextInt(4)], aDouble(r), aDouble(r), r.nextLong(),
                    r.nextBoolean(), optional(r, nulls)));
        }
        s.setLinear(marks);
        s.setIngestMicros(r.nextLong());
        return s;
    }
}
