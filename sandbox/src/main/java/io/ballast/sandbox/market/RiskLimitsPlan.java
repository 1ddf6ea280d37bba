package io.ballast.sandbox.market;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;
import io.ballast.domain.Keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The risk limits the sandbox publishes for each provider: one record keyed by the provider id (no
 * underlying: its defaults, sized for the first underlying), and one keyed {@code provider/UNDERLYING} for
 * every other underlying (bands are in units of the underlying, so each needs its own), which overrides
 * the first; so both key forms of the contract are in play. Sized so that a healthy run stays inside its
 * delta band most of the time and breaches a gamma or vega limit only now and then. Every third provider
 * uses the Whalley-Wilmott band, the others a fixed one. The first provider has the option hedge on
 * (GAMMA_HEDGE / VEGA_HEDGE) and tighter gamma and vega limits, sized against its simulated option flow so
 * that a default run breaches and hedges within its first 20 s or so; the others only the gamma and vega
 * alarms at the wider limits. The first provider also has a provider-level {@code maxMarginUsage}, near the
 * usage its collateral gives ({@link CollateralPlan}), so that a MARGIN_USAGE signal can happen; the others have
 * no portfolio limit. The second provider hedges its delta on the coin venue's inverse perpetual
 * ({@code BTC-PERPETUAL}, {@code ETH-PERPETUAL}: {@link CoinVenue}), so its DELTA_HEDGEs are in whole contracts;
 * its minimum hedge, in contracts, is the others' 0.1 lot at the starting price.
 */
public final class RiskLimitsPlan {

    /** Half-width of the delta band, in lots of the underlying. */
    static final double BAND_LOTS = 3;
    static final double GAMMA_LIMIT_USD = 40_000;
    static final double VEGA_LIMIT_USD = 1_500;
    /*
     * The option-hedging provider's limits. Its flow (a third of 10 fills/s, 70% options, mostly the
     * 5-day expiry) walks its dollar gamma to 10-35k USD per 1% and its vega to a few hundred USD per vol
     * point within 20 s (seeds 1-7 and 42, computed from the simulator's fills at the specs' vols).
     */
    static final double OPTION_HEDGE_GAMMA_LIMIT_USD = 10_000;
    static final double OPTION_HEDGE_VEGA_LIMIT_USD = 1_000;
    static final double RISK_AVERSION = 5e-4;
    static final long HEDGE_TIMEOUT_MS = 5_000;
    static final long QUOTE_HORIZON_MS = 60_000;
    /** The first provider's MARGIN_USAGE limit: margin / equity. */
    static final double MAX_MARGIN_USAGE = 0.25;
    /** The provider (by index) that hedges its delta on the inverse perpetual. */
    static final int INVERSE_HEDGER = 1;

    private RiskLimitsPlan() {
    }

    /**
     * @param hedgeCostBps the router's fee plus expected slippage, bps of notional
     */
    public static List<RiskLimits> limits(List<String> providers, List<UnderlyingSpec> underlyings,
                                          double hedgeCostBps, Instant now) {
        List<RiskLimits> all = new ArrayList<>();
        for (int p = 0; p < providers.size(); p++) {
            BandMode mode = p % 3 == 2 ? BandMode.WHALLEY_WILMOTT : BandMode.FIXED;
            boolean optionHedge = p == 0;
            boolean inverseHedge = p == INVERSE_HEDGER;
            for (int i = 0; i < underlyings.size(); i++) {
                UnderlyingSpec u = underlyings.get(i);
                double minHedge = 0.1 * u.lot();
                all.add(RiskLimits.newBuilder()
                        .setProviderId(providers.get(p))
                        .setUnderlying(i == 0 ? null : u.name())
                        .setDeltaTarget(0.0)
                        .setDeltaBand(BAND_LOTS * u.lot())
                        .setBandMode(mode)
                        .setHedgeCostBps(hedgeCostBps)
                        .setHedgeInstrument(inverseHedge ? CoinVenue.inversePerpetualSymbol(u) : u.perpetual())
                        .setMinHedgeQuantity(inverseHedge
                                ? (double) Math.round(minHedge * u.spot() / CoinVenue.contractValue(u)) : minHedge)
                        .setHedgeTimeoutMs(HEDGE_TIMEOUT_MS)
                        .setGammaLimit(optionHedge ? OPTION_HEDGE_GAMMA_LIMIT_USD : GAMMA_LIMIT_USD)
                        .setVegaLimit(optionHedge ? OPTION_HEDGE_VEGA_LIMIT_USD : VEGA_LIMIT_USD)
                        .setRiskAversion(RISK_AVERSION)
                        // Avellaneda-Stoikov k in 1/USD: about a basis point of half-spread.
                        .setFillIntensity(10_000 / u.spot())
                        .setQuoteHorizonMs(QUOTE_HORIZON_MS)
                        .setUpdatedAt(now)
                        .setOptionHedge(optionHedge)
                        // Provider level: read from the provider record only.
                        .setMaxMarginUsage(p == 0 && i == 0 ? MAX_MARGIN_USAGE : null)
                        .build());
            }
        }
        return all;
    }

    /** The Kafka key of a limits record, per the contract. */
    public static String key(RiskLimits limits) {
        return Keys.limits(limits.getProviderId(), limits.getUnderlying());
    }

    /** Provider ids {@code mm1 .. mmN}. */
    public static List<String> providers(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add("mm" + i);
        }
        return ids;
    }
}
