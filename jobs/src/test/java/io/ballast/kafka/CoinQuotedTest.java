package io.ballast.kafka;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PriceUnit;
import io.ballast.avro.Quote;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Coin-quoted options converted to USD at the edge, and the field rules of coin-quoted and inverse instruments. */
class CoinQuotedTest {

    private static final long HOUR = 3_600_000;
    private final Instant now = TestRecords.now();
    private final long clock = now.toEpochMilli();
    private final Validator<Quote> quotes = Validators.quote(HOUR);
    private final Validator<Trade> trades = Validators.trade(HOUR);

    /** Deribit's BTC-25OCT25-100000-C as its chain of 2025-10-24 shows it (moved to a week from now). */
    private Instrument coinCall() {
        Instrument i = TestRecords.option("BTC", 100_000, now.plusSeconds(7 * 86_400), OptionRight.CALL);
        i.setPriceUnit(PriceUnit.UNDERLYING);
        return i;
    }

    private Instrument inversePerp() {
        Instrument i = TestRecords.perp("BTC");
        i.setSymbol("BTC-PERPETUAL");
        i.setInverse(true);
        i.setContractValue(10.0);
        return i;
    }

    @Test
    void aCoinQuoteIsConvertedOnceWithItsForward() {
        Quote q = TestRecords.quote(coinCall(), 0.094, 0.098, now);
        q.setUnderlyingPrice(110_673.759);
        assertThat(quotes.problem(q, null, clock)).isNull();
        Quote usd = CoinQuoted.toUsd(q);
        assertThat(usd.getBid()).isEqualTo(0.094 * 110_673.759);
        assertThat(usd.getAsk()).isEqualTo(0.098 * 110_673.759);
        assertThat(usd.getBid()).isCloseTo(10_403.33335, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(usd.getInstrument().getPriceUnit()).isEqualTo(PriceUnit.QUOTE_CURRENCY);
        assertThat(usd.getUnderlyingPrice()).isEqualTo(110_673.759);
        // Everything else as received; the input is not changed.
        assertThat(usd.getInstrument().getSymbol()).isEqualTo(q.getInstrument().getSymbol());
        assertThat(usd.getBidSize()).isEqualTo(q.getBidSize());
        assertThat(usd.getEventTime()).isEqualTo(q.getEventTime());
        assertThat(q.getBid()).isEqualTo(0.094);
        assertThat(q.getInstrument().getPriceUnit()).isEqualTo(PriceUnit.UNDERLYING);
        // Converted records say USD: converting again changes nothing.
        assertThat(CoinQuoted.toUsd(usd)).isSameAs(usd);
        // An empty bid stays empty.
        Quote oneSided = TestRecords.quote(coinCall(), 0, 0.0001, now);
        oneSided.setUnderlyingPrice(110_673.759);
        assertThat(CoinQuoted.toUsd(oneSided).getBid()).isZero();
    }

    @Test
    void aUsdQuoteOrFillPassesUnchanged() {
        Quote q = TestRecords.quote(TestRecords.perp("BTC"), 99, 101, now);
        assertThat(CoinQuoted.toUsd(q)).isSameAs(q);
        Trade t = TestRecords.trade("t", "mm1", TestRecords.perp("BTC"), Side.BUY, 1, 100, now);
        t.setUnderlyingPrice(100.5); // informational on a USD fill
        assertThat(CoinQuoted.toUsd(t)).isSameAs(t);
    }

    @Test
    void aCoinFillConvertsPriceAndFeeWithItsUnderlyingPrice() {
        Trade t = TestRecords.trade("t", "mm1", coinCall(), Side.SELL, 2.5, 0.0965, now);
        t.setFee(0.00075);
        t.setUnderlyingPrice(110_673.759);
        assertThat(trades.problem(t, null, clock)).isNull();
        Trade usd = CoinQuoted.toUsd(t);
        assertThat(usd.getPrice()).isEqualTo(0.0965 * 110_673.759);
        assertThat(usd.getFee()).isEqualTo(0.00075 * 110_673.759);
        assertThat(usd.getQuantity()).isEqualTo(2.5);
        assertThat(usd.getInstrument().getPriceUnit()).isEqualTo(PriceUnit.QUOTE_CURRENCY);
        assertThat(usd.getUnderlyingPrice()).isEqualTo(110_673.759);
        t.setFee(null);
        assertThat(CoinQuoted.toUsd(t).getFee()).isNull();
    }

    @Test
    void coinRecordsWithoutTheirUnderlyingPriceAreRejected() {
        Quote q = TestRecords.quote(coinCall(), 0.094, 0.098, now);
        assertThat(quotes.problem(q, null, clock)).startsWith("quote.underlyingPrice is required for a coin-quoted option");
        Trade t = TestRecords.trade("t", "mm1", coinCall(), Side.BUY, 1, 0.0965, now);
        assertThat(trades.problem(t, null, clock)).startsWith("trade.underlyingPrice is required for a coin-quoted option");
        t.setUnderlyingPrice(0.0);
        assertThat(trades.problem(t, null, clock)).contains("trade.underlyingPrice must be finite and > 0");
        t.setUnderlyingPrice(Double.NaN);
        assertThat(trades.problem(t, null, clock)).contains("trade.underlyingPrice");
        t.setUnderlyingPrice(Double.MAX_VALUE);
        t.setPrice(10);
        assertThat(trades.problem(t, null, clock)).contains("must be finite");
        q.setUnderlyingPrice(Double.MAX_VALUE);
        q.setAsk(10);
        assertThat(quotes.problem(q, null, clock)).contains("must be finite");
    }

    @Test
    void instrumentRulesOfCoinAndInverseInstruments() {
        Instrument coinPerp = TestRecords.perp("BTC");
        coinPerp.setPriceUnit(PriceUnit.UNDERLYING);
        assertThat(Validators.instrument("i", coinPerp)).isEqualTo("i.priceUnit UNDERLYING is for options only, got a PERPETUAL");

        assertThat(Validators.instrument("i", inversePerp())).isNull();
        Instrument noValue = inversePerp();
        noValue.setContractValue(null);
        assertThat(Validators.instrument("i", noValue)).isEqualTo("i.contractValue is required for an inverse PERPETUAL");
        Instrument zero = inversePerp();
        zero.setContractValue(0.0);
        assertThat(Validators.instrument("i", zero)).isEqualTo("i.contractValue must be finite and > 0, got 0.0");
        Instrument infinite = inversePerp();
        infinite.setContractValue(Double.POSITIVE_INFINITY);
        assertThat(Validators.instrument("i", infinite)).contains("i.contractValue must be finite");
        Instrument multiplied = inversePerp();
        multiplied.setMultiplier(0.1);
        assertThat(Validators.instrument("i", multiplied)).startsWith("i.multiplier must be 1.0 for an inverse PERPETUAL");
        Instrument inverseOption = coinCall();
        inverseOption.setPriceUnit(PriceUnit.QUOTE_CURRENCY);
        inverseOption.setInverse(true);
        inverseOption.setContractValue(10.0);
        assertThat(Validators.instrument("i", inverseOption)).isEqualTo("i.inverse is for a PERPETUAL or a FUTURE, got a OPTION");
        Instrument linearWithValue = TestRecords.perp("BTC");
        linearWithValue.setContractValue(10.0);
        assertThat(Validators.instrument("i", linearWithValue)).isEqualTo("i.contractValue must be null unless inverse, got 10.0");
        Instrument future = inversePerp();
        future.setKind(InstrumentKind.FUTURE);
        future.setExpiry(now.plusSeconds(86_400));
        assertThat(Validators.instrument("i", future)).isNull();
        // Through the record validators, with the record's path.
        Trade t = TestRecords.trade("t", "mm1", noValue, Side.BUY, 1, 100_000, now);
        assertThat(trades.problem(t, null, clock)).isEqualTo("trade.instrument.contractValue is required for an inverse PERPETUAL");
    }
}
