package io.ballast.sandbox.market;

import io.ballast.avro.Collateral;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CollateralLedgerTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_795_000_000_000L);
    private static final Instrument PERP = Instrument.newBuilder().setSymbol("BTC-PERP").setUnderlying("BTC")
            .setKind(InstrumentKind.PERPETUAL).build();
    private static final Instrument CALL = Instrument.newBuilder().setSymbol("BTC-27DEC26-100000-C").setUnderlying("BTC")
            .setKind(InstrumentKind.OPTION).setStrike(100_000.0).setExpiry(Instant.parse("2026-12-27T08:00:00Z"))
            .setRight(OptionRight.CALL).build();

    private final CollateralLedger ledger = new CollateralLedger(
            CollateralPlan.balances(RiskLimitsPlan.providers(2), UnderlyingSpec.DEFAULTS, T0));

    private static Trade fill(String provider, Instrument ins, double signed, double price, double fee, int n) {
        return Trade.newBuilder().setTradeId("t" + n).setProviderId(provider).setVenue("ELSEWHERE").setInstrument(ins)
                .setSide(signed > 0 ? Side.BUY : Side.SELL).setQuantity(Math.abs(signed)).setPrice(price).setFee(fee)
                .setEventTime(T0.plusMillis(n)).build();
    }

    @Test
    void optionsPayTheirPremiumAndFeesAtTheTrade() {
        Collateral after = ledger.apply(fill("mm1", CALL, -3, 4_200, 12.5, 1));
        assertThat(after.getAmount()).isEqualTo(150_000 + 3 * 4_200 - 12.5);
        assertThat(after.getAsset()).isEqualTo("USDC");
        assertThat(after.getVenue()).as("the account's venue, not the fill's").isEqualTo("SIMEX");
        assertThat(after.getUpdatedAt()).isEqualTo(T0.plusMillis(1));
        assertThat(CollateralPlan.key(after)).isEqualTo("mm1/SIMEX/USDC");
        assertThat(ledger.apply(fill("mm1", CALL, 1, 4_300, 2, 2)).getAmount()).isEqualTo(150_000 + 12_600 - 12.5 - 4_302);
        assertThat(ledger.cash("mm2")).as("another provider's account").isEqualTo(150_000);
        assertThat(ledger.apply(fill("nobody", CALL, 1, 1, 0, 3))).isNull();
    }

    @Test
    void aPerpetualRoundTripLeavesItsCashFlowsInTheAccountAndNothingWhileOpen() {
        SplittableRandom r = new SplittableRandom(17);
        double position = 0;
        double flows = 0; // −Σ q·p − Σ fee: what the round trip paid out, the independent figure
        int n = 0;
        for (int i = 0; i < 40; i++) {
            double q = Math.round((r.nextDouble() * 4 - 2) * 100) / 100.0;
            if (q == 0) {
                continue;
            }
            double p = 100_000 + r.nextGaussian() * 2_000;
            double fee = Math.abs(q) * p * 0.0002;
            ledger.apply(fill("mm2", PERP, q, p, fee, ++n));
            position += q;
            flows += -q * p - fee;
        }
        // Close whatever is left, then the account holds exactly the flows.
        double p = 101_000;
        if (Math.abs(position) > 1e-12) {
            ledger.apply(fill("mm2", PERP, -position, p, 0, ++n));
            flows += position * p;
        }
        assertThat(ledger.cash("mm2") - 150_000).isCloseTo(flows, within(1e-6 * 100_000));
        // Opening a position moves only its fee.
        double before = ledger.cash("mm1");
        ledger.apply(fill("mm1", PERP, 2, 99_000, 7, ++n));
        assertThat(ledger.cash("mm1")).isEqualTo(before - 7);
    }

    @Test
    void aCoinQuotedOptionPaysItsPremiumAndFeeAtTheFillsUnderlyingPrice() {
        Instrument coinCall = CoinVenue.coinOption(CALL);
        Trade sell = Trade.newBuilder(fill("mm1", coinCall, -3, 0.0425, 0.0009, 1)).setVenue(CoinVenue.VENUE)
                .setUnderlyingPrice(101_000.0).build();
        // Receives 3 × 0.0425 coin, pays 0.0009 coin: 0.1266 coin at 101,000 USD = 12,786.6 USD.
        assertThat(ledger.apply(sell).getAmount()).isCloseTo(150_000 + 12_786.6, within(1e-6));
        Trade buy = Trade.newBuilder(fill("mm1", coinCall, 1, 0.05, 0.0003, 2)).setVenue(CoinVenue.VENUE)
                .setUnderlyingPrice(99_000.0).build();
        // Pays 0.0503 coin at 99,000 USD = 4,979.7 USD.
        assertThat(ledger.apply(buy).getAmount()).isCloseTo(150_000 + 12_786.6 - 4_979.7, within(1e-6));
    }

    @Test
    void anInversePerpetualSettlesItsCoinPnlAtTheClosingPrice() {
        Instrument inverse = CoinVenue.inversePerpetual(UnderlyingSpec.BTC);
        // Buy 10,000 contracts (100,000 USD) at 100,000 and 10,000 more at 80,000, fees 5 USD each: only the fees.
        ledger.apply(fill("mm2", inverse, 10_000, 100_000, 5, 1));
        assertThat(ledger.apply(fill("mm2", inverse, 10_000, 80_000, 5, 2)).getAmount()).isEqualTo(150_000 - 10);
        // Sell all 20,000 at 90,000: the coin P&L is Σ q·cv·(1/entry − 1/exit) = 100,000/100,000 + 100,000/80,000
        // − 200,000/90,000 coin, in USD at 90,000.
        double coin = 100_000 / 100_000.0 + 100_000 / 80_000.0 - 200_000 / 90_000.0;
        assertThat(ledger.apply(fill("mm2", inverse, -20_000, 90_000, 10, 3)).getAmount())
                .isCloseTo(150_000 - 20 + coin * 90_000, within(1e-6));
    }

    @Test
    void onlyTheCashBalancesOpenAccounts() {
        List<Collateral> balances = CollateralPlan.balances(RiskLimitsPlan.providers(1), UnderlyingSpec.DEFAULTS, T0);
        assertThat(balances).hasSize(2);
        assertThat(new CollateralLedger(balances).cash("mm1")).isEqualTo(150_000);
    }
}
