package io.ballast.kafka;

import io.ballast.avro.Collateral;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Trade;
import io.ballast.domain.Keys;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The field rules of the contract for each input record. A rule names the field and echoes the value:
 * {@code "trade.quantity must be > 0, got -3.0"}.
 */
public final class Validators {

    /** Separator of provider and underlying in keys; it may not appear inside either. */
    private static final char KEY_SEPARATOR = Keys.SEPARATOR;

    private Validators() {
    }

    /** Quotes: a valid instrument, finite non-negative bid, positive ask ≥ bid, sane sizes and times. */
    public static Validator<Quote> quote(long maxFutureSkewMillis) {
        return (q, key, now) -> {
            String p = instrument("quote.instrument", q.getInstrument());
            if (p != null) {
                return p;
            }
            if ((p = venue("quote.venue", q.getVenue())) != null) {
                return p;
            }
            if (!Double.isFinite(q.getBid()) || q.getBid() < 0) {
                return "quote.bid must be finite and >= 0, got " + q.getBid();
            }
            if (!Double.isFinite(q.getAsk()) || q.getAsk() <= 0) {
                return "quote.ask must be finite and > 0, got " + q.getAsk();
            }
            if (q.getAsk() < q.getBid()) {
                return "quote.ask (" + q.getAsk() + ") is below quote.bid (" + q.getBid() + ")";
            }
            if ((p = optionalNonNegative("quote.bidSize", q.getBidSize())) != null
                    || (p = optionalNonNegative("quote.askSize", q.getAskSize())) != null
                    || (p = optionalPositive("quote.underlyingPrice", q.getUnderlyingPrice())) != null
                    || (p = eventTime("quote.eventTime", q.getEventTime(), now, maxFutureSkewMillis)) != null) {
                return p;
            }
            if (CoinQuoted.inCoin(q.getInstrument())) {
                Double f = q.getUnderlyingPrice();
                if (f == null) {
                    return "quote.underlyingPrice is required for a coin-quoted option (instrument.priceUnit UNDERLYING):"
                            + " its bid and ask are converted to USD with it";
                }
                if (!Double.isFinite(q.getAsk() * f)) {
                    return "quote.ask x quote.underlyingPrice must be finite, got " + q.getAsk() + " x " + f;
                }
            }
            Instant expiry = q.getInstrument().getExpiry();
            if (expiry != null && !q.getEventTime().isBefore(expiry)) {
                return "quote of " + q.getInstrument().getSymbol() + " at " + q.getEventTime()
                        + " is not before its expiry " + expiry;
            }
            return null;
        };
    }

    /** Trades: ids, a valid instrument, positive finite quantity and price, a finite fee. */
    public static Validator<Trade> trade(long maxFutureSkewMillis) {
        return (t, key, now) -> {
            String p;
            if ((p = nonBlank("trade.tradeId", t.getTradeId())) != null
                    || (p = keyPart("trade.providerId", t.getProviderId())) != null
                    || (p = venue("trade.venue", t.getVenue())) != null
                    || (p = instrument("trade.instrument", t.getInstrument())) != null) {
                return p;
            }
            if (!Double.isFinite(t.getQuantity()) || t.getQuantity() <= 0) {
                return "trade.quantity must be finite and > 0, got " + t.getQuantity();
            }
            if (!Double.isFinite(t.getPrice()) || t.getPrice() <= 0) {
                return "trade.price must be finite and > 0, got " + t.getPrice();
            }
            if (t.getFee() != null && !Double.isFinite(t.getFee())) {
                return "trade.fee must be finite, got " + t.getFee();
            }
            if ((p = optionalPositive("trade.underlyingPrice", t.getUnderlyingPrice())) != null) {
                return p;
            }
            if (CoinQuoted.inCoin(t.getInstrument())) {
                Double u = t.getUnderlyingPrice();
                if (u == null) {
                    return "trade.underlyingPrice is required for a coin-quoted option (instrument.priceUnit UNDERLYING):"
                            + " its price and fee are converted to USD with it";
                }
                if (!Double.isFinite(t.getPrice() * u) || (t.getFee() != null && !Double.isFinite(t.getFee() * u))) {
                    return "trade.price and trade.fee x trade.underlyingPrice must be finite, got " + t.getPrice() + ", "
                            + t.getFee() + " x " + u;
                }
            }
            if (t.getSignalId() != null && t.getSignalId().isBlank()) {
                return "trade.signalId must be null or non-blank, got '" + t.getSignalId() + "'";
            }
            if ((p = eventTime("trade.eventTime", t.getEventTime(), now, maxFutureSkewMillis)) != null) {
                return p;
            }
            Instant expiry = t.getInstrument().getExpiry();
            if (expiry != null && t.getEventTime().isAfter(expiry)) {
                return "trade of " + t.getInstrument().getSymbol() + " at " + t.getEventTime()
                        + " is after its expiry " + expiry;
            }
            return null;
        };
    }

    /** Risk limits: finite, non-negative parameters, and a key that matches the record. */
    public static Validator<RiskLimits> riskLimits() {
        return (l, key, now) -> {
            String p;
            if ((p = keyPart("riskLimits.providerId", l.getProviderId())) != null) {
                return p;
            }
            if (l.getUnderlying() != null && (p = keyPart("riskLimits.underlying", l.getUnderlying())) != null) {
                return p;
            }
            String expectedKey = Keys.limits(l.getProviderId(), l.getUnderlying());
            String actualKey = key == null ? null : new String(key, StandardCharsets.UTF_8);
            if (!expectedKey.equals(actualKey)) {
                return "risk-limits key '" + actualKey + "' does not match the record, expected '" + expectedKey + "'";
            }
            if (!Double.isFinite(l.getDeltaTarget())) {
                return "riskLimits.deltaTarget must be finite, got " + l.getDeltaTarget();
            }
            if ((p = nonNegative("riskLimits.deltaBand", l.getDeltaBand())) != null
                    || (p = nonNegative("riskLimits.hedgeCostBps", l.getHedgeCostBps())) != null
                    || (p = nonNegative("riskLimits.minHedgeQuantity", l.getMinHedgeQuantity())) != null
                    || (p = optionalPositive("riskLimits.gammaLimit", l.getGammaLimit())) != null
                    || (p = optionalPositive("riskLimits.vegaLimit", l.getVegaLimit())) != null
                    || (p = positive("riskLimits.riskAversion", l.getRiskAversion())) != null
                    || (p = positive("riskLimits.fillIntensity", l.getFillIntensity())) != null
                    || (p = optionalPositive("riskLimits.maxMarginUsage", l.getMaxMarginUsage())) != null
                    || (p = optionalPositive("riskLimits.minLiquidationMove", l.getMinLiquidationMove())) != null) {
                return p;
            }
            if (l.getCollateralHaircuts() != null) {
                for (java.util.Map.Entry<String, Double> h : l.getCollateralHaircuts().entrySet()) {
                    if (h.getKey().isBlank()) {
                        return "riskLimits.collateralHaircuts has a blank asset";
                    }
                    double v = h.getValue();
                    if (!(v >= 0 && v <= 1)) {
                        return "riskLimits.collateralHaircuts[" + h.getKey() + "] must be in [0, 1], got " + v;
                    }
                }
            }
            if (l.getHedgeTimeoutMs() <= 0) {
                return "riskLimits.hedgeTimeoutMs must be > 0, got " + l.getHedgeTimeoutMs();
            }
            if (l.getQuoteHorizonMs() <= 0) {
                return "riskLimits.quoteHorizonMs must be > 0, got " + l.getQuoteHorizonMs();
            }
            if (l.getHedgeInstrument() != null && l.getHedgeInstrument().isBlank()) {
                return "riskLimits.hedgeInstrument must be null or non-blank";
            }
            if (l.getHedgeInstrument() != null && Keys.hasVenue(l.getHedgeInstrument())
                    && (Keys.venueOf(l.getHedgeInstrument()).isBlank() || Keys.symbolOf(l.getHedgeInstrument()).isBlank())) {
                return "riskLimits.hedgeInstrument must be a symbol or venue:symbol with both parts non-blank, got '"
                        + l.getHedgeInstrument() + "'";
            }
            if (!(l.getHedgeToFraction() > 0 && l.getHedgeToFraction() <= 1)) {
                return "riskLimits.hedgeToFraction must be in (0, 1], got " + l.getHedgeToFraction();
            }
            if ((p = nonNegative("riskLimits.hedgeMinDays", l.getHedgeMinDays())) != null
                    || (p = nonNegative("riskLimits.hedgeMaxDays", l.getHedgeMaxDays())) != null
                    || (p = positive("riskLimits.hedgeMaxSpreadVolPts", l.getHedgeMaxSpreadVolPts())) != null) {
                return p;
            }
            if (l.getHedgeMaxDays() < l.getHedgeMinDays()) {
                return "riskLimits.hedgeMaxDays must be >= hedgeMinDays, got " + l.getHedgeMaxDays() + " < " + l.getHedgeMinDays();
            }
            return null;
        };
    }

    /** Collateral: key parts without '/', a key that matches the record, a finite amount, a sane time. */
    public static Validator<Collateral> collateral(long maxFutureSkewMillis) {
        return (c, key, now) -> {
            String p;
            if ((p = keyPart("collateral.providerId", c.getProviderId())) != null
                    || (p = keyPart("collateral.venue", c.getVenue())) != null
                    || (p = keyPart("collateral.asset", c.getAsset())) != null) {
                return p;
            }
            String expectedKey = Keys.collateral(c.getProviderId(), c.getVenue(), c.getAsset());
            String actualKey = key == null ? null : new String(key, StandardCharsets.UTF_8);
            if (!expectedKey.equals(actualKey)) {
                return "collateral key '" + actualKey + "' does not match the record, expected '" + expectedKey + "'";
            }
            if (!Double.isFinite(c.getAmount())) {
                return "collateral.amount must be finite, got " + c.getAmount();
            }
            return eventTime("collateral.updatedAt", c.getUpdatedAt(), now, maxFutureSkewMillis);
        };
    }

    static String instrument(String path, Instrument i) {
        String p;
        if ((p = nonBlank(path + ".symbol", i.getSymbol())) != null
                || (p = keyPart(path + ".underlying", i.getUnderlying())) != null) {
            return p;
        }
        if (!Double.isFinite(i.getMultiplier()) || i.getMultiplier() <= 0) {
            return path + ".multiplier must be finite and > 0, got " + i.getMultiplier();
        }
        InstrumentKind kind = i.getKind();
        if (kind == InstrumentKind.OPTION) {
            if (i.getStrike() == null) {
                return path + ".strike is required for an OPTION";
            }
            if (!Double.isFinite(i.getStrike()) || i.getStrike() <= 0) {
                return path + ".strike must be finite and > 0, got " + i.getStrike();
            }
            if (i.getExpiry() == null) {
                return path + ".expiry is required for an OPTION";
            }
            if (i.getRight() == null) {
                return path + ".right is required for an OPTION";
            }
        } else {
            if (i.getStrike() != null) {
                return path + ".strike must be null for a " + kind + ", got " + i.getStrike();
            }
            if (i.getRight() != null) {
                return path + ".right must be null for a " + kind + ", got " + i.getRight();
            }
            if (kind == InstrumentKind.FUTURE && i.getExpiry() == null) {
                return path + ".expiry is required for a FUTURE";
            }
            if (kind != InstrumentKind.FUTURE && i.getExpiry() != null) {
                return path + ".expiry must be null for a " + kind + ", got " + i.getExpiry();
            }
        }
        if (i.getPriceUnit() == io.ballast.avro.PriceUnit.UNDERLYING && kind != InstrumentKind.OPTION) {
            return path + ".priceUnit UNDERLYING is for options only, got a " + kind;
        }
        if (i.getInverse()) {
            if (kind != InstrumentKind.PERPETUAL && kind != InstrumentKind.FUTURE) {
                return path + ".inverse is for a PERPETUAL or a FUTURE, got a " + kind;
            }
            if (i.getContractValue() == null) {
                return path + ".contractValue is required for an inverse " + kind;
            }
            if (!Double.isFinite(i.getContractValue()) || i.getContractValue() <= 0) {
                return path + ".contractValue must be finite and > 0, got " + i.getContractValue();
            }
            if (i.getMultiplier() != 1.0) {
                return path + ".multiplier must be 1.0 for an inverse " + kind + " (quoted per unit of underlying), got "
                        + i.getMultiplier();
            }
        } else if (i.getContractValue() != null) {
            return path + ".contractValue must be null unless inverse, got " + i.getContractValue();
        }
        if (i.getExpiry() != null && i.getExpiry().toEpochMilli() <= 0) {
            return path + ".expiry must be after 1970-01-01, got " + i.getExpiry();
        }
        return null;
    }

    private static String eventTime(String path, Instant t, long now, long maxFutureSkewMillis) {
        long ms = t.toEpochMilli();
        if (ms <= 0) {
            return path + " must be after 1970-01-01, got " + t;
        }
        if (ms - now > maxFutureSkewMillis) {
            return path + " " + t + " is " + (ms - now) + " ms ahead of the clock (limit "
                    + maxFutureSkewMillis + " ms)";
        }
        return null;
    }

    private static String nonBlank(String path, String s) {
        return s == null || s.isBlank() ? path + " must not be blank" : null;
    }

    /** A venue: non-blank, and without the separator of {@code venue:symbol} (the identity of an instrument). */
    private static String venue(String path, String s) {
        if (s == null || s.isBlank()) {
            return path + " must not be blank";
        }
        if (s.indexOf(Keys.VENUE_SEPARATOR) >= 0) {
            return path + " must not contain '" + Keys.VENUE_SEPARATOR + "', got '" + s + "'";
        }
        return null;
    }

    /** Parts of keys of the form provider/UNDERLYING. */
    private static String keyPart(String path, String s) {
        if (s == null || s.isBlank()) {
            return path + " must not be blank";
        }
        if (s.indexOf(KEY_SEPARATOR) >= 0) {
            return path + " must not contain '" + KEY_SEPARATOR + "', got '" + s + "'";
        }
        return null;
    }

    private static String positive(String path, double v) {
        return Double.isFinite(v) && v > 0 ? null : path + " must be finite and > 0, got " + v;
    }

    private static String nonNegative(String path, double v) {
        return Double.isFinite(v) && v >= 0 ? null : path + " must be finite and >= 0, got " + v;
    }

    private static String optionalPositive(String path, Double v) {
        return v == null ? null : positive(path, v);
    }

    private static String optionalNonNegative(String path, Double v) {
        return v == null ? null : nonNegative(path, v);
    }
}
