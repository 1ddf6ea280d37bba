package io.ballast.domain;

import io.ballast.avro.internal.LinearMark;

import java.util.Map;

/**
 * Which {@code venue:symbol} a book's DELTA_HEDGE trades (CONTRACT.md, "Identity: (venue, symbol)").
 *
 * <ol>
 *   <li>The symbol is the limits' {@code hedgeInstrument}, else {@code <UNDERLYING>-PERP}.</li>
 *   <li>A {@code hedgeInstrument} of the form {@code venue:symbol} names its venue: that one, quoted or not.</li>
 *   <li>Otherwise the preferred venue is the venue of the book's latest fill; a book without one (restored from
 *       state written before venues and not filled since) prefers {@code defaults.venue}, the venue its
 *       positions were given. If the market snapshot quotes the symbol there, that venue.</li>
 *   <li>Else the first venue, in the order of {@link String#compareTo}, whose quote of the symbol the snapshot
 *       holds (a deterministic choice, independent of the order the quotes came in).</li>
 *   <li>Else (no venue quotes it, or no snapshot yet) the preferred venue.</li>
 * </ol>
 */
public final class HedgeInstrument {

    private HedgeInstrument() {
    }

    /**
     * @param hedgeInstrument the limits' {@code hedgeInstrument}: null, a symbol, or {@code venue:symbol}
     * @param underlying      the book's underlying
     * @param fillVenue       the venue of the book's latest fill, or null when unknown
     * @param defaultVenue    {@code defaults.venue}
     * @param linear          the market snapshot's linear marks by {@code venue:symbol}, or null without a snapshot
     * @return {@code venue:symbol}
     */
    public static String resolve(String hedgeInstrument, String underlying, String fillVenue, String defaultVenue,
                                 Map<String, LinearMark> linear) {
        String named = hedgeInstrument != null ? hedgeInstrument : underlying + "-PERP";
        if (Keys.hasVenue(named)) {
            return named;
        }
        String preferred = fillVenue != null ? fillVenue : defaultVenue;
        String own = Keys.instrument(preferred, named);
        if (linear == null || linear.containsKey(own)) {
            return own;
        }
        String first = null;
        for (String key : linear.keySet()) {
            if (Keys.hasVenue(key) && Keys.symbolOf(key).equals(named)) {
                String venue = Keys.venueOf(key);
                if (first == null || venue.compareTo(first) < 0) {
                    first = venue;
                }
            }
        }
        return first == null ? own : Keys.instrument(first, named);
    }

    /**
     * Whether a fill of {@code symbol} on {@code venue} executes a pending hedge of {@code hedgeInstrument}: the
     * same {@code venue:symbol}; a hedge stored before venues (a bare symbol) is matched by symbol on any venue.
     */
    public static boolean filledBy(String hedgeInstrument, String venue, String symbol) {
        return Keys.hasVenue(hedgeInstrument)
                ? hedgeInstrument.equals(Keys.instrument(venue, symbol))
                : hedgeInstrument.equals(symbol);
    }
}
