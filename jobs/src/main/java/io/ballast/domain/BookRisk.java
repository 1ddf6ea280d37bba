package io.ballast.domain;

import io.ballast.avro.ExpiryRisk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The greeks of one provider's book in one underlying at one instant, summed over positions:
 * each position's per-contract greeks times signed quantity times multiplier (CONTRACT.md).
 * Mutable and reused by the operator: no allocation per evaluation.
 */
public final class BookRisk {

    /** S; NaN when the underlying has no reference price yet. */
    public double referencePrice;
    public double netDelta;
    public double gamma;
    public double vega;
    public double theta;
    public double markValue;
    public int positions;
    public int unpricedPositions;
    /** Time to the nearest expiry among priced option positions, years; 0 when none. */
    public double nearestExpiry;
    public double rate;
    /**
     * The priced option positions by expiry, in the order first met: {@link #expiries} of them, expiry
     * {@code expiry[i]} (epoch ms) with its delta, gamma, vega and theta sums. Arrays grow, never shrink.
     */
    int expiries;
    long[] expiry = new long[4];
    double[] expiryDelta = new double[4];
    double[] expiryGamma = new double[4];
    double[] expiryVega = new double[4];
    double[] expiryTheta = new double[4];

    void reset() {
        expiries = 0;
        referencePrice = Double.NaN;
        netDelta = 0;
        gamma = 0;
        vega = 0;
        theta = 0;
        markValue = 0;
        positions = 0;
        unpricedPositions = 0;
        nearestExpiry = 0;
        rate = 0;
    }

    /** Adds one priced option position's greeks to its expiry's sums. */
    void addToExpiry(long at, double delta, double gamma, double vega, double theta) {
        int i = 0;
        while (i < expiries && expiry[i] != at) {
            i++;
        }
        if (i == expiries) {
            if (i == expiry.length) {
                int n = 2 * i;
                expiry = Arrays.copyOf(expiry, n);
                expiryDelta = Arrays.copyOf(expiryDelta, n);
                expiryGamma = Arrays.copyOf(expiryGamma, n);
                expiryVega = Arrays.copyOf(expiryVega, n);
                expiryTheta = Arrays.copyOf(expiryTheta, n);
            }
            expiry[i] = at;
            expiryDelta[i] = 0;
            expiryGamma[i] = 0;
            expiryVega[i] = 0;
            expiryTheta[i] = 0;
            expiries++;
        }
        expiryDelta[i] += delta;
        expiryGamma[i] += gamma;
        expiryVega[i] += vega;
        expiryTheta[i] += theta;
    }

    /** {@code RiskSnapshot.byExpiry}: the option positions' greeks per expiry, earliest first. */
    public List<ExpiryRisk> byExpiry() {
        if (expiries == 0) {
            return List.of();
        }
        // Insertion sort of primitive indices by expiry: a book holds few expiries, and nothing is boxed.
        int[] order = new int[expiries];
        for (int i = 0; i < expiries; i++) {
            int j = i;
            while (j > 0 && expiry[order[j - 1]] > expiry[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        List<ExpiryRisk> out = new ArrayList<>(expiries);
        double perDollar = referencePrice * referencePrice / 100.0;
        for (int i : order) {
            ExpiryRisk e = new ExpiryRisk();
            e.setExpiry(Instant.ofEpochMilli(expiry[i]));
            e.setNetDelta(expiryDelta[i]);
            e.setDollarGamma(expiryGamma[i] * perDollar);
            e.setVega(expiryVega[i]);
            e.setTheta(expiryTheta[i]);
            out.add(e);
        }
        return out;
    }

    /** gamma · S² / 100: P&L of a 1% move from gamma. */
    public double dollarGamma() {
        return gamma * referencePrice * referencePrice / 100.0;
    }

    public double deltaNotional() {
        return netDelta * referencePrice;
    }
}
