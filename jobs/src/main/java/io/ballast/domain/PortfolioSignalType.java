package io.ballast.domain;

/**
 * The portfolio-level signal types of issue 13. Their names are the symbols the wire enum
 * {@code SignalType} will append; the portfolio stage maps them by name.
 */
public enum PortfolioSignalType {
    /** marginUsage above maxMarginUsage, or equity ≤ 0 with margin &gt; 0. */
    MARGIN_USAGE,
    /** A liquidation move within minLiquidationMove. */
    LIQUIDATION_BUFFER
}
