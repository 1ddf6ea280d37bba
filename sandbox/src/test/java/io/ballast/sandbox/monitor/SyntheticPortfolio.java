package io.ballast.sandbox.monitor;

import io.ballast.avro.PnlAttribution;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.StressGrid;

import java.time.Instant;
import java.util.List;

/** Hand-made portfolio-risk records, every number distinct so that a test can find it where it lands. */
public final class SyntheticPortfolio {

    /** Spot −10%, 0, +10% × vol 0, +50%. */
    public static final List<Double> SPOT = List.of(-0.10, 0.0, 0.10);
    public static final List<Double> VOL = List.of(0.0, 0.50);

    private SyntheticPortfolio() {
    }

    /**
     * @param cells the grid, row-major spot × vol (six cells)
     */
    public static PortfolioRisk record(String provider, long sequence, long asOf, double equity, double margin,
                                       Double usage, Double down, Double up, List<Double> cells) {
        return PortfolioRisk.newBuilder().setProviderId(provider).setAsOf(Instant.ofEpochMilli(asOf))
                .setSequence(sequence).setUnderlyings(List.of()).setDeltaUsd(0).setDollarGamma(0).setVega(0)
                .setTheta(0).setCollateralValue(equity - 1_000).setEquity(equity).setRealizedPnl(0)
                .setUnrealizedPnl(0).setFees(0)
                .setExplain(PnlAttribution.newBuilder().setSince(Instant.ofEpochMilli(asOf - asOf % 86_400_000L))
                        .setTotal(321.5).setDelta(250.25).setGamma(40.125).setVega(-12.75).setTheta(-6.5)
                        .setUnexplained(50.375).build())
                .setScenarios(StressGrid.newBuilder().setSpotShocks(SPOT).setVolShocks(VOL).setGrid(cells)
                        .setWorstLoss(margin).setWorstSpotShock(-0.10).setWorstVolShock(0.50).build())
                .setMargin(margin).setMarginUsage(usage).setLiquidationMoveDown(down).setLiquidationMoveUp(up)
                .build();
    }
}
