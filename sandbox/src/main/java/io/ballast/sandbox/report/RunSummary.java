package io.ballast.sandbox.report;

import io.ballast.sandbox.monitor.RunData;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run came to, per provider: the share of time its |delta| stayed inside its band, its hedges and
 * what they cost, where its delta ended.
 *
 * <p>The share inside the band is time-weighted over the inventory-risk records: each record's state
 * holds until the next one (the last until the end of the run), and counts from the first record on.
 */
public record RunSummary(long durationMillis, RunData.Counts counts, Map<String, Long> signalsByType,
                         Map<String, Long> rejectedByReason, List<ProviderSummary> providers,
                         RunData.CoinVenue coinVenue) {

    /**
     * One provider in one underlying. hedgeSignals and hedgeFills count delta hedges, optionHedgeSignals and
     * optionHedgeFills GAMMA_HEDGE and VEGA_HEDGE orders; hedgeCost is what all of them cost.
     */
    public record KeySummary(String underlying, Double insideShare, long observedMillis, long hedgeSignals,
                             long hedgeFills, long optionHedgeSignals, long optionHedgeFills, double hedgeCost,
                             Double finalDelta, Double band, Integer positions, Double markValue, double maxAbsDelta,
                             long riskRecords) {
    }

    /** One provider, all its underlyings. */
    public record ProviderSummary(String provider, Double insideShare, long hedgeSignals, long hedgeFills,
                                  long optionHedgeSignals, long optionHedgeFills, double hedgeCost,
                                  List<KeySummary> underlyings) {
    }

    public static RunSummary of(RunData data) {
        Map<String, List<KeySummary>> byProvider = new LinkedHashMap<>();
        for (RunData.KeySeries k : data.keys()) {
            byProvider.computeIfAbsent(k.provider(), p -> new ArrayList<>()).add(key(k, data.end()));
        }
        List<ProviderSummary> providers = new ArrayList<>();
        byProvider.forEach((provider, keys) -> {
            long observed = 0;
            double inside = 0;
            long signals = 0;
            long fills = 0;
            long optionSignals = 0;
            long optionFills = 0;
            double cost = 0;
            for (KeySummary k : keys) {
                if (k.insideShare() != null) {
                    observed += k.observedMillis();
                    inside += k.insideShare() * k.observedMillis();
                }
                signals += k.hedgeSignals();
                fills += k.hedgeFills();
                optionSignals += k.optionHedgeSignals();
                optionFills += k.optionHedgeFills();
                cost += k.hedgeCost();
            }
            providers.add(new ProviderSummary(provider, observed > 0 ? inside / observed : null, signals, fills,
                    optionSignals, optionFills, cost, List.copyOf(keys)));
        });
        return new RunSummary(data.end() - data.start(), data.counts(), data.signalsByType(), data.rejectedByReason(),
                providers, data.coinVenue());
    }

    private static KeySummary key(RunData.KeySeries k, long end) {
        List<RunData.RiskPoint> risk = k.risk();
        double target = k.limits() == null ? 0 : k.limits().deltaTarget();
        long observed = 0;
        long inside = 0;
        double maxAbs = 0;
        for (int i = 0; i < risk.size(); i++) {
            RunData.RiskPoint p = risk.get(i);
            maxAbs = Math.max(maxAbs, Math.abs(p.netDelta()));
            long until = i + 1 < risk.size() ? risk.get(i + 1).time() : Math.max(end, p.time());
            long span = Math.max(0, until - p.time());
            if (Double.isNaN(p.band())) {
                continue;
            }
            observed += span;
            if (p.inside(target)) {
                inside += span;
            }
        }
        if (risk.size() == 1 && observed == 0 && !Double.isNaN(risk.get(0).band())) {
            // A single record at the very end: judge it alone.
            observed = 1;
            inside = risk.get(0).inside(target) ? 1 : 0;
        }
        long hedgeSignals = k.signals().stream()
                .filter(s -> "DELTA_HEDGE".equals(s.type()) && "ACTION".equals(s.status())).count();
        long optionHedgeSignals = k.signals().stream()
                .filter(s -> RunData.optionHedge(s.type()) && "ACTION".equals(s.status())).count();
        long optionHedgeFills = k.hedgeFills().stream().filter(RunData.HedgeFill::optionHedge).count();
        double cost = k.hedgeFills().stream().mapToDouble(RunData.HedgeFill::cost).sum();
        RunData.RiskPoint last = k.last();
        Double band = null;
        if (last != null && !Double.isNaN(last.band())) {
            band = last.band();
        } else if (k.limits() != null) {
            band = k.limits().deltaBand();
        }
        return new KeySummary(k.underlying(), observed > 0 ? (double) inside / observed : null, observed,
                hedgeSignals, k.hedgeFills().size() - optionHedgeFills, optionHedgeSignals, optionHedgeFills, cost,
                last == null ? null : last.netDelta(),
                band,
                last == null ? null : last.positions(),
                last == null ? null : last.markValue(),
                maxAbs, risk.size());
    }

    /** The lines printed at the end of a run. */
    public List<String> lines(boolean simulated) {
        List<String> lines = new ArrayList<>();
        String sent = simulated ? String.format(Locale.ROOT, "sent %,d quotes, %,d fills, %,d hedge fills | ",
                counts.quotesSent(), counts.fillsSent(), counts.hedgeFillsSent()) : "";
        lines.add(String.format(Locale.ROOT, "SUMMARY %s: %sBallast wrote %,d risk, "
                        + "%,d distinct signals (%s), %,d skew, %,d rejected%s",
                LiveLine.duration(durationMillis), sent, counts.riskRecords(), counts.signalRecords(), LiveLine.signals(signalsByType), counts.skewRecords(),
                counts.rejectedRecords(), rejectedByReason.isEmpty() ? "" : " " + rejectedByReason));
        if (coinVenue.ran()) {
            lines.add(coinVenueLine(coinVenue));
        }
        if (counts.riskRecords() == 0) {
            lines.add("  no inventory-risk output: Ballast wrote no RiskSnapshot, so there are no deltas to judge");
        }
        for (ProviderSummary p : providers) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-5s inside band %s  hedges %d (filled %d)",
                    p.provider(), percent(p.insideShare()), p.hedgeSignals(), p.hedgeFills()));
            if (p.optionHedgeSignals() > 0 || p.optionHedgeFills() > 0) {
                line.append(String.format(Locale.ROOT, "  option hedges %d (filled %d)", p.optionHedgeSignals(),
                        p.optionHedgeFills()));
            }
            line.append(String.format(Locale.ROOT, "  hedge cost %,.2f USD  final delta", p.hedgeCost()));
            for (KeySummary k : p.underlyings()) {
                line.append(' ').append(k.underlying()).append(' ')
                        .append(k.finalDelta() == null ? "-" : LiveLine.signed(k.finalDelta()))
                        .append('/').append(k.band() == null ? "?" : LiveLine.number(k.band()));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * {@code   DERIBIT-SIM coin venue: 2,345 quotes, fills 31 coin-quoted options 12 inverse perpetual; inverse hedges
     * mm2 5 (whole contracts 5, filled 5) on BTC-PERPETUAL ETH-PERPETUAL}.
     */
    static String coinVenueLine(RunData.CoinVenue v) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "  %s coin venue: %,d quotes, fills %,d coin-quoted options %,d inverse perpetual; inverse hedges",
                v.venue(), v.quotesSent(), v.optionFillsSent(), v.inverseFillsSent()));
        if (v.inverseHedges().isEmpty()) {
            line.append(" none");
        }
        v.inverseHedges().forEach((provider, h) -> line.append(String.format(Locale.ROOT,
                " %s %d (whole contracts %d, filled %d) on %s", provider, h.signals(), h.wholeContractSignals(),
                h.filled(), String.join(" ", h.instruments()))));
        return line.toString();
    }

    static String percent(Double share) {
        return share == null ? "  n/a " : String.format(Locale.ROOT, "%5.1f%%", 100 * share);
    }
}
