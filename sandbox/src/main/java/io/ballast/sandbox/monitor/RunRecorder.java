package io.ballast.sandbox.monitor;

import io.ballast.avro.ExpiryRisk;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.VolSkew;
import io.ballast.domain.Keys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a run produces that a person will look at: the job's outputs (read back from Kafka), the
 * router's fills and the simulated prices. Thread-safe; {@link #data} takes a consistent copy.
 */
public final class RunRecorder {

    private final long start;
    private final AtomicLong quotesSent = new AtomicLong();
    private final AtomicLong fillsSent = new AtomicLong();
    private final AtomicLong hedgeFillsSent = new AtomicLong();
    private final AtomicLong duplicateSignals = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong coinQuotesSent = new AtomicLong();
    private final AtomicLong coinOptionFillsSent = new AtomicLong();
    private final AtomicLong inverseFillsSent = new AtomicLong();
    private volatile String coinVenue;
    /** Per provider: inverse DELTA_HEDGE signals, of them whole contracts, filled; the instruments. */
    private final Map<String, long[]> inverseHedges = new TreeMap<>();
    private final Map<String, Set<String>> inverseHedgeInstruments = new TreeMap<>();

    private final Map<String, RiskLimits> limits = new HashMap<>();
    private final Map<String, Key> keys = new TreeMap<>();
    private final Map<String, Underlying> underlyings = new LinkedHashMap<>();
    private final Map<String, Long> signalsByType = new TreeMap<>();
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private final Set<String> signalIds = new HashSet<>();
    private final PortfolioSeries portfolio = new PortfolioSeries();
    private long riskRecords;
    private long signalRecords;
    private long skewRecords;
    private long rejectedRecords;

    private static final class Key {
        final String provider;
        final String underlying;
        final List<RunData.RiskPoint> risk = new ArrayList<>();
        final List<RunData.SignalPoint> signals = new ArrayList<>();
        final List<RunData.HedgeFill> fills = new ArrayList<>();
        List<RunData.ExpiryRisk> byExpiry = List.of();

        Key(String provider, String underlying) {
            this.provider = provider;
            this.underlying = underlying;
        }
    }

    private static final class Underlying {
        final List<RunData.PricePoint> prices = new ArrayList<>();
        final Map<Long, List<RunData.SkewPoint>> skew = new TreeMap<>();
    }

    public RunRecorder(long start) {
        this.start = start;
    }

    public long start() {
        return start;
    }

    /** Shows a provider/underlying from the start, before any output about it. */
    public synchronized void expect(String provider, String underlying) {
        key(provider, underlying);
        underlying(underlying);
    }

    /** A record (or, with null, a tombstone) of the risk-limits topic. */
    public synchronized void limits(String key, RiskLimits value) {
        if (value == null) {
            limits.remove(key);
        } else {
            limits.put(key, value);
        }
    }

    public synchronized void risk(RiskSnapshot s) {
        riskRecords++;
        RiskLimits l = limitsOf(s.getProviderId(), s.getUnderlying());
        double band = l == null ? Double.NaN : Bands.band(l, s.getGamma(), s.getReferencePrice());
        Key k = key(s.getProviderId(), s.getUnderlying());
        k.risk.add(new RunData.RiskPoint(s.getAsOf().toEpochMilli(), s.getNetDelta(), s.getPendingHedge(),
                s.getGamma(), s.getDollarGamma(), s.getVega(), s.getMarkValue(), s.getPositions(),
                s.getReferencePrice(), band));
        List<RunData.ExpiryRisk> byExpiry = new ArrayList<>();
        for (ExpiryRisk e : s.getByExpiry() == null ? List.<ExpiryRisk>of() : s.getByExpiry()) {
            byExpiry.add(new RunData.ExpiryRisk(e.getExpiry().toEpochMilli(), e.getNetDelta(), e.getDollarGamma(),
                    e.getVega(), e.getTheta()));
        }
        k.byExpiry = List.copyOf(byExpiry);
        underlying(s.getUnderlying());
    }

    /**
     * A rebalance signal. Delivery is at-least-once: a signal id seen before is the same decision again,
     * and counts once.
     */
    public synchronized void signal(RebalanceSignal s) {
        if (!signalIds.add(s.getSignalId())) {
            return;
        }
        signalRecords++;
        signalsByType.merge(s.getType().name(), 1L, Long::sum);
        if (PortfolioSeries.PORTFOLIO_UNDERLYING.equals(s.getUnderlying())) {
            portfolio.signal(s); // a provider's whole portfolio, no provider/underlying of its own
            return;
        }
        if (s.getType() == SignalType.DELTA_HEDGE && s.getStatus() == SignalStatus.ACTION && s.getResidualDelta() != null) {
            long[] n = inverseHedges.computeIfAbsent(s.getProviderId(), p -> new long[3]);
            n[0]++;
            Double q = s.getQuantity();
            if (q != null && q == Math.rint(q)) {
                n[1]++;
            }
            inverseHedgeInstruments.computeIfAbsent(s.getProviderId(), p -> new java.util.TreeSet<>())
                    .add(String.valueOf(s.getInstrument()));
        }
        key(s.getProviderId(), s.getUnderlying()).signals.add(new RunData.SignalPoint(s.getEventTime().toEpochMilli(),
                s.getType().name(), s.getStatus().name(), s.getSide() == null ? null : s.getSide().name(),
                s.getQuantity(), s.getNetDelta(), s.getThreshold(), s.getSignalId()));
    }

    /** A portfolio-risk record. */
    public void portfolio(PortfolioRisk r) {
        portfolio.record(r);
    }

    public synchronized void skew(VolSkew v) {
        skewRecords++;
        underlying(v.getUnderlying()).skew.computeIfAbsent(v.getExpiry().toEpochMilli(), e -> new ArrayList<>())
                .add(new RunData.SkewPoint(v.getAsOf().toEpochMilli(), v.getAtmVol(), v.getRr25()));
    }

    public synchronized void rejected(String reason) {
        rejectedRecords++;
        rejectedByReason.merge(reason, 1L, Long::sum);
    }

    public synchronized void hedgeFill(String provider, String underlying, RunData.HedgeFill fill) {
        key(provider, underlying).fills.add(fill);
    }

    public synchronized void price(String underlying, long time, double price) {
        underlying(underlying).prices.add(new RunData.PricePoint(time, price));
    }

    public void quoteSent() {
        quotesSent.incrementAndGet();
    }

    public void fillSent() {
        fillsSent.incrementAndGet();
    }

    public void hedgeFillSent() {
        hedgeFillsSent.incrementAndGet();
    }

    /** A quote or fill the market sent on the coin venue (named {@code venue}). */
    public void coinQuoteSent(String venue) {
        coinVenue = venue;
        coinQuotesSent.incrementAndGet();
    }

    /** A provider's fill on the coin venue: a coin-quoted option, else an inverse perpetual. */
    public void coinFillSent(String venue, boolean option) {
        coinVenue = venue;
        (option ? coinOptionFillsSent : inverseFillsSent).incrementAndGet();
    }

    /** The router filled a DELTA_HEDGE on an inverse instrument. */
    public synchronized void inverseHedgeFill(String provider) {
        inverseHedges.computeIfAbsent(provider, p -> new long[3])[2]++;
    }

    public void duplicateSignal() {
        duplicateSignals.incrementAndGet();
    }

    public void undecodable() {
        undecodable.incrementAndGet();
    }

    /** The limits in force for a provider in an underlying: provider/UNDERLYING, else provider. */
    private RiskLimits limitsOf(String provider, String underlying) {
        RiskLimits specific = limits.get(Keys.book(provider, underlying));
        return specific != null ? specific : limits.get(provider);
    }

    private Key key(String provider, String underlying) {
        return keys.computeIfAbsent(Keys.book(provider, underlying), k -> new Key(provider, underlying));
    }

    private Underlying underlying(String name) {
        return underlyings.computeIfAbsent(name, n -> new Underlying());
    }

    /**
     * The latest state of one provider in one underlying, for the live line; gammaLimit (USD per 1%) and
     * vegaLimit (USD per vol point) null when the limits in force have none.
     */
    public record Latest(String provider, String underlying, RunData.RiskPoint risk, Double band, Double gammaLimit,
                         Double vegaLimit) {
    }

    /** Counts and each key's latest state: cheap enough to take every second. */
    public record Live(RunData.Counts counts, Map<String, Long> signalsByType, List<Latest> latest,
                       Map<String, PortfolioSeries.Point> portfolio, RunData.CoinVenue coinVenue) {
    }

    private RunData.CoinVenue coinVenue() {
        Map<String, RunData.InverseHedges> hedges = new TreeMap<>();
        inverseHedges.forEach((p, n) -> hedges.put(p, new RunData.InverseHedges(n[0], n[1], n[2],
                List.copyOf(inverseHedgeInstruments.getOrDefault(p, Set.of())))));
        return new RunData.CoinVenue(coinVenue, coinQuotesSent.get(), coinOptionFillsSent.get(), inverseFillsSent.get(),
                hedges);
    }

    public synchronized Live live() {
        List<Latest> latest = new ArrayList<>();
        for (Key k : keys.values()) {
            RunData.RiskPoint last = k.risk.isEmpty() ? null : k.risk.get(k.risk.size() - 1);
            RiskLimits l = limitsOf(k.provider, k.underlying);
            Double band = last != null && !Double.isNaN(last.band()) ? Double.valueOf(last.band())
                    : l == null ? null : Double.valueOf(l.getDeltaBand());
            latest.add(new Latest(k.provider, k.underlying, last, band, l == null ? null : l.getGammaLimit(),
                    l == null ? null : l.getVegaLimit()));
        }
        return new Live(counts(), new TreeMap<>(signalsByType), latest, portfolio.latest(), coinVenue());
    }

    private RunData.Counts counts() {
        return new RunData.Counts(quotesSent.get(), fillsSent.get(), hedgeFillsSent.get(),
                duplicateSignals.get(), riskRecords, signalRecords, skewRecords, rejectedRecords, undecodable.get());
    }

    /** A consistent copy of everything so far; {@code end} is the end of the observed period. */
    public synchronized RunData data(long end) {
        List<RunData.KeySeries> keySeries = new ArrayList<>();
        for (Key k : keys.values()) {
            RiskLimits l = limitsOf(k.provider, k.underlying);
            RunData.LimitsInfo info = l == null ? null : new RunData.LimitsInfo(l.getDeltaTarget(), l.getDeltaBand(),
                    l.getBandMode().name(), l.getGammaLimit(), l.getVegaLimit());
            keySeries.add(new RunData.KeySeries(k.provider, k.underlying, info, List.copyOf(k.risk),
                    List.copyOf(k.signals), List.copyOf(k.fills), k.byExpiry));
        }
        List<RunData.UnderlyingSeries> underlyingSeries = new ArrayList<>();
        underlyings.forEach((name, u) -> {
            Map<Long, List<RunData.SkewPoint>> skew = new TreeMap<>();
            u.skew.forEach((e, points) -> skew.put(e, List.copyOf(points)));
            underlyingSeries.add(new RunData.UnderlyingSeries(name, List.copyOf(u.prices), skew));
        });
        return new RunData(start, end, counts(), new TreeMap<>(signalsByType), new TreeMap<>(rejectedByReason),
                keySeries, underlyingSeries, portfolio.data(), coinVenue());
    }
}
