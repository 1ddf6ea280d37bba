package io.ballast.sandbox.report;

import io.ballast.avro.BandMode;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Urgency;
import io.ballast.sandbox.monitor.RunRecorder;
import io.ballast.sandbox.monitor.SyntheticPortfolio;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LiveLineTest {

    @Test
    void oneCompactLineWithEachProvidersDeltaAgainstItsBand() {
        RunRecorder r = new RunRecorder(0);
        r.expect("mm1", "BTC");
        r.expect("mm1", "ETH");
        r.expect("mm2", "BTC");
        r.limits("mm1/BTC", limits("mm1", "BTC", 3));
        r.limits("mm1", limits("mm1", null, 75));
        r.risk(snapshot("mm1", "BTC", 1.234));
        RiskSnapshot eth = snapshot("mm1", "ETH", -80);
        eth.setPendingHedge(80.0);
        r.risk(eth);
        for (int i = 0; i < 1234; i++) {
            r.quoteSent();
        }
        String line = LiveLine.format(r.live(), 12_300, true, null);
        assertThat(line).doesNotContain("\n")
                .startsWith("[  12s] in 1,234 quotes 0 fills 0 hedges | out risk 2 skew 0 rejected 0")
                .contains("signals hedge 0 gamma 0 vega 0 skew 0")
                .contains("| mm1 BTC +1.23/3 ETH -80/75*[+80]")
                .endsWith("| mm2 BTC -/?");
        assertThat(LiveLine.format(r.live(), 1_000, false, "RESTARTING")).startsWith("[   1s] out risk 2")
                .contains("| job RESTARTING | mm1");
    }

    @Test
    void dollarGammaAndVegaAgainstTheirLimitsAndOptionHedgesCounted() {
        RunRecorder r = new RunRecorder(0);
        r.expect("mm1", "BTC");
        r.expect("mm1", "ETH");
        RiskLimits tight = limits("mm1", null, 3);
        tight.setGammaLimit(10_000.0);
        tight.setVegaLimit(1_000.0);
        r.limits("mm1", tight);
        RiskSnapshot btc = snapshot("mm1", "BTC", 0.5);
        btc.setDollarGamma(-12_345.0);
        btc.setVega(310.4);
        r.risk(btc);
        r.signal(RebalanceSignal.newBuilder().setSignalId("mm1/BTC/GAMMA_HEDGE/1").setProviderId("mm1")
                .setUnderlying("BTC").setType(SignalType.GAMMA_HEDGE).setStatus(SignalStatus.ACTION)
                .setInstrument("BTC-1JAN27-100000-C").setSide(Side.BUY).setQuantity(2.0).setNetDelta(0.5)
                .setGamma(-0.01).setVega(310.4).setThreshold(10_000).setUrgency(Urgency.NORMAL).setReason("over")
                .setEventTime(Instant.ofEpochMilli(1_000)).build());
        String line = LiveLine.format(r.live(), 4_000, true, null);
        assertThat(line).contains("signals hedge 0 gamma 0 vega 0 skew 0 ghedge 1 vhedge 0")
                // |dollar gamma| over its limit (*), |vega| under; ETH has had no record yet.
                .endsWith("| mm1 BTC +0.5/3 G$ 12.3k/10k* V 310/1k ETH -/3 G$ -/10k V -/1k");
        btc.setDollarGamma(9_999.0);
        btc.setVega(-1_000.5);
        r.risk(btc);
        assertThat(LiveLine.format(r.live(), 6_000, true, null))
                .contains("| mm1 BTC +0.5/3 G$ 10k/10k V 1k/1k* ETH");
    }

    @Test
    void compactAmounts() {
        assertThat(LiveLine.compact(310.4)).isEqualTo("310");
        assertThat(LiveLine.compact(-999.4)).isEqualTo("-999");
        assertThat(LiveLine.compact(1_234)).isEqualTo("1.23k");
        assertThat(LiveLine.compact(40_000)).isEqualTo("40k");
        assertThat(LiveLine.compact(1_500_000)).isEqualTo("1.5M");
    }

    @Test
    void eachProviderShowsEquityMarginUsageAndLiquidationMovesOnceItHasAPortfolioRecord() {
        RunRecorder r = new RunRecorder(0);
        r.expect("mm1", "BTC");
        r.expect("mm2", "BTC");
        r.expect("mm3", "BTC");
        List<Double> cells = List.of(-1.0, -2.0, 0.0, 0.0, 1.0, 1.0);
        r.portfolio(SyntheticPortfolio.record("mm1", 1, 1_000, 1_434_000, 71_700, 0.05, -0.3412, 0.4071, cells));
        r.portfolio(SyntheticPortfolio.record("mm2", 1, 1_000, 452_300, 60_000, 0.1327, -0.61, null, cells));
        String line = LiveLine.format(r.live(), 4_000, true, null);
        assertThat(line).contains("| mm1 eq 1.43M mu 5% liq -34%/+41% BTC -/?")
                .contains("| mm2 eq 452k mu 13% liq -61%/n/a BTC -/?")
                .endsWith("| mm3 BTC -/?");
        assertThat(LiveLine.usd(-950)).isEqualTo("-950");
        assertThat(LiveLine.usd(2.1e9)).isEqualTo("2.1B");
        assertThat(LiveLine.percent(-0.001, true)).isEqualTo("-0%");
        assertThat(LiveLine.percent(null, false)).isEqualTo("n/a");
    }

    @Test
    void numbers() {
        assertThat(LiveLine.number(3.0)).isEqualTo("3");
        assertThat(LiveLine.number(2.5)).isEqualTo("2.5");
        assertThat(LiveLine.number(-12.34)).isEqualTo("-12.3");
        assertThat(LiveLine.number(0.05)).isEqualTo("0.05");
        assertThat(LiveLine.number(1234.4)).isEqualTo("1234");
        assertThat(LiveLine.number(-0.001)).isEqualTo("0");
        assertThat(LiveLine.signed(0.5)).isEqualTo("+0.5");
        assertThat(LiveLine.duration(125_000)).isEqualTo("2m05s");
    }

    private static RiskLimits limits(String provider, String underlying, double band) {
        return RiskLimits.newBuilder().setProviderId(provider).setUnderlying(underlying).setDeltaBand(band)
                .setBandMode(BandMode.FIXED).setHedgeCostBps(3).setMinHedgeQuantity(0.1).setHedgeTimeoutMs(5_000)
                .setRiskAversion(5e-4).setFillIntensity(0.1).setQuoteHorizonMs(60_000).setUpdatedAt(Instant.EPOCH)
                .build();
    }

    private static RiskSnapshot snapshot(String provider, String underlying, double delta) {
        return RiskSnapshot.newBuilder().setProviderId(provider).setUnderlying(underlying).setReferencePrice(100)
                .setNetDelta(delta).setGamma(0).setVega(0).setTheta(0).setDollarGamma(0).setDeltaNotional(delta * 100)
                .setMarkValue(0).setRealizedVol(null).setPositions(1).setUnpricedPositions(0).setPendingHedge(0)
                .setAsOf(Instant.ofEpochMilli(1_000)).setSequence(1).build();
    }
}
