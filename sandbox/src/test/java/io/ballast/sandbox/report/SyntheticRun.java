package io.ballast.sandbox.report;

import io.ballast.sandbox.monitor.RunData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A made-up run with the shape of a real one (deltas that wander out of their band and get hedged back,
 * moving smiles), for testing and looking at the report without a running job.
 */
final class SyntheticRun {

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
                        fills.add(new RunData.HedgeFill(t, "h" + signalSeq, pending > 0 ? "BUY" : "SELL", qty,
                                spots[u], spots[u], qty * spots[u] * 2e-4, qty * spots[u] * 3e-4));
                        pending = 0;
                        pendingUntil = -1;
                    }
                    delta += lots[u] * (0.15 * (p - 2) + random.nextGaussian());
                    mark += spots[u] * lots[u] * 0.01 * random.nextGaussian();
                    positions = Math.min(positions + (random.nextDouble() < 0.3 ? 1 : 0), 60);
                    if (pendingUntil < 0 && Math.abs(delta + pending) > band) {
                        pending = -delta;
                        pendingUntil = t + 400;
                        signals.add(new RunData.SignalPoint(t, "DELTA_HEDGE", "ACTION", pending > 0 ? "BUY" : "SELL",
                                Math.abs(pending), delta, band, "h" + (++signalSeq)));
                    }
                    risk.add(new RunData.RiskPoint(t, delta, pending, 1e-5, 100, mark, positions, spots[u], band));
                }
                keys.add(new RunData.KeySeries("mm" + p, underlyings[u],
                        new RunData.LimitsInfo(0, band, p % 3 == 0 ? "WHALLEY_WILMOTT" : "FIXED", 40_000.0, 1_500.0),
                        risk, signals, fills));
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
        long signals = keys.stream().mapToLong(k -> k.signals().size()).sum();
        long fills = keys.stream().mapToLong(k -> k.hedgeFills().size()).sum();
        return new RunData(start, end, new RunData.Counts(12_345, 678, fills, 0, riskRecords, signals, 480, 3, 0),
                Map.of("DELTA_HEDGE", signals), Map.of("INVALID_FIELD", 3L), keys, series);
    }
}
