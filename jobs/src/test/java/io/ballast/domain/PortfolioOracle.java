package io.ballast.domain;

import io.ballast.tools.DeribitChain;
import org.apache.commons.numbers.gamma.Erfc;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * Independent oracles for the portfolio tests: the textbook Black-76 with the normal distribution from
 * Apache Commons Numbers (not the job's Jäckel-style evaluation), and the real Deribit chains of
 * {@code ../shared/data/deribit/} read straight from their CSV files.
 */
final class PortfolioOracle {

    static final double MILLIS_PER_YEAR = 365.0 * 86_400_000;

    private PortfolioOracle() {
    }

    static double normalCdf(double x) {
        return 0.5 * Erfc.value(-x / Math.sqrt(2));
    }

    /** DF·(F·N(d1) − K·N(d2)) or DF·(K·N(−d2) − F·N(−d1)); intrinsic at τ = 0 or σ = 0. */
    static double black76(boolean call, double f, double k, double tau, double vol, double df) {
        if (tau <= 0 || vol <= 0) {
            return df * Math.max(call ? f - k : k - f, 0);
        }
        double sd = vol * Math.sqrt(tau);
        double d1 = (Math.log(f / k) + 0.5 * sd * sd) / sd;
        double d2 = d1 - sd;
        return call ? df * (f * normalCdf(d1) - k * normalCdf(d2)) : df * (k * normalCdf(-d2) - f * normalCdf(-d1));
    }

    /** One option of a chain file. */
    record ChainRow(String symbol, double strike, long expiry, boolean call, double forward, double markCoin,
                    double markIvPercent, long timestamp) {
    }

    /**
     * {@code shared/data/deribit}, found by walking up from the working directory; a test without it is
     * skipped, except under CI=true where it fails.
     */
    static Path deribitFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data").resolve("deribit");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("shared/data/deribit not found above " + Path.of("").toAbsolutePath());
        }
        Assumptions.abort("shared/data/deribit not found above " + Path.of("").toAbsolutePath());
        return null;
    }

    /**
     * The rows of {@code BTC_…}/{@code ETH_…} files (README: {@code expiration} epoch ms, {@code mark_iv} in
     * percent, {@code mark_price} in coin, {@code timestamp} naive local time UTC+03:00).
     */
    static List<ChainRow> readChain(String file) throws IOException {
        List<String> lines = Files.readAllLines(deribitFolder().resolve(file));
        List<String> header = DeribitChain.splitCsv(lines.get(0));
        int instrument = header.indexOf("instrument");
        int strike = header.indexOf("strike");
        int expiration = header.indexOf("expiration");
        int type = header.indexOf("option_type");
        int underlying = header.indexOf("underlying_price");
        int mark = header.indexOf("mark_price");
        int iv = header.indexOf("mark_iv");
        int time = header.indexOf("timestamp");
        List<ChainRow> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> c = DeribitChain.splitCsv(line);
            long ts = LocalDateTime.parse(c.get(time)).toInstant(ZoneOffset.ofHours(3)).toEpochMilli();
            rows.add(new ChainRow(c.get(instrument), Double.parseDouble(c.get(strike)), Long.parseLong(c.get(expiration)),
                    c.get(type).equals("call"), Double.parseDouble(c.get(underlying)), Double.parseDouble(c.get(mark)),
                    Double.parseDouble(c.get(iv)), ts));
        }
        return rows;
    }
}
