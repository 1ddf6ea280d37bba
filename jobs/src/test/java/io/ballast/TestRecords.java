package io.ballast;

import io.ballast.avro.BandMode;
import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Valid records of the contract, to start tests from. */
public final class TestRecords {

    private TestRecords() {
    }

    /** A fixed, recent time, so event-time bounds against the clock hold. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    public static Instrument perp(String underlying) {
        return Instrument.newBuilder()
                .setSymbol(underlying + "-PERP").setUnderlying(underlying).setKind(InstrumentKind.PERPETUAL)
                .setStrike(null).setExpiry(null).setRight(null).setMultiplier(1.0)
                .build();
    }

    public static Instrument option(String underlying, double strike, Instant expiry, OptionRight right) {
        return Instrument.newBuilder()
                .setSymbol(underlying + "-" + expiry.toEpochMilli() + "-" + (long) strike + "-" + right.name().charAt(0))
                .setUnderlying(underlying).setKind(InstrumentKind.OPTION)
                .setStrike(strike).setExpiry(expiry).setRight(right).setMultiplier(1.0)
                .build();
    }

    public static Quote quote(Instrument instrument, double bid, double ask, Instant eventTime) {
        return Quote.newBuilder()
                .setInstrument(instrument).setVenue("DERIBIT").setBid(bid).setAsk(ask)
                .setBidSize(1.0).setAskSize(2.0).setUnderlyingPrice(null).setEventTime(eventTime)
                .build();
    }

    public static Trade trade(String tradeId, String provider, Instrument instrument, Side side, double quantity,
                              double price, Instant eventTime) {
        return Trade.newBuilder()
                .setTradeId(tradeId).setProviderId(provider).setVenue("DERIBIT").setInstrument(instrument)
                .setSide(side).setQuantity(quantity).setPrice(price).setFee(0.1).setSignalId(null)
                .setEventTime(eventTime)
                .build();
    }

    public static RiskLimits limits(String provider, String underlying) {
        return RiskLimits.newBuilder()
                .setProviderId(provider).setUnderlying(underlying).setDeltaTarget(0.0).setDeltaBand(5.0)
                .setBandMode(BandMode.FIXED).setHedgeCostBps(2.0).setHedgeInstrument(null)
                .setMinHedgeQuantity(0.01).setHedgeTimeoutMs(30_000).setGammaLimit(1e6).setVegaLimit(5e4)
                .setRiskAversion(0.001).setFillIntensity(1.5).setQuoteHorizonMs(60_000)
                .setUpdatedAt(now())
                .build();
    }
}
