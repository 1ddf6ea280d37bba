package io.ballast.sandbox.report;

import io.ballast.sandbox.monitor.RunData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RunSummaryTest {

    private static RunData.RiskPoint point(long t, double delta) {
        return new RunData.RiskPoint(t, delta, 0, 0, 0, 0, 0, 1, 100, 2.0);
    }

    private static RunData data(List<RunData.KeySeries> keys, long end) {
        return new RunData(0, end, new RunData.Counts(0, 0, 0, 0, 3, 0, 0, 0, 0), Map.of(), Map.of(), keys, List.of());
    }

    @Test
    void theCoinVenueHasALineOfItsOwnAndTheLiveLineItsCounts() throws java.io.IOException {
        RunData.CoinVenue v = new RunData.CoinVenue("DERIBIT-SIM", 2_345, 31, 12,
                Map.of("mm2", new RunData.InverseHedges(5, 5, 4, List.of("BTC-PERPETUAL", "ETH-PERPETUAL"))));
        RunData d = new RunData(0, 1_000, new RunData.Counts(0, 0, 0, 0, 0, 0, 0, 0, 0), Map.of(), Map.of(), List.of(),
                List.of(), List.of(), v);
        assertThat(RunSummary.of(d).lines(true)).contains("  DERIBIT-SIM coin venue: 2,345 quotes, fills 31 coin-quoted "
                + "options 12 inverse perpetual; inverse hedges mm2 5 (whole contracts 5, filled 4) on BTC-PERPETUAL ETH-PERPETUAL");
        assertThat(LiveLine.coinVenue(v)).isEqualTo(" DERIBIT-SIM quotes 2,345 fills 31+12 ihedges 5/4 |");
        assertThat(LiveLine.coinVenue(RunData.CoinVenue.NONE)).isEmpty();
        assertThat(RunSummary.of(data(List.of(), 1_000)).lines(true)).noneMatch(l -> l.contains("coin venue"));
        assertThat(HtmlReport.html(d, RunSummary.of(d), Map.of())).contains("id=\"coin-venue\"", "DERIBIT-SIM coin venue");
    }

    @Test
    void insideShareIsTimeWeightedUntilTheEnd() {
        RunData.LimitsInfo limits = new RunData.LimitsInfo(0, 2, "FIXED", null, null);
        // 0-1000 inside, 1000-1500 outside, 1500-4000 inside: 3500 of 4000 observed.
        RunData.KeySeries k = new RunData.KeySeries("mm1", "BTC", limits,
                List.of(point(0, 1.0), point(1_000, -2.5), point(1_500, 0.2)),
                List.of(new RunData.SignalPoint(1_000, "DELTA_HEDGE", "ACTION", "BUY", 2.5, -2.5, 2, "mm1/BTC/DELTA_HEDGE/1"),
                        new RunData.SignalPoint(2_000, "QUOTE_SKEW", "ACTION", null, null, 0.2, 0, "mm1/BTC/QUOTE_SKEW/2")),
                List.of(new RunData.HedgeFill(1_200, "mm1/BTC/DELTA_HEDGE/1", "BUY", 2.5, 100.02, 100, 0.05, 0.1,
                        "DELTA_HEDGE")), List.of());
        RunSummary s = RunSummary.of(data(List.of(k), 4_000));
        RunSummary.ProviderSummary p = s.providers().get(0);
        assertThat(p.insideShare()).isCloseTo(3_500.0 / 4_000, within(1e-12));
        assertThat(p.hedgeSignals()).isEqualTo(1);
        assertThat(p.hedgeFills()).isEqualTo(1);
        assertThat(p.hedgeCost()).isCloseTo(0.1, within(1e-12));
        assertThat(p.underlyings().get(0).finalDelta()).isEqualTo(0.2);
        assertThat(p.underlyings().get(0).maxAbsDelta()).isEqualTo(2.5);
    }

    @Test
    void optionHedgesAreCountedApartFromDeltaHedgesAndCostAsHedges() {
        RunData.LimitsInfo limits = new RunData.LimitsInfo(0, 2, "FIXED", 10_000.0, 1_000.0);
        RunData.KeySeries k = new RunData.KeySeries("mm1", "BTC", limits, List.of(point(0, 1.0)),
                List.of(new RunData.SignalPoint(100, "DELTA_HEDGE", "ACTION", "SELL", 1.0, 2.5, 2, "mm1/BTC/DELTA_HEDGE/1"),
                        new RunData.SignalPoint(200, "GAMMA_LIMIT", "BREACH", null, null, 1.0, 10_000, "mm1/BTC/GAMMA_LIMIT/2"),
                        new RunData.SignalPoint(200, "GAMMA_HEDGE", "ACTION", "BUY", 3.0, 1.0, 10_000, "mm1/BTC/GAMMA_HEDGE/3"),
                        new RunData.SignalPoint(300, "VEGA_HEDGE", "ACTION", "SELL", 2.0, 1.0, 1_000, "mm1/BTC/VEGA_HEDGE/4")),
                List.of(new RunData.HedgeFill(250, "mm1/BTC/DELTA_HEDGE/1", "SELL", 1.0, 99.9, 100, 0.02, 0.12, "DELTA_HEDGE"),
                        new RunData.HedgeFill(350, "mm1/BTC/GAMMA_HEDGE/3", "BUY", 3.0, 2_010, 2_000, 1.2, 31.2, "GAMMA_HEDGE")),
                List.of());
        RunSummary s = RunSummary.of(data(List.of(k), 1_000));
        RunSummary.ProviderSummary p = s.providers().get(0);
        assertThat(p.hedgeSignals()).isEqualTo(1);
        assertThat(p.hedgeFills()).isEqualTo(1);
        assertThat(p.optionHedgeSignals()).isEqualTo(2);
        assertThat(p.optionHedgeFills()).isEqualTo(1);
        assertThat(p.hedgeCost()).isCloseTo(31.32, within(1e-9));
        assertThat(s.lines(true)).anyMatch(l -> l.startsWith("  mm1 ") && l.contains("hedges 1 (filled 1)  option hedges 2 (filled 1)  hedge cost 31.32 USD"));
        // A provider without option hedges keeps its line as it was.
        RunData.KeySeries plain = new RunData.KeySeries("mm2", "BTC", limits, List.of(point(0, 1.0)), List.of(), List.of(),
                List.of());
        assertThat(RunSummary.of(data(List.of(plain), 1_000)).lines(true)).noneMatch(l -> l.contains("option hedges"));
    }

    @Test
    void providerShareWeighsItsUnderlyingsByObservedTime() {
        RunData.LimitsInfo limits = new RunData.LimitsInfo(0, 2, "FIXED", null, null);
        RunData.KeySeries inside = new RunData.KeySeries("mm1", "BTC", limits, List.of(point(0, 0)), List.of(), List.of(), List.of());
        RunData.KeySeries outside = new RunData.KeySeries("mm1", "ETH", limits, List.of(point(3_000, 5)), List.of(), List.of(), List.of());
        RunSummary s = RunSummary.of(data(List.of(inside, outside), 4_000));
        // 4000 ms inside, 1000 ms outside.
        assertThat(s.providers().get(0).insideShare()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void noRecordsNoShare() {
        RunData.KeySeries k = new RunData.KeySeries("mm2", "BTC", null, List.of(), List.of(), List.of(), List.of());
        RunSummary s = RunSummary.of(new RunData(0, 1_000, new RunData.Counts(0, 0, 0, 0, 0, 0, 0, 0, 0), Map.of(), Map.of(),
                List.of(k), List.of()));
        assertThat(s.providers().get(0).insideShare()).isNull();
        assertThat(s.lines(true)).anyMatch(l -> l.contains("no inventory-risk output"));
        assertThat(s.lines(true)).anyMatch(l -> l.contains("mm2") && l.contains("n/a"));
    }
}
