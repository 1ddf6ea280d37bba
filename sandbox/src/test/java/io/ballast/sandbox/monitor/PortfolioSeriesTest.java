package io.ballast.sandbox.monitor;

import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Urgency;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PortfolioSeriesTest {

    private static final List<Double> CELLS = List.of(-41_000.0, -52_000.0, 0.0, -3_000.0, 38_000.0, 30_500.0);

    @Test
    void recordsEachProvidersSeriesDroppingRepeatsAndKeepsTheLatestGrid() {
        RunRecorder r = new RunRecorder(0);
        r.portfolio(SyntheticPortfolio.record("mm2", 1, 1_000, 400_000, 60_000, 0.15, -0.55, null, CELLS));
        r.portfolio(SyntheticPortfolio.record("mm1", 1, 1_500, 350_000, 52_000, 0.1486, -0.61, 2.4, CELLS));
        r.portfolio(SyntheticPortfolio.record("mm1", 2, 2_000, 351_000, 53_000, 0.151, -0.60, 2.5, CELLS));
        // At-least-once: the same record again, and an older one, change nothing.
        r.portfolio(SyntheticPortfolio.record("mm1", 2, 2_000, 351_000, 53_000, 0.151, -0.60, 2.5, CELLS));
        r.portfolio(SyntheticPortfolio.record("mm1", 1, 1_500, 1, 1, 0.9, -0.01, 0.01, CELLS));

        RunData d = r.data(10_000);
        assertThat(d.portfolios()).extracting(PortfolioSeries.Provider::provider).containsExactly("mm1", "mm2");
        PortfolioSeries.Provider mm1 = d.portfolios().get(0);
        assertThat(mm1.points()).extracting(PortfolioSeries.Point::equity).containsExactly(350_000.0, 351_000.0);
        PortfolioSeries.Point last = mm1.last();
        assertThat(last.margin()).isEqualTo(53_000);
        assertThat(last.marginUsage()).isEqualTo(0.151);
        assertThat(last.liquidationMoveDown()).isEqualTo(-0.60);
        assertThat(last.explainDelta()).isEqualTo(250.25);
        assertThat(last.explainUnexplained()).isEqualTo(50.375);
        assertThat(mm1.grid().cell(0, 1)).isEqualTo(-52_000);
        assertThat(mm1.grid().cell(2, 0)).isEqualTo(38_000);
        assertThat(d.portfolios().get(1).last().liquidationMoveUp()).isNull();
        assertThat(r.live().portfolio()).containsOnlyKeys("mm1", "mm2");
        assertThat(r.live().portfolio().get("mm1").sequence()).isEqualTo(2);
    }

    @Test
    void aPortfolioSignalGoesToItsProviderNotToABook() {
        RunRecorder r = new RunRecorder(0);
        r.expect("mm1", "BTC");
        RebalanceSignal s = RebalanceSignal.newBuilder().setSignalId("mm1/*/MARGIN_USAGE/1").setProviderId("mm1")
                .setUnderlying("*").setType(SignalType.MARGIN_USAGE).setStatus(SignalStatus.BREACH).setNetDelta(0)
                .setGamma(0).setVega(0).setThreshold(0.25).setUrgency(Urgency.HIGH).setReason("usage 31% > 25%")
                .setEventTime(Instant.ofEpochMilli(7)).setEquity(100.0).setMargin(31.0).setMarginUsage(0.31).build();
        r.signal(s);
        r.signal(s);
        RunData d = r.data(10);
        assertThat(d.keys()).extracting(RunData.KeySeries::key).containsExactly("mm1/BTC");
        assertThat(d.signalsByType()).containsEntry("MARGIN_USAGE", 1L);
        assertThat(d.portfolios()).hasSize(1);
        assertThat(d.portfolios().get(0).signals())
                .containsExactly(new PortfolioSeries.Signal(7, "MARGIN_USAGE", "BREACH", "usage 31% > 25%"));
        assertThat(d.portfolios().get(0).last()).isNull();
    }
}
