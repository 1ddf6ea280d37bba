package io.ballast.sandbox.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.sandbox.monitor.PortfolioSeries;
import io.ballast.sandbox.monitor.RunData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's portfolio section, from the {@code portfolio-risk} records: per provider its equity and
 * margin over time (margin usage on the right axis), the day's P&L attribution stacked (delta, gamma, vega,
 * theta, unexplained, with the total as a line), the final stress grid as a heat map (spot shocks × vol
 * shocks, P&L in USD), and its MARGIN_USAGE / LIQUIDATION_BUFFER signals. Its data and its script
 * ({@code portfolio.js}) travel with the section; the script draws once the page, Chart.js included, is loaded.
 */
public final class PortfolioReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The final numbers of one provider's portfolio, for summary.json; null where there is no record. */
    public record ProviderSummary(String provider, long records, Double collateralValue, Double equity, Double margin,
                                  Double marginUsage,
                                  Double liquidationMoveDown, Double liquidationMoveUp, Double worstLoss,
                                  int marginSignals, int liquidationSignals) {
    }

    private PortfolioReport() {
    }

    /** The section, its data and its script, appended to the page. */
    static void append(StringBuilder h, RunData data) throws IOException {
        h.append("<section id=\"portfolio\"><h2>Portfolio: equity, margin, P&amp;L attribution, stress</h2>\n");
        if (data.portfolios().isEmpty()) {
            h.append("<p class=\"warn\">No portfolio-risk output: Ballast wrote no PortfolioRisk during this run.</p>"
                    + "</section>\n");
            return;
        }
        h.append("<p class=\"note\">From Ballast's portfolio-risk records. Equity: collateral after haircuts plus "
                + "option values, spot values and perpetual P&amp;L. Margin: the worst loss of the stress grid; "
                + "margin usage = margin / equity. Liquidation moves: the move of every underlying together at "
                + "which equity is gone. Attribution: since the start of the UTC day, summed over re-marks.</p>\n");
        for (PortfolioSeries.Provider p : data.portfolios()) {
            providerSection(h, p, data.start());
        }
        h.append("<script type=\"application/json\" id=\"ballast-portfolio-data\">")
                .append(JSON.writeValueAsString(chartData(data)).replace("<", "\\u003c"))
                .append("</script>\n<script>\n").append(HtmlReport.resource("portfolio.js")).append("</script>\n</section>\n");
    }

    private static void providerSection(StringBuilder h, PortfolioSeries.Provider p, long start) {
        String id = HtmlReport.esc(p.provider());
        h.append("<div class=\"portfolio\" id=\"portfolio-").append(id).append("\"><h3>").append(id).append("</h3>\n");
        PortfolioSeries.Point last = p.last();
        if (last != null) {
            h.append("<p class=\"limits\">final: equity ").append(usd(last.equity())).append(" USD, margin ")
                    .append(usd(last.margin())).append(" USD, margin usage ")
                    .append(LiveLine.percent(last.marginUsage(), false)).append(", liquidation moves ")
                    .append(LiveLine.percent(last.liquidationMoveDown(), true)).append(" / ")
                    .append(LiveLine.percent(last.liquidationMoveUp(), true)).append("; ").append(p.points().size())
                    .append(" records</p>\n");
        }
        h.append("<div class=\"grid\">\n");
        figure(h, "Equity and margin (USD, left), margin usage (%, dashed, right)", "equity", id, p.points().isEmpty());
        figure(h, "The day's P&L attribution (USD, stacked): delta, gamma, vega, theta, unexplained; total as a line",
                "explain", id, p.points().isEmpty());
        h.append("</div>\n");
        if (p.grid() != null) {
            grid(h, p.grid());
        }
        if (!p.signals().isEmpty()) {
            h.append("<table class=\"portfolio-signals\"><thead><tr><th>seconds since start</th><th>signal</th><th>status</th>"
                    + "<th>reason</th></tr></thead><tbody>\n");
            for (PortfolioSeries.Signal s : p.signals()) {
                h.append("<tr><td class=\"num\">").append(HtmlReport.seconds(s.time(), start)).append("</td><td>").append(HtmlReport.esc(s.type()))
                        .append("</td><td>").append(HtmlReport.esc(s.status())).append("</td><td>")
                        .append(HtmlReport.esc(s.reason())).append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</div>\n");
    }

    private static void figure(StringBuilder h, String caption, String chart, String provider, boolean empty) {
        h.append("<figure><figcaption>").append(HtmlReport.esc(caption))
                .append("</figcaption><div class=\"chart\"><canvas data-portfolio-chart=\"").append(chart)
                .append("\" data-provider=\"").append(provider).append("\"></canvas>");
        if (empty) {
            h.append("<div class=\"empty\">no data</div>");
        }
        h.append("</div></figure>\n");
    }

    /**
     * The stress grid as a table: a row per spot shock, a column per vol shock, each cell the P&L in USD,
     * red for a loss and green for a gain, deeper with its size against the grid's largest; the worst cell
     * framed.
     */
    static void grid(StringBuilder h, PortfolioSeries.Grid g) {
        double largest = 0;
        for (double c : g.cells()) {
            largest = Math.max(largest, Math.abs(c));
        }
        h.append("<table class=\"stress-grid\"><caption class=\"note\">Stress grid of the last record: P&amp;L, USD, ")
                .append("full revaluation; worst loss ").append(usd(g.worstLoss())).append(" at spot ")
                .append(LiveLine.percent(g.worstSpotShock(), true)).append(", vol ")
                .append(LiveLine.percent(g.worstVolShock(), true)).append("</caption>\n<thead><tr><th>spot \\ vol</th>");
        for (double v : g.volShocks()) {
            h.append("<th>").append(LiveLine.percent(v, true)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        int worst = worstCell(g);
        for (int i = 0; i < g.spotShocks().size(); i++) {
            h.append("<tr><th>").append(LiveLine.percent(g.spotShocks().get(i), true)).append("</th>");
            for (int j = 0; j < g.volShocks().size(); j++) {
                double c = g.cell(i, j);
                double alpha = largest == 0 ? 0 : 0.08 + 0.62 * Math.abs(c) / largest;
                String rgb = c < 0 ? "220,38,38" : "5,150,105";
                h.append("<td class=\"num\" style=\"background:rgba(").append(rgb).append(',')
                        .append(String.format(Locale.ROOT, "%.2f", alpha)).append(')');
                if (i * g.volShocks().size() + j == worst) {
                    h.append(";outline:2px solid #111;font-weight:600");
                }
                h.append("\">").append(String.format(Locale.ROOT, "%,.0f", c)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** Index of the minimum cell, the first in row-major order on a tie (as the contract's worst scenario). */
    private static int worstCell(PortfolioSeries.Grid g) {
        int worst = 0;
        for (int k = 1; k < g.cells().size(); k++) {
            if (g.cells().get(k) < g.cells().get(worst)) {
                worst = k;
            }
        }
        return worst;
    }

    /** The series portfolio.js charts, per provider; times in seconds since the start of the run. */
    static ObjectNode chartData(RunData data) {
        ObjectNode root = JSON.createObjectNode();
        long start = data.start();
        root.put("duration", HtmlReport.seconds(data.end(), start));
        ObjectNode providers = root.putObject("providers");
        for (PortfolioSeries.Provider p : data.portfolios()) {
            ObjectNode node = providers.putObject(p.provider());
            List<PortfolioSeries.Point> points = p.points();
            double[] equity = points.stream().mapToDouble(PortfolioSeries.Point::equity).toArray();
            ArrayNode t = node.putArray("t");
            ArrayNode eq = node.putArray("equity");
            ArrayNode margin = node.putArray("margin");
            ArrayNode usage = node.putArray("usage");
            ArrayNode total = node.putArray("total");
            ArrayNode delta = node.putArray("delta");
            ArrayNode gamma = node.putArray("gamma");
            ArrayNode vega = node.putArray("vega");
            ArrayNode theta = node.putArray("theta");
            ArrayNode unexplained = node.putArray("unexplained");
            for (int i : Downsample.indices(equity, HtmlReport.MAX_POINTS)) {
                PortfolioSeries.Point x = points.get(i);
                t.add(HtmlReport.seconds(x.time(), start));
                eq.add(HtmlReport.round(x.equity()));
                margin.add(HtmlReport.round(x.margin()));
                if (x.marginUsage() == null) {
                    usage.addNull();
                } else {
                    usage.add(HtmlReport.round(100 * x.marginUsage()));
                }
                total.add(HtmlReport.round(x.explainTotal()));
                delta.add(HtmlReport.round(x.explainDelta()));
                gamma.add(HtmlReport.round(x.explainGamma()));
                vega.add(HtmlReport.round(x.explainVega()));
                theta.add(HtmlReport.round(x.explainTheta()));
                unexplained.add(HtmlReport.round(x.explainUnexplained()));
            }
        }
        return root;
    }

    /** Each provider's final numbers and signal counts. */
    public static List<ProviderSummary> summary(RunData data) {
        List<ProviderSummary> all = new ArrayList<>();
        for (PortfolioSeries.Provider p : data.portfolios()) {
            PortfolioSeries.Point last = p.last();
            int margin = (int) p.signals().stream().filter(s -> s.type().equals("MARGIN_USAGE")).count();
            int liquidation = (int) p.signals().stream().filter(s -> s.type().equals("LIQUIDATION_BUFFER")).count();
            all.add(new ProviderSummary(p.provider(), p.points().size(),
                    last == null ? null : last.collateralValue(), last == null ? null : last.equity(),
                    last == null ? null : last.margin(), last == null ? null : last.marginUsage(),
                    last == null ? null : last.liquidationMoveDown(), last == null ? null : last.liquidationMoveUp(),
                    p.grid() == null ? null : p.grid().worstLoss(), margin, liquidation));
        }
        return all;
    }

    private static String usd(double x) {
        return String.format(Locale.ROOT, "%,.0f", x);
    }
}
