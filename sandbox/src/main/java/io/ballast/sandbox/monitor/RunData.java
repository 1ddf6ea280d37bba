package io.ballast.sandbox.monitor;

import io.ballast.domain.Keys;

import java.util.List;
import java.util.Map;

/**
 * An immutable copy of everything recorded during a run, for the live line, the summary and the report.
 * Times are epoch millis.
 */
public record RunData(
        long start,
        long end,
        Counts counts,
        Map<String, Long> signalsByType,
        Map<String, Long> rejectedByReason,
        List<KeySeries> keys,
        List<UnderlyingSeries> underlyings,
        List<PortfolioSeries.Provider> portfolios,
        CoinVenue coinVenue) {

    /** A run without portfolio-risk records. */
    public RunData(long start, long end, Counts counts, Map<String, Long> signalsByType,
                   Map<String, Long> rejectedByReason, List<KeySeries> keys, List<UnderlyingSeries> underlyings) {
        this(start, end, counts, signalsByType, rejectedByReason, keys, underlyings, List.of());
    }

    /** A run without a coin venue. */
    public RunData(long start, long end, Counts counts, Map<String, Long> signalsByType,
                   Map<String, Long> rejectedByReason, List<KeySeries> keys, List<UnderlyingSeries> underlyings,
                   List<PortfolioSeries.Provider> portfolios) {
        this(start, end, counts, signalsByType, rejectedByReason, keys, underlyings, portfolios, CoinVenue.NONE);
    }

    /**
     * What went through the coin venue: its quotes and the providers' fills sent (coin-quoted options, inverse
     * perpetuals), and per provider the DELTA_HEDGE orders on an inverse instrument.
     */
    public record CoinVenue(String venue, long quotesSent, long optionFillsSent, long inverseFillsSent,
                            Map<String, InverseHedges> inverseHedges) {

        public static final CoinVenue NONE = new CoinVenue(null, 0, 0, 0, Map.of());

        public boolean ran() {
            return quotesSent > 0 || optionFillsSent > 0 || inverseFillsSent > 0;
        }

        public long inverseHedgeSignals() {
            return inverseHedges.values().stream().mapToLong(InverseHedges::signals).sum();
        }

        public long inverseHedgesFilled() {
            return inverseHedges.values().stream().mapToLong(InverseHedges::filled).sum();
        }
    }

    /**
     * One provider's DELTA_HEDGE ACTIONs on an inverse instrument (those with a residualDelta): how many, how many
     * for a whole number of contracts, how many the router filled, and the instruments named.
     */
    public record InverseHedges(long signals, long wholeContractSignals, long filled, List<String> instruments) {
    }

    /** Totals of the run. */
    public record Counts(long quotesSent, long fillsSent, long hedgeFillsSent, long duplicateSignals,
                         long riskRecords, long signalRecords, long skewRecords, long rejectedRecords,
                         long undecodable) {
    }

    /**
     * One provider in one underlying; {@code byExpiry} is the option risk per expiry of its latest
     * inventory-risk record (empty before one, or without option positions).
     */
    public record KeySeries(String provider, String underlying, LimitsInfo limits, List<RiskPoint> risk,
                            List<SignalPoint> signals, List<HedgeFill> hedgeFills, List<ExpiryRisk> byExpiry) {

        public String key() {
            return Keys.book(provider, underlying);
        }

        public RiskPoint last() {
            return risk.isEmpty() ? null : risk.get(risk.size() - 1);
        }
    }

    /** What the report needs of a limits record; null fields when no limits were seen. */
    public record LimitsInfo(double deltaTarget, double deltaBand, String bandMode, Double gammaLimit,
                             Double vegaLimit) {
    }

    /**
     * One inventory-risk record, with the band in force for it (NaN when no limits are known). dollarGamma
     * is the record's (gamma·S²/100, USD per 1% move), vega USD per vol point.
     */
    public record RiskPoint(long time, double netDelta, double pendingHedge, double gamma, double dollarGamma,
                            double vega, double markValue, int positions, double referencePrice, double band) {

        public boolean inside(double deltaTarget) {
            return !Double.isNaN(band) && Math.abs(netDelta - deltaTarget) <= band * (1 + 1e-9);
        }
    }

    /** The option positions of one expiry in an inventory-risk record (RiskSnapshot.byExpiry). */
    public record ExpiryRisk(long expiry, double netDelta, double dollarGamma, double vega, double theta) {
    }

    /** One rebalance signal. */
    public record SignalPoint(long time, String type, String status, String side, Double quantity,
                              double netDelta, double threshold, String signalId) {
    }

    /**
     * A fill of a hedge by the router; cost = fee + slippage against the mid, USD; type the signal's
     * (DELTA_HEDGE, GAMMA_HEDGE, VEGA_HEDGE).
     */
    public record HedgeFill(long time, String signalId, String side, double quantity, double price, double mid,
                            double fee, double cost, String type) {

        public boolean optionHedge() {
            return RunData.optionHedge(type);
        }
    }

    /** GAMMA_HEDGE or VEGA_HEDGE: an order for an option. */
    public static boolean optionHedge(String signalType) {
        return "GAMMA_HEDGE".equals(signalType) || "VEGA_HEDGE".equals(signalType);
    }

    /** Market and smile of one underlying. */
    public record UnderlyingSeries(String underlying, List<PricePoint> prices, Map<Long, List<SkewPoint>> skew) {
    }

    public record PricePoint(long time, double price) {
    }

    /** One vol-skew record: atmVol and rr25 (null when not fitted). */
    public record SkewPoint(long time, double atmVol, Double rr25) {
    }
}
