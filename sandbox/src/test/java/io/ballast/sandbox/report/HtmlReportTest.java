package io.ballast.sandbox.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.sandbox.monitor.RunData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HtmlReportTest {

    private static final Map<String, String> PARAMETERS = new LinkedHashMap<>(Map.of("seed", "42"));

    static int count(String html, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void onePageWithChartJsInlinedAndAChartPerProviderAndUnderlying() throws Exception {
        RunData data = SyntheticRun.of(1, 3, 120_000);
        Path file = Path.of("target", "example-report.html");
        HtmlReport.write(file, data, RunSummary.of(data), PARAMETERS);
        String html = Files.readString(file);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("Chart.js v4").doesNotContain("<script src=")
                .doesNotContain("http://").doesNotContain("<link ");
        assertThat(count(html, "data-chart=\"delta\"")).isEqualTo(6);
        assertThat(count(html, "data-chart=\"inventory\"")).isEqualTo(3);
        assertThat(count(html, "data-chart=\"hedge-cost\"")).isEqualTo(3);
        assertThat(count(html, "data-chart=\"skew\"")).isEqualTo(2);
        assertThat(count(html, "data-chart=\"price\"")).isEqualTo(2);
        // Every key has gamma and vega limits: a greeks chart and a by-expiry chart each.
        assertThat(count(html, "data-chart=\"greeks\"")).isEqualTo(6);
        assertThat(count(html, "data-chart=\"expiry\"")).isEqualTo(6);
        assertThat(html).contains("id=\"provider-mm1\"", "id=\"underlying-BTC\"", "id=\"underlying-ETH\"");
        assertThat(html).doesNotContain("No inventory-risk output");
    }

    /** The chart data as the page's script reads it: the JSON block of the written page. */
    private static JsonNode pageData(String html) throws Exception {
        String open = "<script type=\"application/json\" id=\"ballast-data\">";
        int from = html.indexOf(open) + open.length();
        return new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    @Test
    void dollarGammaAndVegaAgainstTheirLimitsWithTheOptionHedgesAndTheLastRiskByExpiry() throws Exception {
        RunData data = SyntheticRun.of(3, 3, 120_000);
        String html = HtmlReport.html(data, RunSummary.of(data), PARAMETERS);
        JsonNode keys = pageData(html).path("keys");
        for (RunData.KeySeries k : data.keys()) {
            JsonNode node = keys.path(k.key());
            assertThat(node.path("gammaLimit").asDouble()).isEqualTo(k.limits().gammaLimit());
            assertThat(node.path("vegaLimit").asDouble()).isEqualTo(k.limits().vegaLimit());
            // Fewer records than MAX_POINTS: every one, as absolute values to six digits.
            JsonNode g = node.path("greeks");
            assertThat(g.path("t")).hasSize(k.risk().size());
            for (int i : new int[] {0, k.risk().size() / 2, k.risk().size() - 1}) {
                RunData.RiskPoint p = k.risk().get(i);
                assertThat(g.path("t").get(i).asDouble()).isCloseTo((p.time() - data.start()) / 1000.0, within(0.01));
                assertThat(g.path("dollarGamma").get(i).asDouble())
                        .isCloseTo(Math.abs(p.dollarGamma()), within(1e-5 * Math.abs(p.dollarGamma()) + 1e-9));
                assertThat(g.path("vega").get(i).asDouble())
                        .isCloseTo(Math.abs(p.vega()), within(1e-5 * Math.abs(p.vega()) + 1e-9));
            }
            // One marker per option hedge, on the greek it hedges at the record at or before it.
            List<RunData.SignalPoint> optionHedges = k.signals().stream()
                    .filter(s -> s.type().endsWith("_HEDGE") && !s.type().equals("DELTA_HEDGE")).toList();
            JsonNode markers = node.path("optionHedges");
            assertThat(markers).hasSize(optionHedges.size());
            for (int i = 0; i < optionHedges.size(); i++) {
                RunData.SignalPoint s = optionHedges.get(i);
                RunData.RiskPoint at = k.risk().stream().filter(p -> p.time() <= s.time())
                        .reduce((a, b) -> b).orElseThrow();
                double expected = Math.abs(s.type().equals("GAMMA_HEDGE") ? at.dollarGamma() : at.vega());
                JsonNode m = markers.get(i);
                assertThat(m.path("type").asText()).isEqualTo(s.type());
                assertThat(m.path("side").asText()).isEqualTo(s.side());
                assertThat(m.path("q").asDouble()).isEqualTo(s.quantity());
                assertThat(m.path("y").asDouble()).isCloseTo(expected, within(1e-5 * expected));
            }
            // The last state's risk by expiry, earliest first.
            JsonNode byExpiry = node.path("byExpiry");
            assertThat(byExpiry).hasSize(k.byExpiry().size());
            for (int e = 0; e < k.byExpiry().size(); e++) {
                RunData.ExpiryRisk x = k.byExpiry().get(e);
                assertThat(byExpiry.get(e).path("expiry").asLong()).isEqualTo(x.expiry());
                assertThat(byExpiry.get(e).path("vega").asDouble()).isCloseTo(x.vega(), within(1e-5 * Math.abs(x.vega())));
                assertThat(byExpiry.get(e).path("dollarGamma").asDouble())
                        .isCloseTo(x.dollarGamma(), within(1e-5 * Math.abs(x.dollarGamma())));
            }
            assertThat(byExpiry.get(0).path("label").asText()).matches("\\d{1,2}[A-Z]{3}\\d{2}");
        }
        // The synthetic first provider breaches its tighter limits and hedges with options; the others never do.
        JsonNode mm1 = keys.path("mm1/BTC");
        assertThat(mm1.path("gammaLimit").asDouble()).isEqualTo(SyntheticRun.OPTION_HEDGE_GAMMA_LIMIT);
        assertThat(mm1.path("optionHedges").size()).isPositive();
        assertThat(keys.path("mm2/BTC").path("optionHedges")).isEmpty();
        // ... which the summary table counts apart from the delta hedges.
        RunSummary.ProviderSummary p1 = RunSummary.of(data).providers().get(0);
        assertThat(p1.optionHedgeSignals()).isPositive();
        assertThat(html).contains("<th>option hedges (filled)</th>")
                .contains("<td class=\"num\">" + p1.optionHedgeSignals() + " (" + p1.optionHedgeFills() + ")</td>");
    }

    @Test
    void keysWithoutGammaOrVegaLimitsGetNoGreekCharts() throws Exception {
        RunData.LimitsInfo bandOnly = new RunData.LimitsInfo(0, 3, "FIXED", null, null);
        RunData data = new RunData(0, 1_000, new RunData.Counts(0, 0, 0, 0, 1, 0, 0, 0, 0), Map.of(), Map.of(),
                List.of(new RunData.KeySeries("mm1", "BTC", bandOnly,
                        List.of(new RunData.RiskPoint(500, 1, 0, 0, 0, 0, 0, 1, 100, 3)), List.of(), List.of(), List.of())),
                List.of());
        String html = HtmlReport.html(data, RunSummary.of(data), PARAMETERS);
        assertThat(count(html, "data-chart=\"greeks\"")).isZero();
        assertThat(count(html, "data-chart=\"expiry\"")).isZero();
        assertThat(pageData(html).path("keys").path("mm1/BTC").has("greeks")).isFalse();
    }

    @Test
    void emptyRunStillHasEveryChartAndSaysWhy() throws Exception {
        RunData data = new RunData(0, 30_000, new RunData.Counts(100, 10, 0, 0, 0, 0, 0, 0, 0), Map.of(), Map.of(),
                List.of(new RunData.KeySeries("mm1", "BTC", null, List.of(), List.of(), List.of(), List.of())),
                List.of(new RunData.UnderlyingSeries("BTC", List.of(), Map.of())));
        String html = HtmlReport.html(data, RunSummary.of(data), PARAMETERS);
        assertThat(html).contains("No inventory-risk output");
        assertThat(count(html, "data-chart=\"delta\"")).isEqualTo(1);
        assertThat(count(html, "data-chart=\"skew\"")).isEqualTo(1);
        assertThat(count(html, "no data")).isEqualTo(5);
    }

    @Test
    void namesCannotBreakOutOfThePage() throws Exception {
        RunData data = new RunData(0, 1_000, new RunData.Counts(0, 0, 0, 0, 0, 0, 0, 0, 0), Map.of(), Map.of(),
                List.of(new RunData.KeySeries("</script><b>", "BTC", null, List.of(), List.of(), List.of(), List.of())),
                List.of());
        String html = HtmlReport.html(data, RunSummary.of(data), PARAMETERS);
        assertThat(html).doesNotContain("</script><b>").contains("&lt;/script&gt;&lt;b&gt;")
                .contains("\\u003c/script>\\u003cb>");
    }

    @Test
    void longSeriesAreThinnedKeepingTheirExtremes() {
        double[] values = new double[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i / 100.0);
        }
        values[54_321] = 50;
        values[12_345] = -50;
        int[] picked = Downsample.indices(values, HtmlReport.MAX_POINTS);
        assertThat(picked.length).isLessThanOrEqualTo(HtmlReport.MAX_POINTS);
        assertThat(picked).contains(0, 54_321, 12_345, values.length - 1);
        for (int i = 1; i < picked.length; i++) {
            assertThat(picked[i]).isGreaterThan(picked[i - 1]);
        }
        assertThat(Downsample.indices(new double[10], 1500)).hasSize(10);
    }
}
