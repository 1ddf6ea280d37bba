package io.ballast.sandbox.market;

import java.util.List;

/**
 * One simulated underlying: its price process, its market's spreads and its option smile.
 *
 * @param name the underlying, e.g. BTC; instruments are {@code <name>-PERP}, {@code <name>-USD} and options
 * @param spot starting price, USD
 * @param vol diffusion vol of the price, per sqrt(year)
 * @param jumpsPerYear Merton jump intensity
 * @param jumpMean mean log jump size
 * @param jumpStd standard deviation of the log jump size
 * @param basisPerYear forward premium of the options' underlying over spot, per year
 * @param perpHalfSpreadBps half the perpetual's bid/ask spread, bps of mid
 * @param spotHalfSpreadBps half the spot's bid/ask spread, bps of mid
 * @param skewRho the smile's resting SVI rho (negative: puts richer than calls)
 * @param lot contracts in one unit of trade size; sizes, bands and limits scale with it
 * @param optionTick price increment of option quotes, USD
 */
public record UnderlyingSpec(String name, double spot, double vol, double jumpsPerYear, double jumpMean,
                             double jumpStd, double basisPerYear, double perpHalfSpreadBps,
                             double spotHalfSpreadBps, double skewRho, double lot, double optionTick) {

    public static final UnderlyingSpec BTC = new UnderlyingSpec("BTC", 100_000, 0.55, 12, -0.01, 0.03, 0.03,
            0.5, 1.5, -0.20, 1, 5);
    public static final UnderlyingSpec ETH = new UnderlyingSpec("ETH", 3_500, 0.70, 15, -0.015, 0.04, 0.04,
            0.75, 2.0, -0.30, 25, 0.5);

    /** The underlyings of the sandbox's market. */
    public static final List<UnderlyingSpec> DEFAULTS = List.of(BTC, ETH);

    public String perpetual() {
        return name + "-PERP";
    }

    public String spotSymbol() {
        return name + "-USD";
    }
}
