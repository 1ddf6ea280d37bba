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
    void onlyTheCashBalancesOpenAccounts() {
        List<Collateral> balances = CollateralPlan.balances(RiskLimitsPlan.providers(1), UnderlyingSpec.DEFAULTS, T0);
        assertThat(balances).hasSize(2);
        assertThat(new CollateralLedger(balances).cash("mm1")).isEqualTo(150_000);
    }
}
