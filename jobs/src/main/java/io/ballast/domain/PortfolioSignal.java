package io.ballast.domain;

import io.ballast.avro.SignalStatus;

/**
 * A portfolio-level signal as {@link PortfolioRules} decides it; the stage writes it as a
 * {@code RebalanceSignal} keyed {@code provider}, with {@code underlying} "*".
 *
 * @param signalId {@code provider/*&#47;TYPE/sequence}
 * @param status BREACH or CLEARED
 * @param equity USD
 * @param margin USD
 * @param marginUsage margin / equity, null when equity ≤ 0
 * @param liquidationMoveDown signed relative move ≤ 0, null when none
 * @param liquidationMoveUp signed relative move ≥ 0, null when none
 * @param threshold the limit (maxMarginUsage or minLiquidationMove); NaN when the limit was removed
 * @param reason the numbers, and on a BREACH what would restore the limit
 * @param eventTime of the input that triggered it, epoch ms
 */
public record PortfolioSignal(String signalId, String providerId, PortfolioSignalType type, SignalStatus status,
                              double equity, double margin, Double marginUsage, Double liquidationMoveDown,
                              Double liquidationMoveUp, double threshold, String reason, long eventTime) {

    /** What every portfolio signal has as its underlying. */
    public static final String ALL_UNDERLYINGS = "*";
}
