package io.ballast.domain;

/**
 * What a hedge brings back: delta (the perpetual hedge of {@code DELTA_HEDGE}), gamma ({@code GAMMA_HEDGE})
 * or vega ({@code VEGA_HEDGE}). A pending hedge of any kind counts its delta in the delta decision; the
 * option kinds count their gamma and vega too (CONTRACT.md, "GAMMA_HEDGE / VEGA_HEDGE").
 */
public enum HedgeKind {
    DELTA,
    GAMMA,
    VEGA
}
