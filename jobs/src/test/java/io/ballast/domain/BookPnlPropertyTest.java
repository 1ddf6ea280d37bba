package io.ballast.domain;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
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

        List<BookSummary> out = new ArrayList<>();
        InventoryBook.Output sink = new InventoryBook.Output() {
            @Override
            public void risk(RiskSnapshot snapshot) {
            }

            @Override
            public void signal(RebalanceSignal signal) {
            }

            @Override
            public void summary(BookSummary summary) {
                out.add(summary);
            }
        };
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
}
