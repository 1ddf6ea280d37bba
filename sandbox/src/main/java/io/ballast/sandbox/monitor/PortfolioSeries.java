package io.ballast.sandbox.monitor;

import io.ballast.avro.PnlAttribution;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.StressGrid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each provider's {@code portfolio-risk} records over a run (equity, margin, liquidation moves, the day's
 * P&L attribution), its latest stress grid, and its portfolio-level signals (MARGIN_USAGE,
 * LIQUIDATION_BUFFER). Thread-safe. A record whose sequence is not above the provider's last one is a
 * repeat (at-least-once delivery) and is dropped.
 */
public final class PortfolioSeries {

    /** The {@code underlying} of a portfolio-level signal. */
    public static final String PORTFOLIO_UNDERLYING = "*";

    /**
     * One portfolio-risk record; USD; {@code marginUsage} and the liquidation moves are decimals, null as in
     * the record; {@code explain*} the day's attribution since {@code explainSince}.
     */
    public record Point(long time, long sequence, double equity, double collateralValue, double margin,
                        Double marginUsage, Double liquidationMoveDown, Double liquidationMoveUp, long explainSince,
                        double explainTotal, double explainDelta, double explainGamma, double explainVega,
                        double explainTheta, double explainUnexplained) {
    }

    /** A stress grid: {@code cells} row-major spot × vol, P&L in USD. */
    public record Grid(long time, List<Double> spotShocks, List<Double> volShocks, List<Double> cells,
                       double worstLoss, double worstSpotShock, double worstVolShock) {

        public double cell(int spot, int vol) {
            return cells.get(spot * volShocks.size() + vol);
        }
    }

    /** A MARGIN_USAGE or LIQUIDATION_BUFFER signal. */
    public record Signal(long time, String type, String status, String reason) {
    }

    /** One provider's portfolio over the run; {@code grid} the latest record's, null before any. */
    public record Provider(String provider, List<Point> points, Grid grid, List<Signal> signals) {

        public Point last() {
            return points.isEmpty() ? null : points.get(points.size() - 1);
        }
    }

    private static final class State {
        final List<Point> points = new ArrayList<>();
        final List<Signal> signals = new ArrayList<>();
        long lastSequence = Long.MIN_VALUE;
        Grid grid;
    }

    private final Map<String, State> providers = new TreeMap<>();
    private long records;

    public synchronized void record(PortfolioRisk r) {
        State s = state(r.getProviderId());
        if (r.getSequence() <= s.lastSequence) {
            return;
        }
        s.lastSequence = r.getSequence();
        records++;
        long time = r.getAsOf().toEpochMilli();
        PnlAttribution e = r.getExplain();
        s.points.add(new Point(time, r.getSequence(), r.getEquity(), r.getCollateralValue(), r.getMargin(),
                r.getMarginUsage(), r.getLiquidationMoveDown(), r.getLiquidationMoveUp(), e.getSince().toEpochMilli(),
                e.getTotal(), e.getDelta(), e.getGamma(), e.getVega(), e.getTheta(), e.getUnexplained()));
        StressGrid g = r.getScenarios();
        s.grid = new Grid(time, List.copyOf(g.getSpotShocks()), List.copyOf(g.getVolShocks()), List.copyOf(g.getGrid()),
                g.getWorstLoss(), g.getWorstSpotShock(), g.getWorstVolShock());
    }

    /** A portfolio-level signal (its underlying is {@link #PORTFOLIO_UNDERLYING}), already deduplicated. */
    public synchronized void signal(RebalanceSignal s) {
        state(s.getProviderId()).signals.add(new Signal(s.getEventTime().toEpochMilli(), s.getType().name(),
                s.getStatus().name(), s.getReason()));
    }

    /** Portfolio-risk records kept (repeats not counted). */
    public synchronized long records() {
        return records;
    }

    /** Each provider's latest record, by provider; providers without a record are absent. */
    public synchronized Map<String, Point> latest() {
        Map<String, Point> latest = new TreeMap<>();
        providers.forEach((p, s) -> {
            if (!s.points.isEmpty()) {
                latest.put(p, s.points.get(s.points.size() - 1));
            }
        });
        return latest;
    }

    /** A copy of every provider's series, by provider. */
    public synchronized List<Provider> data() {
        List<Provider> all = new ArrayList<>();
        providers.forEach((p, s) -> all.add(new Provider(p, List.copyOf(s.points), s.grid, List.copyOf(s.signals))));
        return all;
    }

    private State state(String provider) {
        return providers.computeIfAbsent(provider, p -> new State());
    }
}
