package io.ballast.sandbox.market;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PriceUnit;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class CoinVenueTest {

    @Test
    void coinPricesAreOnTheTickBidDownAskUp() {
        // 4,321 USD at F = 100,000 is 0.04321 coin: bid 0.0432, ask 0.0433.
        assertThat(CoinVenue.coinBid(4_321, 100_000)).isEqualTo(0.0432);
        assertThat(CoinVenue.coinAsk(4_321, 100_000)).isEqualTo(0.0433);
        // On the grid already: stays (0.0965 coin at 100,000 USD is 9,650 USD).
        assertThat(CoinVenue.coinBid(9_650, 100_000)).isEqualTo(0.0965);
        assertThat(CoinVenue.coinAsk(9_650, 100_000)).isEqualTo(0.0965);
        // Below a tick: no bid, an ask of one tick.
        assertThat(CoinVenue.coinBid(5, 100_000)).isZero();
        assertThat(CoinVenue.coinAsk(5, 100_000)).isEqualTo(0.0001);
        assertThat(CoinVenue.coinBid(0, 100_000)).isZero();
    }

    @Test
    void roundingMatchesExactDecimalArithmeticOnRandomPrices() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            double f = 1_000 + r.nextDouble() * 150_000;
            double usd = r.nextDouble() * 0.3 * f;
            BigDecimal coin = new BigDecimal(usd).divide(new BigDecimal(f), 30, RoundingMode.HALF_EVEN);
            double down = coin.setScale(4, RoundingMode.FLOOR).doubleValue();
            double up = Math.max(0.0001, coin.setScale(4, RoundingMode.CEILING).doubleValue());
            // The double division may land a hair off an exact multiple: allow that one case only.
            boolean nearGrid = coin.subtract(coin.setScale(4, RoundingMode.HALF_EVEN)).abs()
                    .compareTo(new BigDecimal("1e-12")) < 0;
            if (!nearGrid) {
                assertThat(CoinVenue.coinBid(usd, f)).as("bid of %s USD at %s", usd, f).isEqualTo(down);
                assertThat(CoinVenue.coinAsk(usd, f)).as("ask of %s USD at %s", usd, f).isEqualTo(up);
            }
            assertThat(CoinVenue.coinBid(usd, f) * f).isLessThanOrEqualTo(usd * (1 + 1e-12));
            assertThat(CoinVenue.coinAsk(usd, f) * f).isGreaterThanOrEqualTo(usd * (1 - 1e-12));
        }
    }

    @Test
    void optionsAreTheSameContractUnderDeribitsSymbolQuotedInCoin() {
        Instant expiry = Instant.parse("2026-12-04T08:00:00Z");
        Instrument usd = Instrument.newBuilder().setSymbol("BTC-261204-100000-C").setUnderlying("BTC")
                .setKind(InstrumentKind.OPTION).setStrike(100_000.0).setExpiry(expiry).setRight(OptionRight.CALL)
                .setMultiplier(1.0).build();
        Instrument coin = CoinVenue.coinOption(usd);
        assertThat(coin.getSymbol()).isEqualTo("BTC-4DEC26-100000-C");
        assertThat(coin.getPriceUnit()).isEqualTo(PriceUnit.UNDERLYING);
        assertThat(coin.getStrike()).isEqualTo(100_000.0);
        assertThat(coin.getExpiry()).isEqualTo(expiry);
        assertThat(coin.getRight()).isEqualTo(OptionRight.CALL);
        assertThat(coin.getMultiplier()).isEqualTo(1.0);
        assertThat(coin.getInverse()).isFalse();
        assertThat(usd.getPriceUnit()).as("the SIMEX instrument is left alone").isEqualTo(PriceUnit.QUOTE_CURRENCY);
        assertThat(CoinVenue.optionSymbol("ETH", Instant.parse("2026-12-27T08:00:00Z").toEpochMilli(), 3_250, false))
                .isEqualTo("ETH-27DEC26-3250-P");
    }

    @Test
    void theInversePerpetualsAreDeribits() {
        Instrument btc = CoinVenue.inversePerpetual(UnderlyingSpec.BTC);
        assertThat(btc.getSymbol()).isEqualTo("BTC-PERPETUAL");
        assertThat(btc.getUnderlying()).isEqualTo("BTC");
        assertThat(btc.getKind()).isEqualTo(InstrumentKind.PERPETUAL);
        assertThat(btc.getInverse()).isTrue();
        assertThat(btc.getContractValue()).isEqualTo(10.0);
        assertThat(btc.getMultiplier()).isEqualTo(1.0);
        assertThat(btc.getPriceUnit()).isEqualTo(PriceUnit.QUOTE_CURRENCY);
        Instrument eth = CoinVenue.inversePerpetual(UnderlyingSpec.ETH);
        assertThat(eth.getSymbol()).isEqualTo("ETH-PERPETUAL");
        assertThat(eth.getContractValue()).isEqualTo(1.0);
        // 0.75 BTC at 100,000 USD: 7,500 contracts of 10 USD; never below one.
        assertThat(CoinVenue.contracts(0.75, 100_000, 10)).isEqualTo(7_500);
        assertThat(CoinVenue.contracts(0.00001, 100_000, 10)).isEqualTo(1);
    }

    @Test
    void optionFeesAreThreeBasisPointsOfCoinPerContractCappedAtAnEighthOfThePrice() {
        // 2 contracts at 0.05 coin: 0.0003 each (the cap, 0.00625, does not bind).
        assertThat(CoinVenue.optionFee(2, 0.05)).isEqualTo(0.0006);
        // 10 contracts at 0.0016 coin: the cap binds, 0.125 × 0.0016 = 0.0002 each.
        assertThat(CoinVenue.optionFee(10, 0.0016)).isEqualTo(0.002);
        // At exactly 0.0024 coin both rules give 0.0003.
        assertThat(CoinVenue.optionFee(1, 0.0024)).isEqualTo(0.0003);
        // 0.3 contracts at 0.0001 coin: 0.3 × 0.0000125 = 0.00000375 coin (375 satoshi).
        assertThat(CoinVenue.optionFee(0.3, 0.0001)).isEqualTo(0.00000375);
        // To the satoshi: 0.0008 contracts at 0.0001 coin owe 1e-8 coin (1 satoshi); 0.0002 contracts 0.25 satoshi: 0.
        assertThat(CoinVenue.optionFee(0.0008, 0.0001)).isEqualTo(0.00000001);
        assertThat(CoinVenue.optionFee(0.0002, 0.0001)).isZero();
        // The inverse perpetual's, USD: 0.5 bps of 7,500 × 10 USD = 3.75 USD.
        assertThat(CoinVenue.inverseFee(7_500, 10)).isEqualTo(3.75);
    }
}
