package io.ballast.sandbox.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.sandbox.monitor.PortfolioSeries;
import io.ballast.sandbox.monitor.RunData;
import io.ballast.sandbox.monitor.RunRecorder;
import io.ballast.sandbox.monitor.SyntheticPortfolio;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PortfolioReportTest {

    private static final List<Double> CELLS = List.of(-41_000.0, -52_345.0, 0.0, -3_000.0, 38_000.0, 30_500.0);

    /** A synthetic run with two providers' portfolio-risk records, 500 ms apart. */
    private static RunData run() {
        RunData base = SyntheticRun.of(1, 2, 20_000);
        RunRecorder r = new RunRecorder(base.start());
        for (int i = 0; i < 30; i++) {
            long t = base.start() + 500L * (i + 1);
            r.portfolio(SyntheticPortfolio.record("mm1", i + 1, t, 350_000 + 100 * i, 52_345, 0.1496, -0.6134, 2.5,
                    CELLS));
            r.portfolio(SyntheticPortfolio.record("mm2", i + 1, t, 400_000, 10_000, null, null, null, CELLS));
        }
        RunData p = r.data(base.end());
        return new RunData(base.start(), base.end(), base.counts(), base.signalsByType(), base.rejectedByReason(),
                base.keys(), base.underlyings(), p.portfolios());
    }

    @Test
    void chartDataCarriesEquityMarginUsageAndTheStackedAttribution() {
        RunData data = run();
        JsonNode mm1 = PortfolioReport.chartData(data).path("providers").path("mm1");
        assertThat(mm1.path("t")).hasSize(30);
        assertThat(mm1.path("t").get(0).asDouble()).isEqualTo(0.5);
        assertThat(mm1.path("equity").get(0).asDouble()).isEqualTo(350_000);
        assertThat(mm1.path("equity").get(29).asDouble()).isEqualTo(352_900);
        assertThat(mm1.path("margin").get(3).asDouble()).isEqualTo(52_345);
        assertThat(mm1.path("usage").get(0).asDouble()).isEqualTo(14.96);
        assertThat(mm1.path("delta").get(0).asDouble()).isEqualTo(250.25);
        assertThat(mm1.path("gamma").get(0).asDouble()).isEqualTo(40.125);
        assertThat(mm1.path("vega").get(0).asDouble()).isEqualTo(-12.75);
        assertThat(mm1.path("theta").get(0).asDouble()).isEqualTo(-6.5);
        assertThat(mm1.path("unexplained").get(0).asDouble()).isEqualTo(50.375);
        assertThat(mm1.path("total").get(0).asDouble()).isEqualTo(321.5);
        JsonNode mm2 = PortfolioReport.chartData(data).path("providers").path("mm2");
        assertThat(mm2.path("usage").get(0).isNull()).as("no margin usage when the record has none").isTrue();
    }

    @Test
    void theReportHasAPortfolioSectionPerProviderWithItsFinalGridAsAHeatMap() throws Exception {
        RunData data = run();
        Path file = Path.of("target", "example-portfolio-report.html");
        HtmlReport.write(file, data, RunSummary.of(data), Map.of("seed", "1"));
        String html = Files.readString(file);
        assertThat(html).contains("id=\"portfolio-mm1\"", "id=\"portfolio-mm2\"", "id=\"ballast-portfolio-data\"")
                .contains("addEventListener('DOMContentLoaded'");
        assertThat(HtmlReportTest.count(html, "data-portfolio-chart=\"equity\"")).isEqualTo(2);
        assertThat(HtmlReportTest.count(html, "data-portfolio-chart=\"explain\"")).isEqualTo(2);
        assertThat(HtmlReportTest.count(html, "<table class=\"stress-grid\">")).isEqualTo(2);
        assertThat(html).contains("final: equity 352,900 USD, margin 52,345 USD, margin usage 15%, "
                + "liquidation moves -61% / +250%; 30 records");
        assertThat(html).contains("margin usage n/a, liquidation moves n/a / n/a");
        // The page's own charts are untouched.
        assertThat(HtmlReportTest.count(html, "data-chart=\"delta\"")).isEqualTo(4);
    }

    @Test
    void theGridIsATableOfSpotRowsAndVolColumnsWithLossesRedAndTheWorstCellFramed() {
        PortfolioSeries.Grid g = new PortfolioSeries.Grid(0, SyntheticPortfolio.SPOT, SyntheticPortfolio.VOL, CELLS,
                52_345, -0.10, 0.50);
        StringBuilder h = new StringBuilder();
        PortfolioReport.grid(h, g);
        String table = h.toString();
        assertThat(table).contains("<th>+0%</th><th>+50%</th>").contains("<tr><th>-10%</th>")
                .contains("<tr><th>+10%</th>");
        String[] rows = table.split("<tr><th>");
        // Row −10%: both losses (red), the worst (vol +50%) framed and deepest.
        assertThat(rows[2]).startsWith("-10%")
                .contains("background:rgba(220,38,38,0.57)\">-41,000</td>")
                .contains("background:rgba(220,38,38,0.70);outline:2px solid #111;font-weight:600\">-52,345</td>");
        // Row +10%: gains (green).
        assertThat(rows[4]).startsWith("+10%").contains("background:rgba(5,150,105,0.53)\">38,000</td>");
        assertThat(HtmlReportTest.count(table, "outline:")).isEqualTo(1);
    }

    @Test
    void aRunWithoutPortfolioRecordsSaysSo() throws Exception {
        RunData data = SyntheticRun.of(1, 1, 5_000);
        String html = HtmlReport.html(data, RunSummary.of(data), Map.of());
        assertThat(html).contains("No portfolio-risk output").doesNotContain("data-portfolio-chart")
                .doesNotContain("ballast-portfolio-data");
    }

    @Test
    void theSummaryHasEachProvidersFinalNumbers() {
        List<PortfolioReport.ProviderSummary> s = PortfolioReport.summary(run());
        assertThat(s).extracting(PortfolioReport.ProviderSummary::provider).containsExactly("mm1", "mm2");
        assertThat(s.get(0).records()).isEqualTo(30);
        assertThat(s.get(0).equity()).isEqualTo(352_900);
        assertThat(s.get(0).collateralValue()).isEqualTo(351_900);
        assertThat(s.get(0).worstLoss()).isEqualTo(52_345);
        assertThat(s.get(1).marginUsage()).isNull();
    }
}
