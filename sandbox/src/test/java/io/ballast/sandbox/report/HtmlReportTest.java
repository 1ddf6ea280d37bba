package io.ballast.sandbox.report;

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
        assertThat(html).contains("id=\"provider-mm1\"", "id=\"underlying-BTC\"", "id=\"underlying-ETH\"");
        assertThat(html).doesNotContain("No inventory-risk output");
    }

    @Test
    void emptyRunStillHasEveryChartAndSaysWhy() throws Exception {
        RunData data = new RunData(0, 30_000, new RunData.Counts(100, 10, 0, 0, 0, 0, 0, 0, 0), Map.of(), Map.of(),
                List.of(new RunData.KeySeries("mm1", "BTC", null, List.of(), List.of(), List.of())),
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
                List.of(new RunData.KeySeries("</script><b>", "BTC", null, List.of(), List.of(), List.of())),
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
