package io.ballast.kafka;

import io.ballast.TestRecords;
import io.ballast.avro.Collateral;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorsTest {

    private static final long HOUR = 3_600_000;
    private final Instant now = TestRecords.now();
    private final long clock = now.toEpochMilli();
    private final Validator<Quote> quotes = Validators.quote(HOUR);
    private final Validator<Trade> trades = Validators.trade(HOUR);
    private final Validator<RiskLimits> limits = Validators.riskLimits();

    private Instrument call() {
        return TestRecords.option("BTC", 100_000, now.plusSeconds(7 * 86_400), OptionRight.CALL);
    }

    private Trade trade() {
        return TestRecords.trade("t-1", "mm1", call(), Side.SELL, 10, 2500, now);
    }

    @Test
    void acceptsValidRecords() {
        assertThat(quotes.problem(TestRecords.quote(call(), 0, 10, now), null, clock)).isNull();
        assertThat(quotes.problem(TestRecords.quote(TestRecords.perp("BTC"), 100, 100, now), null, clock)).isNull();
        assertThat(trades.problem(trade(), null, clock)).isNull();
        assertThat(limits.problem(TestRecords.limits("mm1", null), bytes("mm1"), clock)).isNull();
        assertThat(limits.problem(TestRecords.limits("mm1", "BTC"), bytes("mm1/BTC"), clock)).isNull();
    }

    @Test
    void quoteRules() {
        Instrument perp = TestRecords.perp("BTC");
        assertThat(quotes.problem(TestRecords.quote(perp, -1, 10, now), null, clock)).contains("quote.bid").contains("-1.0");
        assertThat(quotes.problem(TestRecords.quote(perp, 0, 0, now), null, clock)).contains("quote.ask");
        Quote badSize = TestRecords.quote(perp, 1, 2, now);
        badSize.setAskSize(Double.NaN);
        assertThat(quotes.problem(badSize, null, clock)).contains("quote.askSize");
        Quote badForward = TestRecords.quote(call(), 1, 2, now);
        badForward.setUnderlyingPrice(0.0);
        assertThat(quotes.problem(badForward, null, clock)).contains("quote.underlyingPrice");
        assertThat(quotes.problem(TestRecords.quote(perp, 1, 2, now.plusMillis(2 * HOUR)), null, clock))
                .contains("ahead of the clock");
        assertThat(quotes.problem(TestRecords.quote(perp, 1, 2, Instant.EPOCH), null, clock)).contains("eventTime");
        Instrument expired = TestRecords.option("BTC", 100_000, now.minusSeconds(60), OptionRight.PUT);
        assertThat(quotes.problem(TestRecords.quote(expired, 1, 2, now), null, clock)).contains("expiry");
    }

    @Test
    void aVenueMayNotContainTheSeparatorOfVenueAndSymbol() {
        Quote q = TestRecords.quote(TestRecords.perp("BTC"), 1, 2, now);
        q.setVenue("okx:spot");
        assertThat(quotes.problem(q, null, clock)).contains("quote.venue").contains("':'").contains("okx:spot");
        Trade t = trade();
        t.setVenue("deribit:");
        assertThat(trades.problem(t, null, clock)).contains("trade.venue").contains("':'");
        t.setVenue("okx");
        assertThat(trades.problem(t, null, clock)).isNull();
    }

    @Test
    void aHedgeInstrumentIsASymbolOrVenueAndSymbol() {
        RiskLimits l = TestRecords.limits("mm1", null);
        for (String ok : new String[] {"BTC-PERP", "okx:BTC-PERP", "okx:BTC:PERP"}) {
            l.setHedgeInstrument(ok);
            assertThat(limits.problem(l, bytes("mm1"), clock)).as(ok).isNull();
        }
        for (String bad : new String[] {":BTC-PERP", "okx:", " :BTC-PERP", "okx: "}) {
            l.setHedgeInstrument(bad);
            assertThat(limits.problem(l, bytes("mm1"), clock)).as(bad).contains("riskLimits.hedgeInstrument").contains(bad);
        }
    }

    @Test
    void instrumentRules() {
        Instrument noRight = Instrument.newBuilder(call()).setRight(null).build();
        assertThat(quotes.problem(TestRecords.quote(noRight, 1, 2, now), null, clock)).contains("right is required");
        Instrument noExpiry = Instrument.newBuilder(call()).setExpiry(null).build();
        assertThat(quotes.problem(TestRecords.quote(noExpiry, 1, 2, now), null, clock)).contains("expiry is required");
        Instrument negativeStrike = Instrument.newBuilder(call()).setStrike(-5.0).build();
        assertThat(quotes.problem(TestRecords.quote(negativeStrike, 1, 2, now), null, clock)).contains("strike").contains("-5.0");
        Instrument perpWithStrike = Instrument.newBuilder(TestRecords.perp("BTC")).setStrike(1.0).build();
        assertThat(quotes.problem(TestRecords.quote(perpWithStrike, 1, 2, now), null, clock)).contains("strike must be null");
        Instrument futureNoExpiry = Instrument.newBuilder(TestRecords.perp("BTC")).setKind(InstrumentKind.FUTURE).build();
        assertThat(quotes.problem(TestRecords.quote(futureNoExpiry, 1, 2, now), null, clock)).contains("FUTURE");
        Instrument zeroMultiplier = Instrument.newBuilder(TestRecords.perp("BTC")).setMultiplier(0).build();
        assertThat(quotes.problem(TestRecords.quote(zeroMultiplier, 1, 2, now), null, clock)).contains("multiplier");
        Instrument slash = Instrument.newBuilder(TestRecords.perp("BTC")).setUnderlying("BTC/USD").build();
        assertThat(quotes.problem(TestRecords.quote(slash, 1, 2, now), null, clock)).contains("'/'");
    }

    @Test
    void tradeRules() {
        Trade t = trade();
        t.setQuantity(0);
        assertThat(trades.problem(t, null, clock)).contains("trade.quantity").contains("0.0");
        t = trade();
        t.setQuantity(Double.NaN);
        assertThat(trades.problem(t, null, clock)).contains("trade.quantity");
        t = trade();
        t.setPrice(-2);
        assertThat(trades.problem(t, null, clock)).contains("trade.price");
        t = trade();
        t.setFee(Double.POSITIVE_INFINITY);
        assertThat(trades.problem(t, null, clock)).contains("trade.fee");
        t = trade();
        t.setFee(-0.5); // a rebate
        assertThat(trades.problem(t, null, clock)).isNull();
        t = trade();
        t.setTradeId(" ");
        assertThat(trades.problem(t, null, clock)).contains("trade.tradeId");
        t = trade();
        t.setProviderId("mm/1");
        assertThat(trades.problem(t, null, clock)).contains("trade.providerId");
        t = trade();
        t.setSignalId("");
        assertThat(trades.problem(t, null, clock)).contains("trade.signalId");
        t = trade();
        t.setEventTime(call().getExpiry().plusSeconds(1));
        assertThat(trades.problem(t, null, Long.MAX_VALUE / 2)).contains("after its expiry");
    }

    @Test
    void limitsRules() {
        RiskLimits l = TestRecords.limits("mm1", "BTC");
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("key 'mm1'").contains("'mm1/BTC'");
        assertThat(limits.problem(l, null, clock)).contains("key");
        l.setDeltaBand(-1);
        assertThat(limits.problem(l, bytes("mm1/BTC"), clock)).contains("deltaBand");
        l = TestRecords.limits("mm1", null);
        l.setRiskAversion(0);
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("riskAversion");
        l = TestRecords.limits("mm1", null);
        l.setHedgeTimeoutMs(0);
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("hedgeTimeoutMs");
        l = TestRecords.limits("mm1", null);
        l.setGammaLimit(Double.NaN);
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("gammaLimit");
    }

    @Test
    void portfolioLimitRules() {
        RiskLimits l = TestRecords.limits("mm1", null);
        l.setMaxMarginUsage(0.8);
        l.setMinLiquidationMove(0.15);
        l.setCollateralHaircuts(java.util.Map.of("BTC", 0.1, "USDT", 0.0));
        assertThat(limits.problem(l, bytes("mm1"), clock)).isNull();
        l.setMaxMarginUsage(0.0);
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("riskLimits.maxMarginUsage").contains("0.0");
        l.setMaxMarginUsage(null);
        l.setMinLiquidationMove(Double.NaN);
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("riskLimits.minLiquidationMove").contains("NaN");
        l.setMinLiquidationMove(null);
        l.setCollateralHaircuts(java.util.Map.of("ETH", 1.5));
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("collateralHaircuts[ETH]").contains("1.5");
        l.setCollateralHaircuts(java.util.Map.of("ETH", -0.01));
        assertThat(limits.problem(l, bytes("mm1"), clock)).contains("collateralHaircuts[ETH]");
    }

    @Test
    void collateralRules() {
        Validator<Collateral> collateral = Validators.collateral(HOUR);
        Collateral c = new Collateral("mm1", "deribit", "BTC", 2.5, now);
        assertThat(collateral.problem(c, bytes("mm1/deribit/BTC"), clock)).isNull();
        assertThat(collateral.problem(c, bytes("mm1/deribit/ETH"), clock)).contains("key 'mm1/deribit/ETH'")
                .contains("'mm1/deribit/BTC'");
        assertThat(collateral.problem(c, null, clock)).contains("key 'null'");
        Collateral debt = new Collateral("mm1", "deribit", "USDC", -1000.0, now);
        assertThat(collateral.problem(debt, bytes("mm1/deribit/USDC"), clock)).as("a debt is a balance").isNull();
        Collateral nan = new Collateral("mm1", "deribit", "BTC", Double.NaN, now);
        assertThat(collateral.problem(nan, bytes("mm1/deribit/BTC"), clock)).contains("collateral.amount").contains("NaN");
        Collateral slash = new Collateral("mm1", "deri/bit", "BTC", 1.0, now);
        assertThat(collateral.problem(slash, bytes("mm1/deri/bit/BTC"), clock)).contains("collateral.venue");
        Collateral blank = new Collateral("mm1", "deribit", " ", 1.0, now);
        assertThat(collateral.problem(blank, bytes("mm1/deribit/ "), clock)).contains("collateral.asset");
        Collateral future = new Collateral("mm1", "deribit", "BTC", 1.0, now.plusMillis(2 * HOUR));
        assertThat(collateral.problem(future, bytes("mm1/deribit/BTC"), clock)).contains("collateral.updatedAt")
                .contains("ahead of the clock");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
