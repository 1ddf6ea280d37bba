package io.ballast.sandbox.report;

import io.ballast.sandbox.monitor.RunData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A made-up run with the shape of a real one (deltas that wander out of their band and get hedged back,
 * dollar gamma and vega that wander too, the first provider's brought back under its tighter limits by
 * option hedges, moving smiles), for testing and looking at the report without a running job.
 */
final class SyntheticRun {

    /** The first provider's limits (it hedges with options); the others have {@link #GAMMA_LIMIT} and {@link #VEGA_LIMIT}. */
    static final double OPTION_HEDGE_GAMMA_LIMIT = 10_000;
    static final double OPTION_HEDGE_VEGA_LIMIT = 1_000;
    static final double GAMMA_LIMIT = 40_000;
    static final double VEGA_LIMIT = 1_500;
    /** Days to each expiry of byExpiry, and the share of the last dollar gamma and vega in it. */
    static final long[] EXPIRY_DAYS = {5, 26, 61};
    static final double[] GAMMA_SHARES = {0.6, 0.3, 0.1};
    static final double[] VEGA_SHARES = {0.2, 0.3, 0.5};

    private SyntheticRun() {
    }

    static RunData of(long seed, int providers, long durationMillis) {
        SplittableRandom random = new SplittableRandom(seed);
        long start = 1_795_000_000_000L;
        long end = start + durationMillis;
        String[] underlyings = {"BTC", "ETH"};
        double[] lots = {1, 25};
        double[] spots = {100_000, 3_500};
        List<RunData.KeySeries> keys = new ArrayList<>();
        long signalSeq = 0;
        for (int p = 1; p <= providers; p++) {
            for (int u = 0; u < underlyings.length; u++) {
                double band = 3 * lots[u];
                boolean optionHedge = p == 1;
                double gammaLimit = optionHedge ? OPTION_HEDGE_GAMMA_LIMIT : GAMMA_LIMIT;
                double vegaLimit = optionHedge ? OPTION_HEDGE_VEGA_LIMIT : VEGA_LIMIT;
                double dollarGamma = 0;
                double vega = 0;
                double optionPending = 0;
                String optionPendingType = null;
                long optionPendingUntil = -1;
                String pendingId = null;
                String optionPendingId = null;
                List<RunData.RiskPoint> risk = new ArrayList<>();
                List<RunData.SignalPoint> signals = new ArrayList<>();
                List<RunData.HedgeFill> fills = new ArrayList<>();
                double delta = 0;
                double pending = 0;
                double mark = 0;
                int positions = 0;
                long pendingUntil = -1;
                for (long t = start + 500; t < end; t += 300 + random.nextInt(400)) {
                    if (pendingUntil >= 0 && t >= pendingUntil) {
                        delta += pending;
                        double qty = Math.abs(pending);
                        fills.add(new RunData.HedgeFill(t, pendingId, pending > 0 ? "BUY" : "SELL", qty,
                                spots[u], spots[u], qty * spots[u] * 2e-4, qty * spots[u] * 3e-4, "DELTA_HEDGE"));
                        pending = 0;
                        pendingUntil = -1;
                    }
                    if (optionPendingUntil >= 0 && t >= optionPendingUntil) {
                        // The fill brings the greek it hedges to half its limit.
                        if ("GAMMA_HEDGE".equals(optionPendingType)) {
                            dollarGamma = Math.signum(dollarGamma) * 0.5 * gammaLimit;
                        } else {
                            vega = Math.signum(vega) * 0.5 * vegaLimit;
                        }
                        double qty = Math.abs(optionPending);
                        fills.add(new RunData.HedgeFill(t, optionPendingId, optionPending > 0 ? "BUY" : "SELL", qty,
                                0.02 * spots[u], 0.0199 * spots[u], qty * spots[u] * 4e-6, qty * spots[u] * 1.4e-5,
                                optionPendingType));
                        optionPending = 0;
                        optionPendingUntil = -1;
                    }
                    dollarGamma += 1_500 * random.nextGaussian();
                    vega += 60 * random.nextGaussian();
                    if (optionHedge && optionPendingUntil < 0
                            && (Math.abs(dollarGamma) > gammaLimit || Math.abs(vega) > vegaLimit)) {
                        boolean gamma = Math.abs(dollarGamma) > gammaLimit;
                        optionPendingType = gamma ? "GAMMA_HEDGE" : "VEGA_HEDGE";
                        double over = gamma ? dollarGamma : vega;
                        optionPending = -Math.signum(over) * (gamma ? 3 : 5);
                        optionPendingUntil = t + 600;
                        optionPendingId = "o" + (++signalSeq);
                        signals.add(new RunData.SignalPoint(t, optionPendingType, "ACTION",
                                optionPending > 0 ? "BUY" : "SELL", Math.abs(optionPending), delta,
                                gamma ? gammaLimit : vegaLimit, optionPendingId));
                    }
                    delta += lots[u] * (0.15 * (p - 2) + random.nextGaussian());
                    mark += spots[u] * lots[u] * 0.01 * random.nextGaussian();
                    positions = Math.min(positions + (random.nextDouble() < 0.3 ? 1 : 0), 60);
                    if (pendingUntil < 0 && Math.abs(delta + pending) > band) {
                        pending = -delta;
                        pendingUntil = t + 400;
                        pendingId = "h" + (++signalSeq);
                        signals.add(new RunData.SignalPoint(t, "DELTA_HEDGE", "ACTION", pending > 0 ? "BUY" : "SELL",
                                Math.abs(pending), delta, band, pendingId));
                    }
                    risk.add(new RunData.RiskPoint(t, delta, pending, 100 * dollarGamma / (spots[u] * spots[u]),
                            dollarGamma, vega, mark, positions, spots[u], band));
                }
                List<RunData.ExpiryRisk> byExpiry = new ArrayList<>();
                for (int e = 0; e < EXPIRY_DAYS.length; e++) {
                    byExpiry.add(new RunData.ExpiryRisk(start + EXPIRY_DAYS[e] * 86_400_000L, 0.1 * e,
                            GAMMA_SHARES[e] * dollarGamma, VEGA_SHARES[e] * vega, -0.01 * vega));
                }
                keys.add(new RunData.KeySeries("mm" + p, underlyings[u],
                        new RunData.LimitsInfo(0, band, p % 3 == 0 ? "WHALLEY_WILMOTT" : "FIXED", gammaLimit, vegaLimit),
                        risk, signals, fills, byExpiry));
            }
        }
        List<RunData.UnderlyingSeries> series = new ArrayList<>();
        for (int u = 0; u < underlyings.length; u++) {
            List<RunData.PricePoint> prices = new ArrayList<>();
            double s = spots[u];
            for (long t = start; t < end; t += 500) {
                s *= Math.exp(0.0005 * random.nextGaussian());
                prices.add(new RunData.PricePoint(t, s));
            }
            Map<Long, List<RunData.SkewPoint>> skew = new TreeMap<>();
            for (int e = 0; e < 4; e++) {
                long expiry = start + (7L + 28 * e) * 86_400_000L;
                List<RunData.SkewPoint> points = new ArrayList<>();
                double atm = 0.55 + 0.02 * e;
                double rr = -0.03 + 0.005 * e;
                for (long t = start + 1_000; t < end; t += 1_000) {
                    atm += 0.002 * random.nextGaussian();
                    rr += 0.001 * random.nextGaussian();
                    points.add(new RunData.SkewPoint(t, atm, e == 0 && t % 7 == 0 ? null : rr));
                }
                skew.put(expiry, points);
            }
            series.add(new RunData.UnderlyingSeries(underlyings[u], prices, skew));
        }
        long riskRecords = keys.stream().mapToLong(k -> k.risk().size()).sum();
        Map<String, Long> byType = new TreeMap<>();
        keys.forEach(k -> k.signals().forEach(sp -> byType.merge(sp.type(), 1L, Long::sum)));
        long signals = keys.stream().mapToLong(k -> k.signals().size()).sum();
        long fills = keys.stream().mapToLong(k -> k.hedgeFills().size()).sum();
        return new RunData(start, end, new RunData.Counts(12_345, 678, fills, 0, riskRecords, signals, 480, 3, 0),
                byType, Map.of("INVALID_FIELD", 3L), keys, series);
    }
}
