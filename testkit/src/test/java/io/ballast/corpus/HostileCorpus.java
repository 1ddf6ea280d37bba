package io.ballast.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.avro.VolSkew;
import io.ballast.kafka.RejectReason;
import io.ballast.quant.Black76;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.testkit.BallastRig;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A seeded generator of hostile input for the real job, interleaved with good input, each record
 * labelled with what must become of it: the reject code of the contract, or nothing (good).
 *
 * <p>Bad: every reject code; null, empty, short and oversized values; bad magic bytes; unknown schema
 * ids; records of another type; unknown enum symbols; corrupt Avro (cut, trailing bytes, huge,
 * negative and over-long length varints, enum indexes out of range); NaN, infinities, zeros and
 * negative values where the contract forbids them; options quoted or filled past their expiry; events
 * from the far future or before 1970; malformed keys and ids; repeated trade ids.
 *
 * <p>Good, however odd: option prices below intrinsic or above the forward (no implied vol, not a
 * reject), zero bids and sizes, negative fees (rebates), quotes from a newer writer schema, quotes
 * older than the latest (ignored by the market stage, not rejected), fills out of order and hours late,
 * a trade id reused on another venue, a trade id reused after its first use was rejected, and one
 * provider ({@link #WHALE}) sending 90% of the fills.
 */
final class HostileCorpus {

    static final String WHALE = "whale";
    static final String MINNOW = "minnow";
    static final double WHALE_BAND = 3.0;
    static final double VOL = 0.6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OTHERS = List.of(MINNOW, "ghost", "p2", "p3");

    /** One record to send, and what must become of it. */
    static final class Item {
        final ProducerRecord<byte[], byte[]> record;
        /** The expected reject code; null for a good record. */
        final RejectReason reason;
        final String kind;

        Item(ProducerRecord<byte[], byte[]> record, RejectReason reason, String kind) {
            this.record = record;
            this.reason = reason;
            this.kind = kind;
        }
    }

    private final BallastRig rig;
    private final Random random;
    private final Instant now = TestRecords.now();
    private final Instant t0 = now.minus(Duration.ofMinutes(20));
    final Instant expiry = now.plus(Duration.ofDays(30));
    private final ConfluentRegistryClient registry;
    private final int quoteId;
    private final int tradeId;
    private final int limitsId;
    private final int skewId;

    final List<Item> limits = new ArrayList<>();
    final List<Item> quotes = new ArrayList<>();
    final List<Item> trades = new ArrayList<>();
    /** The first whale fill: with the whale's limits applied it must trigger a hedge. */
    Item probe;
    /** Exact signed sum of the good distinct fills per provider/UNDERLYING. */
    final Map<String, BigDecimal> positions = new TreeMap<>();
    /** Good distinct fills per provider. */
    final Map<String, Integer> fillsByProvider = new TreeMap<>();
    /** Mid of the latest good BTC perpetual quote: the reference price BTC books must be marked at. */
    double btcReference;
    private final List<Trade> goodTrades = new ArrayList<>();

    HostileCorpus(BallastRig rig, long seed) throws IOException {
        this.rig = rig;
        this.random = new Random(seed);
        this.registry = new ConfluentRegistryClient(RegistryConfig.builder(rig.registryUrl()).build());
        quoteId = registry.register(rig.quotes + "-value", Quote.getClassSchema());
        tradeId = registry.register(rig.trades + "-value", Trade.getClassSchema());
        limitsId = registry.register(rig.limits + "-value", RiskLimits.getClassSchema());
        skewId = registry.register(rig.skew + "-value", VolSkew.getClassSchema());
        buildLimits();
        buildQuotes();
        buildTrades();
    }

    // ------------------------------------------------------------------------------ limits

    private RiskLimits goodLimits(String provider, String underlying, double band) {
        RiskLimits l = TestRecords.limits(provider, underlying);
        l.setDeltaBand(band);
        l.setBandMode(BandMode.FIXED);
        l.setMinHedgeQuantity(0.001);
        l.setHedgeTimeoutMs(3_600_000);
        l.setGammaLimit(null);
        l.setVegaLimit(null);
        return l;
    }

    private void buildLimits() throws IOException {
        List<Item> bad = new ArrayList<>();
        badLimits(bad, "key of another provider", "other", l -> { });
        badLimits(bad, "no key", null, l -> { });
        badLimits(bad, "negative band", WHALE, l -> l.setDeltaBand(-1));
        badLimits(bad, "NaN target", WHALE, l -> l.setDeltaTarget(Double.NaN));
        badLimits(bad, "infinite hedge cost", WHALE, l -> l.setHedgeCostBps(Double.POSITIVE_INFINITY));
        badLimits(bad, "negative minimum hedge", WHALE, l -> l.setMinHedgeQuantity(-0.5));
        badLimits(bad, "zero risk aversion", WHALE, l -> l.setRiskAversion(0));
        badLimits(bad, "negative fill intensity", WHALE, l -> l.setFillIntensity(-1.5));
        badLimits(bad, "zero hedge timeout", WHALE, l -> l.setHedgeTimeoutMs(0));
        badLimits(bad, "negative quote horizon", WHALE, l -> l.setQuoteHorizonMs(-60_000));
        badLimits(bad, "zero gamma limit", WHALE, l -> l.setGammaLimit(0.0));
        badLimits(bad, "NaN vega limit", WHALE, l -> l.setVegaLimit(Double.NaN));
        badLimits(bad, "blank hedge instrument", WHALE, l -> l.setHedgeInstrument("  "));
        RiskLimits slashed = goodLimits("a/b", null, 1);
        bad.add(new Item(rig.record(rig.limits, "a/b", slashed), RejectReason.INVALID_FIELD, "provider id with a slash"));
        bad.add(new Item(record(rig.limits, null, null), RejectReason.NULL_VALUE, "tombstone without a key"));
        bad.add(new Item(record(rig.limits, "a/b/c", null), RejectReason.NULL_VALUE, "tombstone with a malformed key"));
        bad.add(new Item(record(rig.limits, "/BTC", null), RejectReason.NULL_VALUE, "tombstone with a blank provider"));
        bad.add(new Item(record(rig.limits, WHALE, frame(tradeId, TestRecords.trade("x", WHALE, TestRecords.perp("BTC"),
                Side.BUY, 1, 1, now))), RejectReason.INCOMPATIBLE_SCHEMA, "a Trade on risk-limits"));
        Schema adaptive = withEnumSymbol(RiskLimits.getClassSchema(), "bandMode", "ADAPTIVE");
        GenericRecord g = generic(goodLimits(WHALE, null, 1), adaptive);
        g.put("bandMode", new GenericData.EnumSymbol(adaptive.getField("bandMode").schema(), "ADAPTIVE"));
        bad.add(new Item(record(rig.limits, WHALE, frame(register(rig.limits, adaptive), adaptive, g)),
                RejectReason.UNKNOWN_ENUM_SYMBOL, "band mode ADAPTIVE"));
        raw(bad, rig.limits, WHALE, limitsId);

        // In order: the minnow's limits, their deletion, then the whale's. Bad records in between.
        List<Item> good = List.of(
                new Item(rig.record(rig.limits, MINNOW, goodLimits(MINNOW, null, 1.0)), null, "limits of the minnow"),
                new Item(rig.record(rig.limits, "p2/ETH", goodLimits("p2", "ETH", 2.0)), null, "limits of p2 in ETH"),
                new Item(record(rig.limits, "nobody", null), null, "tombstone of limits that never were"),
                new Item(record(rig.limits, MINNOW, null), null, "tombstone: the minnow's limits deleted"),
                new Item(rig.record(rig.limits, WHALE, goodLimits(WHALE, null, WHALE_BAND)), null, "limits of the whale"));
        interleave(limits, good, bad);
    }

    /** Limits of the whale, spoilt, under {@code key} (null: no key). */
    private void badLimits(List<Item> out, String kind, String key, Consumer<RiskLimits> spoil) {
        RiskLimits l = goodLimits(WHALE, null, 1);
        spoil.accept(l);
        out.add(new Item(rig.record(rig.limits, key, l), RejectReason.INVALID_FIELD, kind));
    }

    // ------------------------------------------------------------------------------ quotes

    private void buildQuotes() throws IOException {
        List<Item> good = new ArrayList<>();
        List<Item> bad = new ArrayList<>();
        double btc = 100_000;
        double eth = 3_000;
        Instant last = t0;
        List<Quote> stale = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            last = t0.plusMillis(2_000L * i);
            btc *= Math.exp(0.0008 * random.nextGaussian());
            eth *= Math.exp(0.001 * random.nextGaussian());
            Quote b = TestRecords.quote(TestRecords.perp("BTC"), btc - 0.5, btc + 0.5, last);
            good.add(new Item(quote(b), null, "BTC perpetual"));
            good.add(new Item(quote(TestRecords.quote(TestRecords.perp("ETH"), eth - 0.05, eth + 0.05, last)), null,
                    "ETH perpetual"));
            if (i % 10 == 5) {
                stale.add(TestRecords.quote(TestRecords.perp("BTC"), btc * 0.9 - 0.5, btc * 0.9 + 0.5, last.minusSeconds(30)));
            }
        }
        btcReference = btc;
        for (Quote q : stale) {
            good.add(new Item(quote(q), null, "perpetual quote older than the latest (ignored)"));
        }
        Instant chainAt = last.minusSeconds(1);
        double f = 100_000;
        double tau = (expiry.toEpochMilli() - chainAt.toEpochMilli()) / 31_536_000_000.0;
        for (double k = 80_000; k <= 120_000; k += 5_000) {
            for (OptionRight right : OptionRight.values()) {
                double v = Black76.price(right == OptionRight.CALL, f, k, tau, VOL, 1.0);
                good.add(new Item(quote(option(k, right, v * (1 - 1e-9), v * (1 + 1e-9), f, chainAt)), null, "option"));
            }
        }
        good.add(new Item(quote(option(60_000, OptionRight.CALL, 30_000, 30_001, f, chainAt)), null,
                "option below intrinsic (no implied vol)"));
        good.add(new Item(quote(option(200_000, OptionRight.CALL, 100_500, 100_600, f, chainAt)), null,
                "option above the forward (no implied vol)"));
        Instrument spot = spot("BTC");
        good.add(new Item(quote(TestRecords.quote(spot, 0, btc, chainAt)), null, "zero bid"));
        Quote zeroSizes = TestRecords.quote(spot, btc - 1, btc + 1, chainAt);
        zeroSizes.setBidSize(0.0);
        zeroSizes.setAskSize(0.0);
        good.add(new Item(quote(zeroSizes), null, "zero sizes"));
        Schema newer = withField(Quote.getClassSchema(), "receivedAt", "long", 0);
        GenericRecord n = generic(TestRecords.quote(spot, btc - 2, btc + 2, chainAt), newer);
        n.put("receivedAt", chainAt.toEpochMilli());
        good.add(new Item(record(rig.quotes, spot.getSymbol(), frame(register(rig.quotes, newer), newer, n)), null,
                "quote from a newer writer schema"));

        Instrument perp = TestRecords.perp("BTC");
        for (int i = 0; i < 2; i++) { // each kind twice, with different values
            double p = btc * (1 + 0.01 * random.nextGaussian());
            Instant at = t0.plusMillis(random.nextInt(300_000));
            badQuote(bad, "NaN bid", TestRecords.quote(perp, Double.NaN, p, at));
            badQuote(bad, "infinite ask", TestRecords.quote(perp, p, Double.POSITIVE_INFINITY, at));
            badQuote(bad, "negative infinite bid", TestRecords.quote(perp, Double.NEGATIVE_INFINITY, p, at));
            badQuote(bad, "negative bid", TestRecords.quote(perp, -p, p, at));
            badQuote(bad, "zero ask", TestRecords.quote(perp, 0, 0, at));
            badQuote(bad, "crossed", TestRecords.quote(perp, p + 10, p, at));
            Quote sizes = TestRecords.quote(perp, p - 1, p + 1, at);
            sizes.setBidSize(-1.0);
            badQuote(bad, "negative size", sizes);
            Quote nanSize = TestRecords.quote(perp, p - 1, p + 1, at);
            nanSize.setAskSize(Double.NaN);
            badQuote(bad, "NaN size", nanSize);
            Quote fwd = option(100_000, OptionRight.CALL, 1_000, 1_100, 0, at);
            badQuote(bad, "zero forward", fwd);
            badQuote(bad, "option past its expiry", option(100_000, OptionRight.PUT, 10, 11, f, expiry.plusSeconds(1)));
            Quote expired = option(100_000, OptionRight.CALL, 10, 11, f, at);
            expired.getInstrument().setExpiry(at.minusSeconds(3600));
            badQuote(bad, "option expired an hour before the quote", expired);
            badQuote(bad, "option without strike", withInstrument(perp, p, at, b -> b.setKind(InstrumentKind.OPTION)
                    .setExpiry(expiry).setRight(OptionRight.CALL)));
            badQuote(bad, "option with zero strike", option(0, OptionRight.CALL, 1, 2, f, at));
            badQuote(bad, "option with negative strike", option(-100_000, OptionRight.CALL, 1, 2, f, at));
            badQuote(bad, "perpetual with a strike", withInstrument(perp, p, at, b -> b.setStrike(100_000.0)));
            badQuote(bad, "perpetual with an expiry", withInstrument(perp, p, at, b -> b.setExpiry(expiry)));
            badQuote(bad, "future without expiry", withInstrument(perp, p, at, b -> b.setKind(InstrumentKind.FUTURE)));
            badQuote(bad, "zero multiplier", withInstrument(perp, p, at, b -> b.setMultiplier(0)));
            badQuote(bad, "NaN multiplier", withInstrument(perp, p, at, b -> b.setMultiplier(Double.NaN)));
            badQuote(bad, "underlying with a slash", withInstrument(perp, p, at, b -> b.setUnderlying("BTC/USD")));
            badQuote(bad, "blank symbol", withInstrument(perp, p, at, b -> b.setSymbol(" ")));
            Quote venue = TestRecords.quote(perp, p - 1, p + 1, at);
            venue.setVenue("");
            badQuote(bad, "blank venue", venue);
            // The contract names options only ("an option quote is before its expiry"); the job rejects a
            // future quoted at or after its expiry too.
            badQuote(bad, "future quoted after its expiry", TestRecords.quote(future("BTC", at.minusSeconds(1)), p - 1, p + 1, at));
            badQuote(bad, "a day in the future", TestRecords.quote(perp, p - 1, p + 1, now.plus(Duration.ofDays(1))));
            badQuote(bad, "before 1970", TestRecords.quote(perp, p - 1, p + 1, Instant.ofEpochMilli(-1_000)));
            badQuote(bad, "at the epoch", TestRecords.quote(perp, p - 1, p + 1, Instant.EPOCH));
        }
        bad.add(new Item(record(rig.quotes, "BTC-PERP", frame(tradeId, TestRecords.trade("q", WHALE, perp, Side.BUY, 1, 1, now))),
                RejectReason.INCOMPATIBLE_SCHEMA, "a Trade on quotes"));
        VolSkew skew = VolSkew.newBuilder().setUnderlying("BTC").setExpiry(expiry).setForward(f).setTimeToExpiry(0.1)
                .setAtmVol(0.5).setPoints(3).setRmse(0).setAsOf(now).build();
        bad.add(new Item(record(rig.quotes, "BTC-PERP", frame(skewId, skew)), RejectReason.INCOMPATIBLE_SCHEMA,
                "a VolSkew (an output) on quotes"));
        Schema bidText = retyped(Quote.getClassSchema(), "bid", "string");
        bad.add(new Item(record(rig.quotes, "BTC-PERP", frame(register(rig.quotes, bidText), bidText,
                generic(TestRecords.quote(perp, 1, 2, now), bidText))), RejectReason.INCOMPATIBLE_SCHEMA,
                "a Quote whose bid is a string"));
        Schema index = withInstrumentKind(Quote.getClassSchema(), "INDEX");
        GenericRecord indexQuote = generic(TestRecords.quote(perp, 1, 2, now), index);
        ((GenericRecord) indexQuote.get("instrument")).put("kind",
                new GenericData.EnumSymbol(index.getField("instrument").schema().getField("kind").schema(), "INDEX"));
        bad.add(new Item(record(rig.quotes, "BTC-INDEX", frame(register(rig.quotes, index), index, indexQuote)),
                RejectReason.UNKNOWN_ENUM_SYMBOL, "instrument kind INDEX"));
        Schema manyKinds = withInstrumentKind(withInstrumentKind(withInstrumentKind(withInstrumentKind(withInstrumentKind(
                withInstrumentKind(Quote.getClassSchema(), "K4"), "K5"), "K6"), "K7"), "K8"), "K9");
        GenericRecord outOfRange = generic(TestRecords.quote(perp, 1, 2, now), manyKinds);
        ((GenericRecord) outOfRange.get("instrument")).put("kind",
                new GenericData.EnumSymbol(manyKinds.getField("instrument").schema().getField("kind").schema(), "K9"));
        bad.add(new Item(record(rig.quotes, "BTC-PERP", frame(quoteId, manyKinds, outOfRange)), RejectReason.CORRUPT_AVRO,
                "enum index 9 of a 4-symbol enum, under the real schema id"));
        byte[] large = new byte[70_000];
        random.nextBytes(large);
        Quote huge = TestRecords.quote(perp, 1, 2, now);
        huge.setVenue(new String(large, StandardCharsets.ISO_8859_1).replaceAll("[^a-z]", "v"));
        bad.add(new Item(rig.record(rig.quotes, "BTC-PERP", huge), RejectReason.OVERSIZED, "a valid quote of 70 KB"));
        raw(bad, rig.quotes, "BTC-PERP", quoteId);
        interleave(quotes, good, bad);
    }

    private Quote option(double strike, OptionRight right, double bid, double ask, double forward, Instant at) {
        Instrument o = Instrument.newBuilder().setSymbol("BTC-" + expiry.toEpochMilli() + "-" + (long) strike + "-" + right.name().charAt(0))
                .setUnderlying("BTC").setKind(InstrumentKind.OPTION).setStrike(strike).setExpiry(expiry).setRight(right)
                .setMultiplier(1.0).build();
        Quote q = TestRecords.quote(o, bid, ask, at);
        q.setUnderlyingPrice(forward);
        return q;
    }

    private static Instrument spot(String underlying) {
        return Instrument.newBuilder(TestRecords.perp(underlying)).setSymbol(underlying + "-USD").setKind(InstrumentKind.SPOT)
                .build();
    }

    private static Instrument future(String underlying, Instant expiry) {
        return Instrument.newBuilder(TestRecords.perp(underlying)).setSymbol(underlying + "-FUT").setKind(InstrumentKind.FUTURE)
                .setExpiry(expiry).build();
    }

    private static Quote withInstrument(Instrument base, double p, Instant at, Consumer<Instrument.Builder> change) {
        Instrument.Builder b = Instrument.newBuilder(base);
        change.accept(b);
        return TestRecords.quote(b.build(), p - 1, p + 1, at);
    }

    private ProducerRecord<byte[], byte[]> quote(Quote q) {
        return rig.record(rig.quotes, q.getInstrument().getSymbol(), q);
    }

    private void badQuote(List<Item> out, String kind, Quote q) {
        out.add(new Item(quote(q), RejectReason.INVALID_FIELD, kind));
    }

    // ------------------------------------------------------------------------------ trades

    private void buildTrades() throws IOException {
        List<Trade> good = new ArrayList<>();
        Instant fut = now.plus(Duration.ofDays(90));
        List<Instrument> whaleBook = List.of(TestRecords.perp("BTC"), spot("BTC"), future("BTC", fut), TestRecords.perp("ETH"));
        Trade first = TestRecords.trade("w-probe", WHALE, TestRecords.perp("BTC"), Side.BUY, 10, 100_000, t0);
        for (int i = 0; i < 1_200; i++) {
            boolean whale = random.nextInt(10) != 0;
            String provider = whale ? WHALE : OTHERS.get(random.nextInt(OTHERS.size()));
            Instrument ins = whale ? whaleBook.get(random.nextInt(whaleBook.size()))
                    : TestRecords.perp(provider.equals("ghost") || random.nextBoolean() ? "ETH" : "BTC");
            double qty = Math.round(random.nextDouble() * 2e4) / 1e4 + 1e-4;
            Side side = random.nextInt(10) < (whale ? 6 : 5) ? Side.BUY : Side.SELL;
            Instant at = random.nextInt(20) == 0
                    ? now.minus(Duration.ofHours(6)).plusMillis(random.nextInt(3_600_000)) // very late
                    : t0.plusMillis(random.nextInt(900_000)); // out of order
            Trade t = TestRecords.trade("t" + i, provider, ins, side, qty, ins.getUnderlying().equals("BTC") ? 100_000 : 3_000, at);
            if (random.nextInt(15) == 0) {
                t.setFee(-0.05); // a rebate
            }
            if (random.nextInt(40) == 0) {
                t.setSignalId(WHALE + "/BTC/DELTA_HEDGE/999999"); // names a signal the job never sent
            }
            good.add(t);
        }
        Trade otherVenue = Trade.newBuilder(good.get(3)).setVenue("OKX").build();
        good.add(otherVenue);
        // The contract makes (venue, tradeId) unique; the job dedupes per provider/UNDERLYING, so the same
        // venue and trade id in another provider's book is applied, not rejected as DUPLICATE_TRADE.
        Trade sameIdOtherBook = Trade.newBuilder(good.get(5)).setProviderId(good.get(5).getProviderId().equals("p3") ? "p2" : "p3")
                .build();
        good.add(sameIdOtherBook);

        List<Item> bad = new ArrayList<>();
        Instrument perp = TestRecords.perp("BTC");
        for (int i = 0; i < 2; i++) {
            Instant at = t0.plusMillis(random.nextInt(900_000));
            String id = "bad" + i + "-";
            badTrade(bad, "zero quantity", TestRecords.trade(id + 1, WHALE, perp, Side.BUY, 0, 100_000, at));
            badTrade(bad, "negative quantity", TestRecords.trade(id + 2, WHALE, perp, Side.SELL, -1, 100_000, at));
            badTrade(bad, "NaN quantity", TestRecords.trade(id + 3, WHALE, perp, Side.BUY, Double.NaN, 100_000, at));
            badTrade(bad, "infinite quantity", TestRecords.trade(id + 4, WHALE, perp, Side.BUY, Double.POSITIVE_INFINITY, 1, at));
            badTrade(bad, "zero price", TestRecords.trade(id + 5, WHALE, perp, Side.BUY, 1, 0, at));
            badTrade(bad, "negative price", TestRecords.trade(id + 6, WHALE, perp, Side.BUY, 1, -100, at));
            badTrade(bad, "NaN price", TestRecords.trade(id + 7, WHALE, perp, Side.BUY, 1, Double.NaN, at));
            Trade fee = TestRecords.trade(id + 8, WHALE, perp, Side.BUY, 1, 100_000, at);
            fee.setFee(Double.NEGATIVE_INFINITY);
            badTrade(bad, "infinite fee", fee);
            badTrade(bad, "blank trade id", TestRecords.trade(" ", WHALE, perp, Side.BUY, 1, 100_000, at));
            Trade venue = TestRecords.trade(id + 9, WHALE, perp, Side.BUY, 1, 100_000, at);
            venue.setVenue("");
            badTrade(bad, "blank venue", venue);
            badTrade(bad, "provider with a slash", TestRecords.trade(id + 10, "whale/2", perp, Side.BUY, 1, 100_000, at));
            badTrade(bad, "blank provider", TestRecords.trade(id + 11, "", perp, Side.BUY, 1, 100_000, at));
            Trade signal = TestRecords.trade(id + 12, WHALE, perp, Side.BUY, 1, 100_000, at);
            signal.setSignalId(" ");
            badTrade(bad, "blank signal id", signal);
            badTrade(bad, "a day in the future", TestRecords.trade(id + 13, WHALE, perp, Side.BUY, 1, 100_000, now.plus(Duration.ofDays(1))));
            badTrade(bad, "before 1970", TestRecords.trade(id + 14, WHALE, perp, Side.BUY, 1, 100_000, Instant.ofEpochMilli(-86_400_000)));
            Instrument expired = Instrument.newBuilder(option(90_000, OptionRight.PUT, 1, 2, 1, at).getInstrument())
                    .setExpiry(at.minusSeconds(60)).build();
            badTrade(bad, "option filled after its expiry", TestRecords.trade(id + 15, WHALE, expired, Side.SELL, 1, 10, at));
            badTrade(bad, "option without a right", TestRecords.trade(id + 16, WHALE, Instrument.newBuilder(expired)
                    .setExpiry(expiry).setRight(null).build(), Side.BUY, 1, 10, at));
            badTrade(bad, "spot with an expiry", TestRecords.trade(id + 17, WHALE, Instrument.newBuilder(spot("BTC"))
                    .setExpiry(expiry).build(), Side.BUY, 1, 100_000, at));
            badTrade(bad, "negative multiplier", TestRecords.trade(id + 18, WHALE, Instrument.newBuilder(perp)
                    .setMultiplier(-1).build(), Side.BUY, 1, 100_000, at));
            badTrade(bad, "blank underlying", TestRecords.trade(id + 19, WHALE, Instrument.newBuilder(perp)
                    .setUnderlying(" ").build(), Side.BUY, 1, 100_000, at));
        }
        // A trade id first used by a fill that is rejected, then by a good one: the good one is applied.
        badTrade(bad, "zero quantity (its id is used again by a good fill)",
                TestRecords.trade("reused-after-reject", MINNOW, perp, Side.BUY, 0, 100_000, t0));
        good.add(TestRecords.trade("reused-after-reject", MINNOW, perp, Side.BUY, 1.5, 100_000, t0.plusSeconds(1)));

        bad.add(new Item(record(rig.trades, WHALE, frame(quoteId, TestRecords.quote(perp, 1, 2, now))),
                RejectReason.INCOMPATIBLE_SCHEMA, "a Quote on trades"));
        bad.add(new Item(record(rig.trades, WHALE, frame(limitsId, goodLimits(WHALE, null, 1))),
                RejectReason.INCOMPATIBLE_SCHEMA, "a RiskLimits on trades"));
        Schema cross = withEnumSymbol(Trade.getClassSchema(), "side", "CROSS");
        GenericRecord crossed = generic(TestRecords.trade("cross-1", WHALE, perp, Side.BUY, 1, 100_000, now), cross);
        crossed.put("side", new GenericData.EnumSymbol(cross.getField("side").schema(), "CROSS"));
        bad.add(new Item(record(rig.trades, WHALE, frame(register(rig.trades, cross), cross, crossed)),
                RejectReason.UNKNOWN_ENUM_SYMBOL, "side CROSS"));
        raw(bad, rig.trades, WHALE, tradeId);

        // Sent in a shuffled order (out of order in event time), the probe first, repeats mixed in.
        List<Trade> order = new ArrayList<>(good);
        Collections.shuffle(order, random);
        order.add(0, first);
        List<Trade> withRepeats = new ArrayList<>(order);
        for (int i = 0; i < 80; i++) {
            Trade again = order.get(random.nextInt(order.size()));
            withRepeats.add(1 + random.nextInt(withRepeats.size()), Trade.newBuilder(again).build());
        }
        List<Item> goodItems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Trade t : withRepeats) {
            String id = t.getProviderId() + "/" + t.getInstrument().getUnderlying() + "|" + t.getVenue() + "|" + t.getTradeId();
            boolean repeat = !seen.add(id);
            Item item = new Item(rig.record(rig.trades, t.getProviderId(), t), repeat ? RejectReason.DUPLICATE_TRADE : null,
                    repeat ? "repeated trade id" : t.getProviderId().equals(WHALE) ? "fill of the whale" : "fill");
            if (!repeat) {
                goodTrades.add(t);
                BigDecimal q = new BigDecimal(t.getQuantity());
                positions.merge(t.getProviderId() + "/" + t.getInstrument().getUnderlying(),
                        t.getSide() == Side.BUY ? q : q.negate(), BigDecimal::add);
                fillsByProvider.merge(t.getProviderId(), 1, Integer::sum);
            }
            if (t == first) {
                probe = item;
            } else {
                goodItems.add(item);
            }
        }
        interleave(trades, goodItems, bad);
    }

    private void badTrade(List<Item> out, String kind, Trade t) {
        out.add(new Item(rig.record(rig.trades, t.getProviderId().isBlank() ? "blank" : t.getProviderId(), t),
                RejectReason.INVALID_FIELD, kind));
    }

    // -------------------------------------------------------------------- bytes of any topic

    /** Values that are not Confluent-framed Avro of the topic's type at all. */
    private void raw(List<Item> out, String topic, String key, int realId) {
        if (!topic.equals(rig.limits)) { // there, a keyed tombstone deletes: good, and sent on purpose elsewhere
            out.add(new Item(record(topic, key, null), RejectReason.NULL_VALUE, "null value (tombstone)"));
        }
        out.add(new Item(record(topic, key, new byte[0]), RejectReason.TRUNCATED, "empty value"));
        for (int n = 1; n < 5; n++) {
            out.add(new Item(record(topic, key, Arrays.copyOf(new byte[] {0, 0, 0, 1}, n)), RejectReason.TRUNCATED,
                    n + " byte(s)"));
        }
        out.add(new Item(record(topic, key, "{\"bid\": 1.0}".getBytes(StandardCharsets.UTF_8)), RejectReason.BAD_MAGIC_BYTE,
                "JSON"));
        out.add(new Item(record(topic, key, new byte[] {1, 0, 0, 0, (byte) realId, 2, 4}), RejectReason.BAD_MAGIC_BYTE,
                "magic byte 1"));
        out.add(new Item(record(topic, key, new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 0, 0}), RejectReason.BAD_MAGIC_BYTE,
                "magic byte 0xff"));
        out.add(new Item(record(topic, key, header(0x7fff_fff0)), RejectReason.UNKNOWN_SCHEMA, "unknown schema id"));
        out.add(new Item(record(topic, key, concat(header(-7), new byte[] {2, 'x'})), RejectReason.UNKNOWN_SCHEMA,
                "negative schema id"));
        out.add(new Item(record(topic, key, header(realId)), RejectReason.CORRUPT_AVRO, "header without a body"));
        out.add(new Item(record(topic, key, concat(header(realId), varint(0x7fff_fff0L), "abc".getBytes(StandardCharsets.UTF_8))),
                RejectReason.CORRUPT_AVRO, "string length varint 2^31-16"));
        out.add(new Item(record(topic, key, concat(header(realId), varint(48L << 20), "abc".getBytes(StandardCharsets.UTF_8))),
                RejectReason.CORRUPT_AVRO, "string length varint 48 MiB in a 9-byte message"));
        out.add(new Item(record(topic, key, concat(header(realId), varint(-5), "abc".getBytes(StandardCharsets.UTF_8))),
                RejectReason.CORRUPT_AVRO, "negative string length"));
        byte[] overlong = new byte[11];
        Arrays.fill(overlong, (byte) 0xff);
        overlong[10] = 1;
        out.add(new Item(record(topic, key, concat(header(realId), overlong)), RejectReason.CORRUPT_AVRO,
                "varint of 11 bytes"));
        byte[] noise = new byte[40];
        random.nextBytes(noise);
        noise[0] = (byte) 0x80; // a length varint that never ends within the first byte
        out.add(new Item(record(topic, key, concat(header(realId), noise)), RejectReason.CORRUPT_AVRO, "random body"));
        byte[] good = topic.equals(rig.quotes) ? frame(realId, TestRecords.quote(TestRecords.perp("BTC"), 1, 2, now))
                : topic.equals(rig.trades) ? frame(realId, TestRecords.trade("cut", WHALE, TestRecords.perp("BTC"), Side.BUY, 1, 1, now))
                : frame(realId, goodLimits(WHALE, null, 1));
        out.add(new Item(record(topic, key, Arrays.copyOf(good, good.length - 4)), RejectReason.CORRUPT_AVRO, "cut short"));
        out.add(new Item(record(topic, key, concat(good, new byte[] {0, 0})), RejectReason.CORRUPT_AVRO,
                "trailing bytes"));
        byte[] big = new byte[70_000];
        random.nextBytes(big);
        System.arraycopy(header(realId), 0, big, 0, 5);
        out.add(new Item(record(topic, key, big), RejectReason.OVERSIZED, "70 KB of noise"));
    }

    // ------------------------------------------------------------------------------ helpers

    /** Good items in their order, bad ones inserted at seeded random places. */
    private void interleave(List<Item> out, List<Item> good, List<Item> bad) {
        out.addAll(good);
        for (Item b : bad) {
            out.add(random.nextInt(out.size() + 1), b);
        }
    }

    private int register(String topic, Schema schema) {
        try {
            return registry.register(topic + "-hostile-" + schema.hashCode() + "-value", schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static byte[] header(int id) {
        return ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Avro's zig-zag varint of {@code n}. */
    private static byte[] varint(long n) {
        long z = (n << 1) ^ (n >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    static byte[] frame(int id, SpecificRecord datum) {
        return frame(id, datum.getSchema(), datum);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static byte[] frame(int id, Schema schema, Object datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(header(id));
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            if (datum instanceof SpecificRecord) {
                new SpecificDatumWriter(schema).write(datum, enc);
            } else {
                new GenericDatumWriter(schema).write(datum, enc);
            }
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} (a specific record) as a generic record of {@code schema}, matching fields by name. */
    static GenericRecord generic(IndexedRecord value, Schema schema) {
        return (GenericRecord) convert(value, schema);
    }

    private static Object convert(Object v, Schema target) {
        switch (target.getType()) {
            case UNION:
                if (v == null) {
                    return null;
                }
                for (Schema branch : target.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        return convert(v, branch);
                    }
                }
                throw new IllegalArgumentException("No branch for " + v + " in " + target);
            case RECORD:
                IndexedRecord in = (IndexedRecord) v;
                GenericData.Record out = new GenericData.Record(target);
                for (Schema.Field f : target.getFields()) {
                    Schema.Field from = in.getSchema().getField(f.name());
                    out.put(f.name(), from == null ? GenericData.get().getDefaultValue(f) : convert(in.get(from.pos()), f.schema()));
                }
                return out;
            case ENUM:
                return new GenericData.EnumSymbol(target, v.toString());
            case LONG:
                return v instanceof Instant ? ((Instant) v).toEpochMilli() : v;
            case STRING:
                return v.toString();
            default:
                return v;
        }
    }

    private static Schema edit(Schema schema, Consumer<ObjectNode> change) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
            change.accept(json);
            return new Schema.Parser().parse(JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode field(JsonNode record, String name) {
        for (JsonNode f : record.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("No field " + name);
    }

    static Schema withEnumSymbol(Schema schema, String enumField, String symbol) {
        return edit(schema, json -> ((ArrayNode) field(json, enumField).get("type").get("symbols")).add(symbol));
    }

    static Schema withInstrumentKind(Schema quote, String symbol) {
        return edit(quote, json -> ((ArrayNode) field(field(json, "instrument").get("type"), "kind").get("type")
                .get("symbols")).add(symbol));
    }

    static Schema withField(Schema schema, String name, String type, Object defaultValue) {
        return edit(schema, json -> ((ArrayNode) json.get("fields")).add(JSON.createObjectNode().put("name", name)
                .put("type", type).set("default", JSON.valueToTree(defaultValue))));
    }

    static Schema retyped(Schema schema, String name, String type) {
        return edit(schema, json -> ((ObjectNode) field(json, name)).put("type", type));
    }

    /** All items, every topic. */
    List<Item> all() {
        List<Item> all = new ArrayList<>(limits);
        all.addAll(quotes);
        all.add(probe);
        all.addAll(trades);
        return all;
    }

    List<Trade> goodTrades() {
        return goodTrades;
    }
}
