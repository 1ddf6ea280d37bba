package io.ballast.kafka;

import io.ballast.avro.Instrument;
import io.ballast.avro.PriceUnit;
import io.ballast.avro.Quote;
import io.ballast.avro.Trade;

/**
 * The conversion of coin-quoted option prices to USD, done once where an input is decoded and validated
 * (CONTRACT.md, "Coin-quoted options and inverse contracts"). An instrument whose {@code priceUnit} is
 * {@code UNDERLYING} (Deribit's options: a BTC call costs 0.0965 BTC) has its quote's bid and ask, and its fill's
 * price and fee, multiplied by the record's {@code underlyingPrice} (USD per unit of underlying: the quote's forward,
 * the fill's index or forward at the fill); the record that goes on says {@code QUOTE_CURRENCY} and is otherwise
 * unchanged ({@code underlyingPrice} kept), so nothing downstream converts twice. Each USD number is the double
 * nearest coin × underlyingPrice (one IEEE multiplication): exact to the last bit, whatever the order of records.
 *
 * <p>The validators ({@link Validators#quote}, {@link Validators#trade}) have already checked that a coin-quoted
 * record has a finite, positive {@code underlyingPrice} and that the USD numbers are finite.
 */
public final class CoinQuoted {

    private CoinQuoted() {
    }

    /** Whether prices of {@code i} are in units of its underlying. */
    public static boolean inCoin(Instrument i) {
        return i.getPriceUnit() == PriceUnit.UNDERLYING;
    }

    /** The quote in USD: itself when already in USD, else a converted copy. */
    public static Quote toUsd(Quote q) {
        if (!inCoin(q.getInstrument())) {
            return q;
        }
        double f = q.getUnderlyingPrice();
        return Quote.newBuilder(q)
                .setInstrument(usdInstrument(q.getInstrument()))
                .setBid(q.getBid() * f)
                .setAsk(q.getAsk() * f)
                .build();
    }

    /** The fill in USD: itself when already in USD, else a converted copy (price and fee). */
    public static Trade toUsd(Trade t) {
        if (!inCoin(t.getInstrument())) {
            return t;
        }
        double u = t.getUnderlyingPrice();
        return Trade.newBuilder(t)
                .setInstrument(usdInstrument(t.getInstrument()))
                .setPrice(t.getPrice() * u)
                .setFee(t.getFee() == null ? null : t.getFee() * u)
                .build();
    }

    private static Instrument usdInstrument(Instrument i) {
        return Instrument.newBuilder(i).setPriceUnit(PriceUnit.QUOTE_CURRENCY).build();
    }
}
