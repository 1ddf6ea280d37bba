package io.ballast.sandbox.monitor;

import io.ballast.avro.BandMode;
import io.ballast.avro.ExpiryRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Urgency;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunRecorderTest {

    @Test
    void aRepeatedSignalIdIsOneDecision() {
        RunRecorder r = new RunRecorder(0);
        RebalanceSignal s = RebalanceSignal.newBuilder().setSignalId("mm1/BTC/DELTA_HEDGE/1").setProviderId("mm1")
                .setUnderlying("BTC").setType(SignalType.DELTA_HEDGE).setStatus(SignalStatus.ACTION)
                .setInstrument("BTC-PERP").setSide(Side.SELL).setQuantity(3.5).setNetDelta(3.5).setGamma(0).setVega(0)
                .setThreshold(3).setUrgency(Urgency.NORMAL).setReason("band").setEventTime(Instant.ofEpochMilli(5)).build();
        r.signal(s);
        r.signal(s);
        RunData d = r.data(10);
        assertThat(d.counts().signalRecords()).isEqualTo(1);
        assertThat(d.signalsByType()).containsEntry("DELTA_HEDGE", 1L);
        assertThat(d.keys().get(0).signals()).hasSize(1);
    }

    @Test
    void countsTheCoinVenueAndTheDeltaHedgesOnInverseInstrumentsWholeOrNot() {
        RunRecorder r = new RunRecorder(0);
        assertThat(r.data(1).coinVenue().ran()).isFalse();
        r.coinQuoteSent("DERIBIT-SIM");
        r.coinQuoteSent("DERIBIT-SIM");
        r.coinFillSent("DERIBIT-SIM", true);
        r.coinFillSent("DERIBIT-SIM", false);
        r.coinFillSent("DERIBIT-SIM", false);
        RebalanceSignal.Builder inverse = RebalanceSignal.newBuilder().setProviderId("mm2").setUnderlying("BTC")
                .setType(SignalType.DELTA_HEDGE).setStatus(SignalStatus.ACTION).setInstrument("BTC-PERPETUAL")
                .setSide(Side.SELL).setNetDelta(3.5).setGamma(0).setVega(0).setThreshold(3).setUrgency(Urgency.NORMAL)
                .setReason("band").setEventTime(Instant.ofEpochMilli(5));
        r.signal(inverse.setSignalId("mm2/BTC/DELTA_HEDGE/1").setQuantity(3_500.0).setResidualDelta(0.00002).build());
        r.signal(inverse.setSignalId("mm2/BTC/DELTA_HEDGE/1").build()); // the same decision again
        r.signal(inverse.setSignalId("mm2/BTC/DELTA_HEDGE/2").setQuantity(12.5).build());
        r.signal(inverse.setSignalId("mm2/ETH/DELTA_HEDGE/3").setUnderlying("ETH").setInstrument("ETH-PERPETUAL")
                .setQuantity(900.0).build());
        // A linear hedge (no residualDelta) is not one of them.
        r.signal(inverse.setSignalId("mm1/BTC/DELTA_HEDGE/4").setProviderId("mm1").setInstrument("BTC-PERP")
                .setQuantity(0.4).setResidualDelta(null).build());
        r.inverseHedgeFill("mm2");
        RunData.CoinVenue v = r.data(10).coinVenue();
        assertThat(v.ran()).isTrue();
        assertThat(v.venue()).isEqualTo("DERIBIT-SIM");
        assertThat(v.quotesSent()).isEqualTo(2);
        assertThat(v.optionFillsSent()).isEqualTo(1);
        assertThat(v.inverseFillsSent()).isEqualTo(2);
        assertThat(v.inverseHedges()).containsOnlyKeys("mm2");
        assertThat(v.inverseHedges().get("mm2"))
                .isEqualTo(new RunData.InverseHedges(3, 2, 1, List.of("BTC-PERPETUAL", "ETH-PERPETUAL")));
        assertThat(v.inverseHedgeSignals()).isEqualTo(3);
        assertThat(v.inverseHedgesFilled()).isEqualTo(1);
        assertThat(r.live().coinVenue()).isEqualTo(v);
    }

    @Test
    void providerUnderlyingLimitsOverrideProviderLimitsAndTombstonesDelete() {
        RunRecorder r = new RunRecorder(0);
        r.limits("mm1", limits(null, 10));
        r.risk(snapshot(1, 5));
        r.limits("mm1/BTC", limits("BTC", 3));
        r.risk(snapshot(2, 5));
        r.limits("mm1/BTC", null);
        r.risk(snapshot(3, 5));
        r.limits("mm1", null);
        r.risk(snapshot(4, 5));
        RunData.KeySeries k = r.data(10).keys().get(0);
        assertThat(k.risk()).extracting(RunData.RiskPoint::band).containsExactly(10.0, 3.0, 10.0, Double.NaN);
        assertThat(k.risk().get(0).inside(0)).isTrue();
        assertThat(k.risk().get(1).inside(0)).isFalse();
        assertThat(k.risk().get(3).inside(0)).isFalse();
    }

    @Test
    void keepsDollarGammaAndVegaOfEveryRecordAndTheLastRecordsRiskByExpiry() {
        RunRecorder r = new RunRecorder(0);
        RiskLimits l = limits(null, 3);
        l.setGammaLimit(10_000.0);
        l.setVegaLimit(1_000.0);
        r.limits("mm1", l);
        RiskSnapshot first = snapshot(1, 0.5);
        first.setDollarGamma(-12_000.0);
        first.setVega(300.0);
        first.setByExpiry(List.of(new ExpiryRisk(Instant.ofEpochMilli(5_000), 0.2, -12_000.0, 300.0, -40.0)));
        r.risk(first);
        RiskSnapshot second = snapshot(2, 0.4);
        second.setDollarGamma(-5_000.0);
        second.setVega(450.0);
        second.setByExpiry(List.of(new ExpiryRisk(Instant.ofEpochMilli(5_000), 0.1, -7_000.0, 100.0, -30.0),
                new ExpiryRisk(Instant.ofEpochMilli(9_000), 0.3, 2_000.0, 350.0, -10.0)));
        r.risk(second);
        r.signal(RebalanceSignal.newBuilder().setSignalId("mm1/BTC/GAMMA_HEDGE/3").setProviderId("mm1")
                .setUnderlying("BTC").setType(SignalType.GAMMA_HEDGE).setStatus(SignalStatus.ACTION)
                .setInstrument("BTC-1JAN27-100000-C").setSide(Side.BUY).setQuantity(2.0).setNetDelta(0.5)
                .setGamma(-1.2e-5).setVega(300).setThreshold(10_000).setUrgency(Urgency.NORMAL).setReason("over")
                .setEventTime(Instant.ofEpochMilli(1)).build());
        RunData.KeySeries k = r.data(10).keys().get(0);
        assertThat(k.risk()).extracting(RunData.RiskPoint::dollarGamma).containsExactly(-12_000.0, -5_000.0);
        assertThat(k.risk()).extracting(RunData.RiskPoint::vega).containsExactly(300.0, 450.0);
        assertThat(k.byExpiry()).containsExactly(new RunData.ExpiryRisk(5_000, 0.1, -7_000, 100, -30),
                new RunData.ExpiryRisk(9_000, 0.3, 2_000, 350, -10));
        assertThat(k.signals()).singleElement().satisfies(s -> {
            assertThat(s.type()).isEqualTo("GAMMA_HEDGE");
            assertThat(s.side()).isEqualTo("BUY");
            assertThat(s.quantity()).isEqualTo(2.0);
        });
        assertThat(k.limits().gammaLimit()).isEqualTo(10_000.0);
        RunRecorder.Latest latest = r.live().latest().get(0);
        assertThat(latest.gammaLimit()).isEqualTo(10_000.0);
        assertThat(latest.vegaLimit()).isEqualTo(1_000.0);
        assertThat(latest.risk().dollarGamma()).isEqualTo(-5_000.0);
    }

    private static RiskLimits limits(String underlying, double band) {
        return RiskLimits.newBuilder().setProviderId("mm1").setUnderlying(underlying).setDeltaBand(band)
                .setBandMode(BandMode.FIXED).setHedgeCostBps(3).setMinHedgeQuantity(0.1).setHedgeTimeoutMs(5_000)
                .setRiskAversion(5e-4).setFillIntensity(0.1).setQuoteHorizonMs(60_000).setUpdatedAt(Instant.EPOCH)
                .build();
    }

    private static RiskSnapshot snapshot(long sequence, double delta) {
        return RiskSnapshot.newBuilder().setProviderId("mm1").setUnderlying("BTC").setReferencePrice(100_000)
                .setNetDelta(delta).setGamma(0).setVega(0).setTheta(0).setDollarGamma(0).setDeltaNotional(0)
                .setMarkValue(0).setPositions(1).setUnpricedPositions(0).setPendingHedge(0)
                .setAsOf(Instant.ofEpochMilli(sequence)).setSequence(sequence).build();
    }
}
