package io.ballast.sandbox.market;

import io.ballast.avro.Instrument;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the simulated venues list for one underlying. SIMEX: a perpetual, a spot pair, and an option chain of
 * {@value #EXPIRIES} Friday 08:00 UTC expiries with {@value #STRIKES} strikes each, calls and puts, on a
 * round-number grid around the forward at listing time, symbols {@code BTC-261227-100000-C} (yyMMdd). The coin
 * venue ({@link CoinVenue}): the same chain quoted in coin under Deribit's symbols ({@code BTC-27DEC26-100000-C}),
 * and an inverse perpetual; the symbols differ, so positions are apart whether or not they are keyed by venue.
 */
public final class Listing {

    static final int EXPIRIES = 4;
    static final int STRIKES = 11;
    /** Days ahead of the listing date of each expiry (then rolled forward to a Friday). */
    private static final int[] EXPIRY_DAYS = {5, 26, 61, 117};
    private static final DateTimeFormatter SYMBOL_DATE = DateTimeFormatter.ofPattern("yyMMdd", Locale.ENGLISH);

    private final UnderlyingSpec spec;
    private final Instrument perpetual;
    private final Instrument spot;
    private final Instrument inversePerpetual;
    private final List<Long> expiries;
    private final List<Option> options;
    private final Map<Long, List<Option>> byExpiry;

    /** A listed option; {@code coin} is its coin-quoted twin on the coin venue. */
    public record Option(Instrument instrument, String symbol, long expiry, double strike, boolean call,
                         int expiryIndex, int strikeIndex, Instrument coin) {
    }

    private Listing(UnderlyingSpec spec, Instrument perpetual, Instrument spot, List<Long> expiries,
                    List<Option> options) {
        this.spec = spec;
        this.perpetual = perpetual;
        this.spot = spot;
        this.inversePerpetual = CoinVenue.inversePerpetual(spec);
        this.expiries = expiries;
        this.options = options;
        Map<Long, List<Option>> grouped = new LinkedHashMap<>();
        for (Option o : options) {
            grouped.computeIfAbsent(o.expiry(), e -> new ArrayList<>()).add(o);
        }
        this.byExpiry = Collections.unmodifiableMap(grouped);
    }

    /** The listing of {@code spec} as of {@code now}, strikes centred on its starting forward. */
    public static Listing of(UnderlyingSpec spec, Instant now) {
        Instrument perp = Instrument.newBuilder().setSymbol(spec.perpetual()).setUnderlying(spec.name())
                .setKind(InstrumentKind.PERPETUAL).setMultiplier(1.0).build();
        Instrument spot = Instrument.newBuilder().setSymbol(spec.spotSymbol()).setUnderlying(spec.name())
                .setKind(InstrumentKind.SPOT).setMultiplier(1.0).build();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        List<Long> expiries = new ArrayList<>();
        List<Option> options = new ArrayList<>();
        for (int e = 0; e < EXPIRIES; e++) {
            LocalDate date = today.plusDays(EXPIRY_DAYS[e]).with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY));
            Instant expiry = date.atTime(8, 0).toInstant(ZoneOffset.UTC);
            expiries.add(expiry.toEpochMilli());
            double tau = (expiry.toEpochMilli() - now.toEpochMilli()) / MarketSimulator.MILLIS_PER_YEAR;
            double forward = spec.spot() * Math.exp(spec.basisPerYear() * tau);
            double step = roundStep(forward * spec.vol() * Math.sqrt(tau) * 0.45);
            while (forward - (STRIKES / 2) * step < 0.2 * forward) {
                step = roundStep(0.6 * step); // keep the lowest strike well above zero
            }
            double atm = Math.round(forward / step) * step;
            String date6 = SYMBOL_DATE.format(date).toUpperCase(Locale.ROOT);
            for (int s = 0; s < STRIKES; s++) {
                double strike = atm + (s - STRIKES / 2) * step;
                if (strike <= 0) {
                    continue;
                }
                for (boolean call : new boolean[] {true, false}) {
                    String symbol = spec.name() + "-" + date6 + "-" + strikeText(strike) + (call ? "-C" : "-P");
                    Instrument instrument = Instrument.newBuilder().setSymbol(symbol).setUnderlying(spec.name())
                            .setKind(InstrumentKind.OPTION).setStrike(strike).setExpiry(expiry)
                            .setRight(call ? OptionRight.CALL : OptionRight.PUT).setMultiplier(1.0).build();
                    options.add(new Option(instrument, symbol, expiry.toEpochMilli(), strike, call, e, s,
                            CoinVenue.coinOption(instrument)));
                }
            }
        }
        return new Listing(spec, perp, spot, List.copyOf(expiries), List.copyOf(options));
    }

    /** The round number (1, 2, 2.5 or 5 times a power of ten) nearest to {@code raw}, in ratio. */
    static double roundStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double best = power;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (Math.abs(Math.log(m * power / raw)) < Math.abs(Math.log(best / raw))) {
                best = m * power;
            }
        }
        return best;
    }

    private static String strikeText(double strike) {
        return strike == Math.rint(strike) ? Long.toString((long) strike) : Double.toString(strike);
    }

    public UnderlyingSpec spec() {
        return spec;
    }

    public Instrument perpetual() {
        return perpetual;
    }

    public Instrument spot() {
        return spot;
    }

    /** The coin venue's inverse perpetual. */
    public Instrument inversePerpetual() {
        return inversePerpetual;
    }

    public List<Long> expiries() {
        return expiries;
    }

    public List<Option> options() {
        return options;
    }

    public List<Option> options(long expiry) {
        return byExpiry.getOrDefault(expiry, List.of());
    }
}
