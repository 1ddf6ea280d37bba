package io.ballast.sandbox.market;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PriceUnit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The simulated coin venue, modelled on Deribit ({@value #VENUE}): the same option chain as SIMEX's, quoted in
 * coin, and an inverse perpetual per underlying. Pure conventions, no state:
 * <ul>
 *   <li>options are coin-quoted ({@code priceUnit} UNDERLYING): a USD price becomes USD / F coin, F the forward of
 *       its expiry, on a {@value #COIN_TICK} coin tick (bid down, ask up, an ask at least one tick); the quote's
 *       {@code underlyingPrice} is F; symbols as Deribit's, {@code BTC-27DEC26-100000-C};</li>
 *   <li>option fees as Deribit charges them: {@value #OPTION_FEE_COIN} coin per contract, capped at
 *       {@value #OPTION_FEE_CAP} of the option's price, in coin;</li>
 *   <li>the inverse perpetual {@code <U>-PERPETUAL}: {@code inverse} true, {@code contractValue} 10 USD for BTC and
 *       1 USD otherwise (Deribit's ETH-PERPETUAL), {@code multiplier} 1.0, quoted in USD per coin; fees in USD,
 *       {@value #INVERSE_FEE_BPS} bps of the notional q·cv.</li>
 * </ul>
 */
public final class CoinVenue {

    public static final String VENUE = "DERIBIT-SIM";
    /** Option price increment, coin (Deribit's below 0.005 coin; used throughout here). */
    public static final double COIN_TICK = 0.0001;
    private static final double TICKS_PER_COIN = 10_000;
    /** Option fee per contract, coin. */
    public static final double OPTION_FEE_COIN = 0.0003;
    /** The option fee's cap, a share of the option's price. */
    public static final double OPTION_FEE_CAP = 0.125;
    /** The inverse perpetual's fee, bps of the notional q·cv (USD). */
    public static final double INVERSE_FEE_BPS = 0.5;

    private static final DateTimeFormatter DERIBIT_DATE = DateTimeFormatter.ofPattern("dMMMyy", Locale.ENGLISH);

    private CoinVenue() {
    }

    /** USD per contract of the underlying's inverse perpetual: 10 for BTC, 1 for the others (as Deribit's ETH). */
    public static double contractValue(UnderlyingSpec spec) {
        return "BTC".equals(spec.name()) ? 10 : 1;
    }

    /** The symbol of the underlying's inverse perpetual, {@code BTC-PERPETUAL}. */
    public static String inversePerpetualSymbol(UnderlyingSpec spec) {
        return spec.name() + "-PERPETUAL";
    }

    public static Instrument inversePerpetual(UnderlyingSpec spec) {
        return Instrument.newBuilder().setSymbol(inversePerpetualSymbol(spec)).setUnderlying(spec.name())
                .setKind(InstrumentKind.PERPETUAL).setMultiplier(1.0).setInverse(true)
                .setContractValue(contractValue(spec)).build();
    }

    /** Deribit's symbol of an option: {@code BTC-27DEC26-100000-C} (the day without a leading zero). */
    public static String optionSymbol(String underlying, long expiry, double strike, boolean call) {
        String date = DERIBIT_DATE.format(Instant.ofEpochMilli(expiry).atZone(ZoneOffset.UTC)).toUpperCase(Locale.ROOT);
        String k = strike == Math.rint(strike) ? Long.toString((long) strike) : Double.toString(strike);
        return underlying + "-" + date + "-" + k + (call ? "-C" : "-P");
    }

    /** The coin-quoted twin of a SIMEX option: the same contract, Deribit's symbol, {@code priceUnit} UNDERLYING. */
    public static Instrument coinOption(Instrument usd) {
        return Instrument.newBuilder(usd)
                .setSymbol(optionSymbol(usd.getUnderlying(), usd.getExpiry().toEpochMilli(), usd.getStrike(),
                        usd.getRight() == OptionRight.CALL))
                .setPriceUnit(PriceUnit.UNDERLYING).build();
    }

    /** A USD bid in coin at forward F: down to the tick, never below 0. */
    public static double coinBid(double usdBid, double forward) {
        // The 1e-9 tick keeps a price already on the grid there despite the division's rounding.
        return Math.max(0, Math.floor(usdBid / forward * TICKS_PER_COIN + 1e-9)) / TICKS_PER_COIN;
    }

    /** A USD ask in coin at forward F: up to the tick, at least one tick. */
    public static double coinAsk(double usdAsk, double forward) {
        return Math.max(1, Math.ceil(usdAsk / forward * TICKS_PER_COIN - 1e-9)) / TICKS_PER_COIN;
    }

    /**
     * Deribit's option fee, coin: min(0.0003, 0.125 · price) per contract, times the contracts, to 1e-8 coin (a
     * satoshi).
     *
     * @param contracts the fill's quantity, &gt; 0
     * @param coinPrice the fill's price, coin per contract
     */
    public static double optionFee(double contracts, double coinPrice) {
        return Math.round(contracts * Math.min(OPTION_FEE_COIN, OPTION_FEE_CAP * coinPrice) * 1e8) / 1e8;
    }

    /** The inverse perpetual's fee, USD to the cent: {@value #INVERSE_FEE_BPS} bps of contracts·cv. */
    public static double inverseFee(double contracts, double contractValue) {
        return Math.round(contracts * contractValue * INVERSE_FEE_BPS / 10_000 * 100) / 100.0;
    }

    /** Contracts of an inverse perpetual worth {@code coin} units of the underlying at {@code price}: at least 1. */
    public static double contracts(double coin, double price, double contractValue) {
        return Math.max(1, Math.round(coin * price / contractValue));
    }
}
