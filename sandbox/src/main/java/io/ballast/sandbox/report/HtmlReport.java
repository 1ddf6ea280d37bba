package io.ballast.sandbox.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.sandbox.monitor.RunData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The run as one self-contained HTML page: a summary, then per provider its delta against the band over
 * time with hedge markers (one chart per underlying), where it has gamma or vega limits its |dollar gamma|
 * and |vega| against them with the option hedges marked, and its option risk by expiry at the end (one of
 * each per underlying), its inventory and mark value, and its hedge cost; per underlying the price, and
 * atmVol and rr25 of each expiry over time. The charts are drawn by
 * Chart.js, inlined into the page with the data, so the file opens anywhere, offline.
 */
public final class HtmlReport {

    /** Points per series at most; longer series are thinned keeping their extremes. */
    static final int MAX_POINTS = 1500;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("dMMMyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private HtmlReport() {
    }

    /**
     * @param parameters how the run was made (seed, rate, ...), shown as given
     */
    public static void write(Path file, RunData data, RunSummary summary, Map<String, String> parameters)
            throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html(data, summary, parameters), StandardCharsets.UTF_8);
    }

    static String html(RunData data, RunSummary summary, Map<String, String> parameters) throws IOException {
        StringBuilder h = new StringBuilder(512 * 1024);
        String when = WHEN.format(Instant.ofEpochMilli(data.start()));
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Ballast sandbox report, ").append(esc(when)).append("</title>\n<style>\n")
                .append(resource("report.css")).append("</style>\n</head>\n<body>\n");
        h.append("<header><h1>Ballast sandbox</h1><p>Run of ").append(esc(when)).append(", ")
                .append(esc(LiveLine.duration(summary.durationMillis()))).append(". ");
        parameters.forEach((k, v) -> h.append("<span class=\"param\">").append(esc(k)).append(" <b>")
                .append(esc(v)).append("</b></span> "));
        h.append("</p></header>\n");

        summarySection(h, data, summary);
        Map<String, List<RunData.KeySeries>> byProvider = new LinkedHashMap<>();
        for (RunData.KeySeries k : data.keys()) {
            byProvider.computeIfAbsent(k.provider(), p -> new ArrayList<>()).add(k);
        }
        byProvider.forEach((provider, keys) -> providerSection(h, provider, keys, data.counts().riskRecords() == 0));
        for (RunData.UnderlyingSeries u : data.underlyings()) {
            underlyingSection(h, u, data.counts().skewRecords() == 0);
        }
        PortfolioReport.append(h, data);
        h.append("<footer>Charts by Chart.js ").append(esc(ChartJs.version()))
                .append(" (MIT licence), inlined. Written by the Ballast sandbox.</footer>\n");
        h.append("<script>\n").append(ChartJs.source()).append("\n</script>\n");
        h.append("<script type=\"application/json\" id=\"ballast-data\">")
                .append(JSON.writeValueAsString(chartData(data)).replace("<", "\\u003c"))
                .append("</script>\n<script>\n").append(resource("report.js")).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void summarySection(StringBuilder h, RunData data, RunSummary s) {
        RunData.Counts c = data.counts();
        h.append("<section id=\"summary\"><h2>Summary</h2>\n");
        if (c.riskRecords() == 0) {
            h.append("<p class=\"warn\">No inventory-risk output: Ballast wrote no RiskSnapshot during this run, "
                    + "so there is no delta to chart or to judge against a band.</p>\n");
        }
        h.append("<table><thead><tr><th>provider</th><th>inside band</th><th>hedges (filled)</th>"
                + "<th>option hedges (filled)</th><th>hedge cost, USD</th><th>final delta / band</th><th>positions</th><th>mark value, USD</th>"
                + "</tr></thead><tbody>\n");
        for (RunSummary.ProviderSummary p : s.providers()) {
            h.append("<tr><td><a href=\"#provider-").append(esc(p.provider())).append("\">").append(esc(p.provider()))
                    .append("</a></td><td class=\"num\">").append(esc(RunSummary.percent(p.insideShare()).trim()))
                    .append("</td><td class=\"num\">").append(p.hedgeSignals()).append(" (").append(p.hedgeFills())
                    .append(")</td><td class=\"num\">").append(p.optionHedgeSignals()).append(" (")
                    .append(p.optionHedgeFills())
                    .append(")</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,.2f", p.hedgeCost()))
                    .append("</td><td>");
            StringBuilder positions = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (RunSummary.KeySummary k : p.underlyings()) {
                h.append(esc(k.underlying())).append(' ')
                        .append(k.finalDelta() == null ? "&ndash;" : esc(LiveLine.signed(k.finalDelta())))
                        .append(" / ").append(k.band() == null ? "?" : esc(LiveLine.number(k.band()))).append("<br>");
                positions.append(esc(k.underlying())).append(' ')
                        .append(k.positions() == null ? "&ndash;" : k.positions()).append("<br>");
                marks.append(esc(k.underlying())).append(' ').append(k.markValue() == null ? "&ndash;"
                        : String.format(Locale.ROOT, "%,.0f", k.markValue())).append("<br>");
            }
            h.append("</td><td>").append(positions).append("</td><td class=\"num\">").append(marks).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n<p>");
        h.append(String.format(Locale.ROOT, "In: %,d quotes, %,d provider fills, %,d hedge fills. ",
                c.quotesSent(), c.fillsSent(), c.hedgeFillsSent()));
        h.append(String.format(Locale.ROOT, "Ballast wrote %,d inventory-risk records, %,d rebalance signals (%s), %,d vol-skew "
                        + "and %,d rejected records.", c.riskRecords(), c.signalRecords(),
                esc(LiveLine.signals(s.signalsByType())), c.skewRecords(), c.rejectedRecords()));
        if (!s.rejectedByReason().isEmpty()) {
            h.append(" Rejected by reason: ").append(esc(s.rejectedByReason().toString())).append('.');
        }
        if (c.duplicateSignals() > 0) {
            h.append(String.format(Locale.ROOT, " The router ignored %,d repeated signal ids.", c.duplicateSignals()));
        }
        RunData.CoinVenue coin = data.coinVenue();
        if (coin.ran()) {
            h.append("</p>\n<p id=\"coin-venue\">").append(esc(RunSummary.coinVenueLine(coin).trim())).append(". Its options are "
                    + "quoted in coin (priceUnit UNDERLYING, converted to USD by Ballast at its edge), its perpetuals are "
                    + "inverse (USD contracts settled in coin; hedges in whole contracts).");
        }
        h.append("</p>\n<p class=\"note\">Inside band: the share of time, from a provider's first inventory-risk "
                + "record to the end of the run, that |netDelta &minus; deltaTarget| stayed within the band "
                + "(deltaBand, or the Whalley&ndash;Wilmott band where configured). Option hedges: GAMMA_HEDGE and "
                + "VEGA_HEDGE orders. Hedge cost, of all hedges: router fees plus slippage against the mid (an "
                + "option hedge pays the half-spread).</p></section>\n");
    }

    private static void providerSection(StringBuilder h, String provider, List<RunData.KeySeries> keys, boolean noRisk) {
        h.append("<section class=\"provider\" id=\"provider-").append(esc(provider)).append("\"><h2>")
                .append(esc(provider)).append("</h2>\n");
        for (RunData.KeySeries k : keys) {
            if (k.limits() != null) {
                RunData.LimitsInfo l = k.limits();
                h.append("<p class=\"limits\">").append(esc(k.underlying())).append(": band ")
                        .append(esc(LiveLine.number(l.deltaBand()))).append(' ').append(esc(l.bandMode()))
                        .append(", target ").append(esc(LiveLine.number(l.deltaTarget())));
                if (l.gammaLimit() != null) {
                    h.append(", gamma limit ").append(String.format(Locale.ROOT, "%,.0f", l.gammaLimit())).append(" USD/1%");
                }
                if (l.vegaLimit() != null) {
                    h.append(", vega limit ").append(String.format(Locale.ROOT, "%,.0f", l.vegaLimit())).append(" USD/vol pt");
                }
                h.append("</p>\n");
            }
        }
        h.append("<div class=\"grid\">\n");
        for (RunData.KeySeries k : keys) {
            figure(h, "Net delta vs band, " + k.underlying() + " (units of " + k.underlying()
                            + "); triangles: hedge signals",
                    "data-chart=\"delta\" data-key=\"" + esc(k.key()) + "\"", noRisk || k.risk().isEmpty());
        }
        for (RunData.KeySeries k : keys) {
            if (hasGreekLimit(k)) {
                figure(h, "|Dollar gamma| (USD per 1%, left) and |vega| (USD per vol point, right) vs their limits, "
                                + k.underlying() + "; triangles: option hedges",
                        "data-chart=\"greeks\" data-key=\"" + esc(k.key()) + "\"", noRisk || k.risk().isEmpty());
                figure(h, "Option risk by expiry at the end, " + k.underlying()
                                + ": vega (USD per vol point, left) and dollar gamma (USD per 1%, right)",
                        "data-chart=\"expiry\" data-key=\"" + esc(k.key()) + "\"", k.byExpiry().isEmpty());
            }
        }
        figure(h, "Inventory: mark value (USD, left) and positions (right)",
                "data-chart=\"inventory\" data-provider=\"" + esc(provider) + "\"", noRisk);
        figure(h, "Cumulative hedge cost (USD): fees + slippage",
                "data-chart=\"hedge-cost\" data-provider=\"" + esc(provider) + "\"",
                keys.stream().allMatch(k -> k.hedgeFills().isEmpty()));
        h.append("</div></section>\n");
    }

    private static boolean hasGreekLimit(RunData.KeySeries k) {
        return k.limits() != null && (k.limits().gammaLimit() != null || k.limits().vegaLimit() != null);
    }

    private static void underlyingSection(StringBuilder h, RunData.UnderlyingSeries u, boolean noSkew) {
        h.append("<section class=\"underlying\" id=\"underlying-").append(esc(u.underlying())).append("\"><h2>")
                .append(esc(u.underlying())).append("</h2>\n<div class=\"grid\">\n");
        figure(h, "ATM vol (%, solid, left) and 25-delta risk reversal (vol points, dashed, right), by expiry",
                "data-chart=\"skew\" data-underlying=\"" + esc(u.underlying()) + "\"", noSkew || u.skew().isEmpty());
        figure(h, "Price (perpetual mid, USD)", "data-chart=\"price\" data-underlying=\"" + esc(u.underlying()) + "\"",
                u.prices().isEmpty());
        h.append("</div></section>\n");
    }

    private static void figure(StringBuilder h, String caption, String attributes, boolean empty) {
        h.append("<figure><figcaption>").append(esc(caption)).append("</figcaption><div class=\"chart\"><canvas ")
                .append(attributes).append("></canvas>");
        if (empty) {
            h.append("<div class=\"empty\">no data</div>");
        }
        h.append("</div></figure>\n");
    }

    /** The series the page's script charts, times in seconds since the start of the run. */
    static ObjectNode chartData(RunData data) {
        ObjectNode root = JSON.createObjectNode();
        long start = data.start();
        root.put("duration", seconds(data.end(), start));
        ObjectNode keys = root.putObject("keys");
        for (RunData.KeySeries k : data.keys()) {
            ObjectNode node = keys.putObject(k.key());
            node.put("provider", k.provider());
            node.put("underlying", k.underlying());
            node.put("target", k.limits() == null ? 0 : k.limits().deltaTarget());
            List<RunData.RiskPoint> risk = k.risk();
            double[] delta = risk.stream().mapToDouble(RunData.RiskPoint::netDelta).toArray();
            int[] pick = Downsample.indices(delta, MAX_POINTS);
            ArrayNode t = node.putArray("t");
            ArrayNode d = node.putArray("delta");
            ArrayNode eff = node.putArray("effective");
            ArrayNode band = node.putArray("band");
            ArrayNode mark = node.putArray("mark");
            ArrayNode positions = node.putArray("positions");
            for (int i : pick) {
                RunData.RiskPoint p = risk.get(i);
                t.add(seconds(p.time(), start));
                d.add(round(p.netDelta()));
                eff.add(round(p.netDelta() + p.pendingHedge()));
                if (Double.isNaN(p.band())) {
                    band.addNull();
                } else {
                    band.add(round(p.band()));
                }
                mark.add(round(p.markValue()));
                positions.add(p.positions());
            }
            ArrayNode hedges = node.putArray("hedges");
            for (RunData.SignalPoint s : k.signals()) {
                if ("DELTA_HEDGE".equals(s.type()) && "ACTION".equals(s.status())) {
                    ObjectNode m = hedges.addObject();
                    m.put("t", seconds(s.time(), start));
                    m.put("y", round(s.netDelta()));
                    m.put("side", s.side());
                    if (s.quantity() != null) {
                        m.put("q", round(s.quantity()));
                    }
                }
            }
            if (hasGreekLimit(k)) {
                greeks(node, k, start);
            }
            ArrayNode cost = node.putArray("cost");
            double total = 0;
            for (RunData.HedgeFill f : k.hedgeFills()) {
                total += f.cost();
                cost.addArray().add(seconds(f.time(), start)).add(round(total));
            }
        }
        ObjectNode underlyings = root.putObject("underlyings");
        for (RunData.UnderlyingSeries u : data.underlyings()) {
            ObjectNode node = underlyings.putObject(u.underlying());
            ArrayNode price = node.putArray("price");
            double[] prices = u.prices().stream().mapToDouble(RunData.PricePoint::price).toArray();
            for (int i : Downsample.indices(prices, MAX_POINTS)) {
                RunData.PricePoint p = u.prices().get(i);
                price.addArray().add(seconds(p.time(), start)).add(round(p.price()));
            }
            ArrayNode expiries = node.putArray("expiries");
            u.skew().forEach((expiry, points) -> {
                ObjectNode e = expiries.addObject();
                e.put("label", EXPIRY.format(Instant.ofEpochMilli(expiry)).toUpperCase(Locale.ROOT));
                ArrayNode atm = e.putArray("atm");
                ArrayNode rr = e.putArray("rr25");
                double[] vols = points.stream().mapToDouble(RunData.SkewPoint::atmVol).toArray();
                for (int i : Downsample.indices(vols, MAX_POINTS)) {
                    RunData.SkewPoint p = points.get(i);
                    double x = seconds(p.time(), start);
                    atm.addArray().add(x).add(round(100 * p.atmVol()));
                    if (p.rr25() != null) {
                        rr.addArray().add(x).add(round(100 * p.rr25()));
                    }
                }
            });
        }
        return root;
    }

    /**
     * |dollar gamma| and |vega| over time (each thinned keeping its own extremes), the limits, the option
     * hedges (drawn on the greek they hedge, at the last record at or before the signal), and the last
     * record's risk by expiry.
     */
    private static void greeks(ObjectNode node, RunData.KeySeries k, long start) {
        List<RunData.RiskPoint> risk = k.risk();
        RunData.LimitsInfo limits = k.limits();
        putOrNull(node, "gammaLimit", limits.gammaLimit());
        putOrNull(node, "vegaLimit", limits.vegaLimit());
        double[] dollarGamma = risk.stream().mapToDouble(p -> Math.abs(p.dollarGamma())).toArray();
        double[] vega = risk.stream().mapToDouble(p -> Math.abs(p.vega())).toArray();
        int[] pick = IntStream.concat(
                        Arrays.stream(Downsample.indices(dollarGamma, MAX_POINTS)),
                        Arrays.stream(Downsample.indices(vega, MAX_POINTS)))
                .distinct().sorted().toArray();
        ObjectNode g = node.putObject("greeks");
        ArrayNode t = g.putArray("t");
        ArrayNode dg = g.putArray("dollarGamma");
        ArrayNode v = g.putArray("vega");
        for (int i : pick) {
            t.add(seconds(risk.get(i).time(), start));
            dg.add(round(dollarGamma[i]));
            v.add(round(vega[i]));
        }
        ArrayNode hedges = node.putArray("optionHedges");
        for (RunData.SignalPoint s : k.signals()) {
            if (!RunData.optionHedge(s.type()) || !"ACTION".equals(s.status())) {
                continue;
            }
            RunData.RiskPoint at = atOrBefore(risk, s.time());
            boolean gamma = "GAMMA_HEDGE".equals(s.type());
            ObjectNode m = hedges.addObject();
            m.put("t", seconds(s.time(), start));
            m.put("type", s.type());
            m.put("side", s.side());
            if (s.quantity() != null) {
                m.put("q", round(s.quantity()));
            }
            if (at == null) {
                m.putNull("y");
            } else {
                m.put("y", round(Math.abs(gamma ? at.dollarGamma() : at.vega())));
            }
        }
        ArrayNode expiries = node.putArray("byExpiry");
        for (RunData.ExpiryRisk e : k.byExpiry()) {
            ObjectNode o = expiries.addObject();
            o.put("label", EXPIRY.format(Instant.ofEpochMilli(e.expiry())).toUpperCase(Locale.ROOT));
            o.put("expiry", e.expiry());
            o.put("netDelta", round(e.netDelta()));
            o.put("dollarGamma", round(e.dollarGamma()));
            o.put("vega", round(e.vega()));
            o.put("theta", round(e.theta()));
        }
    }

    /** The last record at or before {@code time} (records in arrival order), else the first; null if none. */
    private static RunData.RiskPoint atOrBefore(List<RunData.RiskPoint> risk, long time) {
        RunData.RiskPoint found = null;
        for (RunData.RiskPoint p : risk) {
            if (p.time() <= time) {
                found = p;
            }
        }
        return found != null || risk.isEmpty() ? found : risk.get(0);
    }

    private static void putOrNull(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.doubleValue());
        }
    }

    static double seconds(long time, long start) {
        return Math.round((time - start) / 10.0) / 100.0;
    }

    /** Six significant digits are plenty on a chart, and keep the page small. */
    static double round(double x) {
        if (x == 0 || !Double.isFinite(x)) {
            return Double.isFinite(x) ? x : 0;
        }
        double scale = Math.pow(10, 5 - Math.floor(Math.log10(Math.abs(x))));
        return Math.round(x * scale) / scale;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
