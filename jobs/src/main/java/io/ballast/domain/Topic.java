package io.ballast.domain;

/**
 * The topics of the contract (CONTRACT.md, "Topics") with their default names (appended, never reordered: the test kit maps them by ordinal). Every name is
 * configurable ({@code --topic.<default name>}); the job reads and writes exactly these.
 */
public enum Topic {

    QUOTES("quotes", true, "Input: market quotes, key = instrument symbol."),
    TRADES("trades", true, "Input: the providers' fills, key = provider id."),
    RISK_LIMITS("risk-limits", true, "Input (compacted): risk limits, key = provider or provider/UNDERLYING."),
    SIGNALS("rebalance-signals", false, "Output: rebalance signals, key = provider/UNDERLYING."),
    RISK("inventory-risk", false, "Output: rolling greeks, key = provider/UNDERLYING."),
    VOL_SKEW("vol-skew", false, "Output: smiles, key = UNDERLYING/expiry-epoch-millis."),
    REJECTED("rejected", false, "Output: rejected input with a reason, key = input key bytes."),
    COLLATERAL("collateral", true, "Input (compacted): collateral balances, key = provider/venue/asset."),
    PORTFOLIO_RISK("portfolio-risk", false, "Output: each provider's whole portfolio, key = provider.");

    private final String defaultName;
    private final boolean input;
    private final String description;

    Topic(String defaultName, boolean input, String description) {
        this.defaultName = defaultName;
        this.input = input;
        this.description = description;
    }

    /** The name the topic has unless configured otherwise. */
    public String defaultName() {
        return defaultName;
    }

    public boolean isInput() {
        return input;
    }

    /** One line: direction, content and Kafka key. */
    public String description() {
        return description;
    }
}
