package io.ballast.sandbox.report;

import io.ballast.sandbox.monitor.PortfolioSeries;
import io.ballast.sandbox.monitor.RunData;
import io.ballast.sandbox.monitor.RunRecorder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one line printed every couple of seconds: what went in, what Ballast wrote, and each provider's
 * delta against its band ({@code *} marks a delta outside it, {@code [..]} a hedge signalled and not yet
 * filled); where the limits have a gamma or vega limit, |dollar gamma| and |vega| against them
 * ({@code G$ 12k/10k* V 310/1k}: G$ dollar gamma, V vega, {@code *} over the limit; ASCII, since a
 * console on a non-UTF-8 locale would print Greek letters as {@code ?}).
 */
public final class LiveLine {

    private static final Map<String, String> SIGNAL_LABELS = new LinkedHashMap<>();

    static {
        SIGNAL_LABELS.put("DELTA_HEDGE", "hedge");
        SIGNAL_LABELS.put("GAMMA_LIMIT", "gamma");
        SIGNAL_LABELS.put("VEGA_LIMIT", "vega");
        SIGNAL_LABELS.put("QUOTE_SKEW", "skew");
        SIGNAL_LABELS.put("GAMMA_HEDGE", "ghedge");
        SIGNAL_LABELS.put("VEGA_HEDGE", "vhedge");
    }

    private LiveLine() {
    }

    /**
     * @param jobStatus the job's status when it is not RUNNING (shown then), else null
     */
    public static String format(RunRecorder.Live live, long elapsedMillis, boolean simulating, String jobStatus) {
        RunData.Counts c = live.counts();
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "[%5s]", duration(elapsedMillis)));
        if (simulating) {
            line.append(String.format(Locale.ROOT, " in %,d quotes %,d fills %,d hedges |",
                    c.quotesSent(), c.fillsSent(), c.hedgeFillsSent()));
            line.append(coinVenue(live.coinVenue()));
        }
        line.append(String.format(Locale.ROOT, " out risk %,d skew %,d rejected %,d | signals %s",
                c.riskRecords(), c.skewRecords(), c.rejectedRecords(), signals(live.signalsByType())));
        if (jobStatus != null) {
            line.append(" | job ").append(jobStatus);
        }
        String provider = null;
        for (RunRecorder.Latest l : live.latest()) {
            if (!l.provider().equals(provider)) {
                provider = l.provider();
                line.append(" | ").append(provider).append(portfolio(live.portfolio().get(provider)));
            }
            line.append(' ').append(l.underlying()).append(' ');
            if (l.risk() == null) {
                line.append('-');
            } else {
                line.append(signed(l.risk().netDelta()));
            }
            line.append('/').append(l.band() == null ? "?" : number(l.band()));
            if (l.risk() != null && l.band() != null && Math.abs(l.risk().netDelta()) > l.band()) {
                line.append('*');
            }
            if (l.risk() != null && Math.abs(l.risk().pendingHedge()) > 1e-9) {
                line.append('[').append(signed(l.risk().pendingHedge())).append(']');
            }
            if (l.gammaLimit() != null) {
                line.append(" G$ ");
                greek(line, l.risk() == null ? null : l.risk().dollarGamma(), l.gammaLimit());
            }
            if (l.vegaLimit() != null) {
                line.append(" V ");
                greek(line, l.risk() == null ? null : l.risk().vega(), l.vegaLimit());
            }
        }
        return line.toString();
    }

    /**
     * The coin venue's share of what went in, {@code  DERIBIT-SIM quotes 2,345 fills 31+12 ihedges 3/3 |}: its
     * quotes, the providers' fills of coin-quoted options + inverse perpetuals, the DELTA_HEDGEs on an inverse
     * perpetual signalled / filled; empty when it has sent nothing.
     */
    static String coinVenue(RunData.CoinVenue v) {
        if (v == null || !v.ran()) {
            return "";
        }
        return String.format(Locale.ROOT, " %s quotes %,d fills %,d+%,d ihedges %,d/%,d |", v.venue(), v.quotesSent(),
                v.optionFillsSent(), v.inverseFillsSent(), v.inverseHedgeSignals(), v.inverseHedgesFilled());
    }

    /** {@code |value|/limit}, {@code *} when over; {@code -} for the value before any record. */
    private static void greek(StringBuilder line, Double value, double limit) {
        line.append(value == null ? "-" : compact(Math.abs(value))).append('/').append(compact(limit));
        if (value != null && Math.abs(value) > limit) {
            line.append('*');
        }
    }

    /** Short USD amounts: 310, 1.2k, 40k, 1.5M. */
    static String compact(double x) {
        double a = Math.abs(x);
        if (a < 1_000) {
            return number(Math.rint(x));
        }
        if (a < 999_500) {
            return number(x / 1_000.0) + "k";
        }
        return number(x / 1_000_000.0) + "M";
    }

    /**
     * A provider's portfolio from its latest portfolio-risk record: {@code  eq 452k mu 13% liq -61%/+85%}
     * (equity, margin usage, liquidation moves down/up; {@code n/a} where the record has none); empty before
     * the first record.
     */
    static String portfolio(PortfolioSeries.Point p) {
        if (p == null) {
            return "";
        }
        return " eq " + usd(p.equity()) + " mu " + percent(p.marginUsage(), false) + " liq "
                + percent(p.liquidationMoveDown(), true) + "/" + percent(p.liquidationMoveUp(), true);
    }

    /** USD in three significant digits: 950, 45.2k, 1.43M, 2.1B. */
    static String usd(double x) {
        double a = Math.abs(x);
        return a >= 1e9 ? number(x / 1e9) + "B" : a >= 1e6 ? number(x / 1e6) + "M" : a >= 1e3 ? number(x / 1e3) + "k"
                : number(x);
    }

    /** A decimal as whole percent ({@code 0.134}: 13%, signed: +13%), {@code n/a} for null. */
    static String percent(Double x, boolean signed) {
        if (x == null) {
            return "n/a";
        }
        long p = Math.round(Math.abs(100 * x));
        return (x < 0 ? "-" : signed ? "+" : "") + p + "%";
    }

    /** {@code hedge 3 gamma 0 vega 1 skew 12 ghedge 1 vhedge 0}, every type shown. */
    static String signals(Map<String, Long> byType) {
        StringBuilder s = new StringBuilder();
        SIGNAL_LABELS.forEach((type, label) -> {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(label).append(' ').append(byType.getOrDefault(type, 0L));
        });
        byType.forEach((type, n) -> {
            if (!SIGNAL_LABELS.containsKey(type)) {
                s.append(' ').append(type).append(' ').append(n);
            }
        });
        return s.toString();
    }

    static String duration(long millis) {
        long s = Math.round(millis / 1000.0);
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s"
                : (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }

    /** Three significant digits or so, no exponent, no trailing zeros: 3, 2.5, -12.3, 0.05, 1234. */
    public static String number(double x) {
        double a = Math.abs(x);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        String s = String.format(Locale.ROOT, pattern, x);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    public static String signed(double x) {
        String n = number(x);
        return n.startsWith("-") ? n : "+" + n;
    }

    /** The labels of the live line, in order; for the report's legend. */
    static List<String> signalTypes() {
        return List.copyOf(SIGNAL_LABELS.keySet());
    }
}
