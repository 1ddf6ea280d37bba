package io.ballast.domain;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The P&amp;L a book sends the portfolio, on random fills (opening, adding, closing to flat, crossing zero, in a
 * perpetual and an option): after every fill, realized + unrealized − fees = cash flows + Σ q·m·mark, with the
 * cash flows and marks kept by this test alone (positions closed to flat included: their P&amp;L stays).
 */
class BookPnlPropertyTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final double S = 50_000;
    private static final double F = 50_200;
    private static final double VOL = 0.7;

    @Property(tries = 200)
    void realizedPlusUnrealizedMinusFeesIsCashFlowsPlusMarks(@ForAll long seed) {
        Random random = new Random(seed);
        PipelineSettings settings = PipelineSettings.builder().portfolioEnabled(true).build();
        RiskLimits limits = settings.defaultLimits();
        InventoryBook book = InventoryBook.onHeap(settings);
        Instrument perp = TestRecords.perp("BTC");
        Instrument call = TestRecords.option("BTC", 52_000, Instant.ofEpochMilli(T0 + 20L * 86_400_000), OptionRight.CALL);
        Map<String, OptionIv> iv = new HashMap<>();
        iv.put(call.getSymbol(), OptionIv.newBuilder().setIv(VOL).setForward(F).setMid(null).build());
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(S).setMultiplier(1.0)
                .setEventTime(T0).build());
        MarketSnapshot market = MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(1).setAsOf(T0)
                .setReferencePrice(S).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(iv).setLinear(linear).setIngestMicros(0).build();
        double tau = (call.getExpiry().toEpochMilli() - T0) / PortfolioOracle.MILLIS_PER_YEAR;
        double callMark = PortfolioOracle.black76(true, F, 52_000, tau, VOL, 1);

        RecordedOutput sink = new RecordedOutput();
        List<BookSummary> out = sink.summaries;
        double cash = 0;
        double perpQty = 0;
        double callQty = 0;
        for (int i = 0; i < 40; i++) {
            boolean onPerp = random.nextBoolean();
            double held = onPerp ? perpQty : callQty;
            double qty;
            Side side;
            if (held != 0 && random.nextInt(4) == 0) { // close to flat exactly
                qty = Math.abs(held);
                side = held > 0 ? Side.SELL : Side.BUY;
            } else {
                qty = 1 + random.nextInt(20) / 4.0;
                side = random.nextBoolean() ? Side.BUY : Side.SELL;
            }
            double price = onPerp ? S * (0.9 + 0.2 * random.nextDouble()) : callMark * (0.5 + random.nextDouble());
            Trade t = TestRecords.trade("t" + i, "mm1", onPerp ? perp : call, side, qty, price, Instant.ofEpochMilli(T0));
            t.setFee(random.nextDouble() - 0.2); // rebates too
            double signed = side == Side.BUY ? qty : -qty;
            cash += -signed * price - t.getFee();
            if (onPerp) {
                perpQty += signed;
            } else {
                callQty += signed;
            }
            book.applyFill(t, market, limits, Limits.stamp(limits), sink);
            BookSummary s = out.get(out.size() - 1);
            double marks = perpQty * S + callQty * callMark;
            double scale = 1 + Math.abs(cash) + Math.abs(marks);
            assertThat(s.getRealizedPnl() + s.getUnrealizedPnl() - s.getFees()).as("fill %d", i)
                    .isCloseTo(cash + marks, within(1e-9 * scale));
            if (perpQty == 0) {
                assertThat(s.getLinearPnl()).as("a flat perpetual has no unrealized P&L, fill %d", i).isZero();
            }
            assertThat(s.getOptionValue()).isCloseTo(callQty * callMark, within(1e-9 * (1 + Math.abs(callQty * callMark))));
        }
    }

    private static MarketSnapshot market(long version, long asOf, double s, double f, double vol, Instrument... options) {
        Map<String, OptionIv> iv = new HashMap<>();
        for (Instrument o : options) {
            iv.put(o.getSymbol(), OptionIv.newBuilder().setIv(vol * (o.getStrike() > f ? 1.1 : 1.0)).setForward(f)
                    .setMid(null).build());
        }
        Map<String, LinearMark> linear = new HashMap<>();
        linear.put("BTC-PERP", LinearMark.newBuilder().setKind(InstrumentKind.PERPETUAL).setMid(s).setMultiplier(1.0)
                .setEventTime(asOf).build());
        linear.put("BTC-USD", LinearMark.newBuilder().setKind(InstrumentKind.SPOT).setMid(s).setMultiplier(1.0)
                .setEventTime(asOf).build());
        return MarketSnapshot.newBuilder().setUnderlying("BTC").setVersion(version).setAsOf(asOf)
                .setReferencePrice(s).setRealizedVol(null).setRate(0.0).setSmiles(new ArrayList<>())
                .setOptions(iv).setLinear(linear).setIngestMicros(0).build();
    }

    /**
     * The interval a fill ends is explained as the same interval ended by a plain re-mark: two books with the
     * same fills, the market moved, then one takes a fill (of a held option, a new one, the perpetual or the
     * spot; increasing, reducing, crossing zero or closing) and the other is re-marked.
     */
    @Property(tries = 200)
    void anIntervalEndedByAFillIsExplainedAsTheSameIntervalEndedByARemark(@ForAll long seed) {
        Random random = new Random(seed);
        PipelineSettings settings = PipelineSettings.builder().portfolioEnabled(true).build();
        RiskLimits limits = settings.defaultLimits();
        Instrument[] instruments = {
            TestRecords.perp("BTC"),
            Instrument.newBuilder().setSymbol("BTC-USD").setUnderlying("BTC").setKind(InstrumentKind.SPOT).build(),
            TestRecords.option("BTC", 48_000, Instant.ofEpochMilli(T0 + 20L * 86_400_000), OptionRight.PUT),
            TestRecords.option("BTC", 52_000, Instant.ofEpochMilli(T0 + 20L * 86_400_000), OptionRight.CALL),
            TestRecords.option("BTC", 60_000, Instant.ofEpochMilli(T0 + 90L * 86_400_000), OptionRight.CALL),
        };
        Instrument[] options = {instruments[2], instruments[3], instruments[4]};
        MarketSnapshot m1 = market(1, T0, S, F, VOL, options);
        double move = 1 + 0.02 * random.nextGaussian();
        MarketSnapshot m2 = market(2, T0 + 3_600_000, S * move, F * move, VOL + 0.05 * random.nextGaussian(), options);
        RecordedOutput a = new RecordedOutput();
        RecordedOutput b = new RecordedOutput();
        InventoryBook filled = InventoryBook.onHeap(settings);
        InventoryBook remarked = InventoryBook.onHeap(settings);
        Map<String, Double> held = new HashMap<>();
        int fills = 1 + random.nextInt(8);
        for (int i = 0; i < fills; i++) {
            Instrument ins = instruments[random.nextInt(instruments.length - 1)]; // the last one stays new
            Trade t = TestRecords.trade("t" + i, "mm1", ins, random.nextBoolean() ? Side.BUY : Side.SELL,
                    1 + random.nextInt(12) / 4.0, ins.getKind() == InstrumentKind.OPTION ? 2_000 : S * (0.98 + 0.04 * random.nextDouble()),
                    Instant.ofEpochMilli(T0));
            held.merge(ins.getSymbol(), (t.getSide() == Side.BUY ? 1 : -1) * t.getQuantity(), Double::sum);
            filled.applyFill(t, m1, limits, Limits.stamp(limits), a);
            remarked.applyFill(Trade.newBuilder(t).build(), m1, limits, Limits.stamp(limits), b);
        }
        Instrument ins = instruments[random.nextInt(instruments.length)];
        double q = held.getOrDefault(ins.getSymbol(), 0.0);
        double signed = q != 0 && random.nextInt(3) == 0 ? -q : (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(40) / 4.0);
        Trade last = TestRecords.trade("x", "mm1", ins, signed > 0 ? Side.BUY : Side.SELL, Math.abs(signed),
                ins.getKind() == InstrumentKind.OPTION ? 1_500 : S * move, Instant.ofEpochMilli(m2.getAsOf()));
        filled.applyFill(last, m2, limits, Limits.stamp(limits), a);
        assertThat(remarked.refresh(m2.getAsOf(), m2, limits, Limits.stamp(limits), b)).isTrue();
        BookSummary byFill = a.summaries.get(a.summaries.size() - 1);
        BookSummary byRemark = b.summaries.get(b.summaries.size() - 1);
        assertThat(byFill.getFill()).isTrue();
        assertThat(byRemark.getFill()).isFalse();
        assertThat(byRemark.getExplainTo()).as("the re-mark explains the interval").isEqualTo(m2.getAsOf());
        assertThat(byFill.getExplainTo()).as("the fill's explain ends where the re-mark's does").isEqualTo(m2.getAsOf());
        double scale = 1e-9 * (1 + Math.abs(byRemark.getExplainTotal()) + Math.abs(byRemark.getExplainDelta()));
        assertThat(byFill.getExplainTotal()).isCloseTo(byRemark.getExplainTotal(), within(scale));
        assertThat(byFill.getExplainDelta()).isCloseTo(byRemark.getExplainDelta(), within(scale));
        assertThat(byFill.getExplainGamma()).isCloseTo(byRemark.getExplainGamma(), within(scale));
        assertThat(byFill.getExplainVega()).isCloseTo(byRemark.getExplainVega(), within(scale));
        assertThat(byFill.getExplainTheta()).isCloseTo(byRemark.getExplainTheta(), within(scale));
    }
}
