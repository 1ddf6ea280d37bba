package io.ballast.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ChainTool --format deribit} on the real chains of shared/data/deribit/. */
class ChainToolDeribitTest {

  private record Result(int status, List<String> out, List<String> err) {
    List<String> options() {
      return out.subList(1, out.indexOf(""));
    }

    List<String> smiles() {
      return out.subList(out.indexOf("") + 2, out.size());
    }
  }

  private static Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ChainTool.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, lines(out), lines(err));
  }

  private static List<String> lines(ByteArrayOutputStream stream) {
    String text = stream.toString(StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return List.of();
    }
    String[] all = text.split("\n", -1);
    return Arrays.asList(all).subList(0, all.length - 1);
  }

  private static Path orderBookFile(String name) {
    return DeribitFixtures.orderBookFiles().stream()
        .filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void convertsCoinPricesToUsdWithTheRowsForwardOnceAtTheEdge() {
    Path file = orderBookFile("BTC_20251024_231900.csv");
    Result result = run("", "--format", "deribit", file.toString());
    assertThat(result.status()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out().get(0)).isEqualTo(ChainTool.OPTION_HEADER);
    assertThat(result.options()).hasSize(732);
    // First row of the file: BTC-25OCT25-100000-C, bid 0.094, ask 0.098 (BTC), underlying_price
    // 110673.759, timestamp 2025-10-24T23:15:28.687627 at UTC+3, expiry 1761379200000.
    String[] f = result.options().get(0).split(",", -1);
    assertThat(f[0]).isEqualTo("BTC-25OCT25-100000-C");
    assertThat(f[1]).isEqualTo("BTC");
    assertThat(f[2]).isEqualTo("2025-10-25T08:00:00Z");
    assertThat(f[4]).isEqualTo("C");
    assertThat(Double.parseDouble(f[5])).isCloseTo(10403.333346, offset(1e-6)); // 0.094 × F
    assertThat(Double.parseDouble(f[6])).isCloseTo(10846.028382, offset(1e-6)); // 0.098 × F
    assertThat(Double.parseDouble(f[7])).isCloseTo(10624.680864, offset(1e-6)); // 0.096 × F
    assertThat(Double.parseDouble(f[8])).isEqualTo(110673.759);
    double seconds = Duration.between(Instant.parse("2025-10-24T20:15:28.687Z"),
        Instant.parse("2025-10-25T08:00:00Z")).toMillis() / 1000.0;
    assertThat(Double.parseDouble(f[9])).isCloseTo(seconds / (365 * 86400.0), offset(1e-15));
    // deep in the money, the mid 0.096 BTC × F = 10624.68 USD is below the intrinsic value
    // 110673.759 − 100000 = 10673.759: no vol, and the tool says so
    assertThat(f[11]).isEqualTo("BELOW_INTRINSIC");
    String[] atm = result.options().get(16).split(",", -1); // BTC-25OCT25-110000-C
    assertThat(atm[0]).isEqualTo("BTC-25OCT25-110000-C");
    assertThat(atm[11]).isEqualTo("OK");
  }

  @Test
  void everyRealChainRunsCleanWithASmilePerExpiryNearDeribitsAtTheMoneyVol() throws Exception {
    List<Path> files = new java.util.ArrayList<>(DeribitFixtures.orderBookFiles());
    files.addAll(DeribitFixtures.snapshotFiles());
    int poorFits = 0;
    for (Path file : files) {
      Result result = run("", "--format", "deribit", file.toString());
      assertThat(result.status()).as(file.toString()).isZero();
      long rows = Files.lines(file).filter(l -> !l.isBlank()).count() - 1;
      assertThat(result.options()).as(file.toString()).hasSize((int) rows);
      // Deribit's mark vol at the strike nearest each forward, per (underlying, expiry), read from
      // the file with DeribitChain (Deribit's number, not Ballast's)
      Map<String, double[]> nearest = new HashMap<>(); // key → {|K − F|, markIv}
      for (DeribitChain.DeribitOption o : DeribitFixtures.chain(file).options()) {
        String key = o.underlying() + "," + Instant.ofEpochMilli(o.expiryMillis());
        double distance = Math.abs(o.strike() - o.forward());
        double[] best = nearest.get(key);
        if (best == null || distance < best[0]) {
          nearest.put(key, new double[] {distance, o.markIv()});
        }
      }
      int compared = 0;
      for (String smile : result.smiles()) {
        String[] f = smile.split(",", -1);
        assertThat(f).hasSize(ChainTool.SMILE_HEADER.split(",").length);
        double atmVol = Double.parseDouble(f[6]);
        if (Double.parseDouble(f[14]) > POOR_FIT) {
          System.out.println("poor smile fit (rmse > " + POOR_FIT + "), not compared: "
              + file.getFileName() + " " + smile);
          poorFits++;
          continue;
        }
        double deribitAtm = nearest.get(f[0] + "," + f[1])[1];
        // the smile is fitted to mids of the live bid/ask, Deribit's mark vol is its own surface:
        // agreement within a few vol points is what the two can be expected to share
        assertThat(atmVol).as(file.getFileName() + " " + smile).isCloseTo(deribitAtm,
            offset(0.05));
        compared++;
      }
      assertThat(compared).as(file.toString()).isGreaterThanOrEqualTo(nearest.size() * 2 / 3);
      assertThat(result.options()).filteredOn(l -> l.contains(",OK,")).hasSizeGreaterThan(
          (int) rows / 2);
    }
    System.out.println(poorFits + " poor smile fits over " + files.size() + " files");
  }

  /** A smile whose rmse exceeds two vol points is not compared (and is printed). */
  private static final double POOR_FIT = 0.02;

  @Test
  void emptySidesGiveNoMidAndBadRowsAreReported() {
    String header = "instrument,strike,expiration,option_type,underlying_price,mark_price,mark_iv,"
        + "bid,ask,oi,volume,greeks,timestamp";
    String tail = ",0,0,\"{'delta': 0.5}\",2025-10-24T23:15:28.687627";
    String csv = String.join("\n", header,
        "BTC-25OCT25-110000-C,110000,1761379200000,call,110000,0.0072,22.18,0.0065,0.008" + tail,
        "BTC-25OCT25-120000-C,120000,1761379200000,call,110000,0.0001,60,0.0,0.0001" + tail,
        "BTC-25OCT25-90000-P,90000,1761379200000,put,110000,0.0001,60,0.0001,0.0" + tail,
        "BTC-24OCT25-90000-P,90000,1761292800000,put,110000,0.0001,60,0.0001,0.0002" + tail,
        "BTC-25OCT25-90000-X,90000,1761379200000,fut,110000,0.0001,60,0.0001,0.0002" + tail,
        "");
    Result result = run(csv, "--format", "deribit");
    assertThat(result.status()).isZero();
    assertThat(result.options()).hasSize(3);
    assertThat(result.options().get(0)).contains(",OK,");
    assertThat(result.options().get(1)).contains(",NO_MID,"); // no bid
    assertThat(result.options().get(2)).contains(",NO_MID,"); // no ask: not a bad row here
    assertThat(result.err()).hasSize(3);
    assertThat(result.err().get(0)).startsWith("line 6: option_type must be call or put");
    assertThat(result.err().get(1)).startsWith("line 5: expiry 2025-10-24T08:00:00Z is not after");
    assertThat(result.err().get(2)).isEqualTo("2 bad rows skipped");
  }

  @Test
  void formatUsageErrors() {
    assertThat(run("", "--format", "parquet").status()).isEqualTo(2);
    assertThat(run("symbol,underlying,expiry,strike,right,bid,ask,forward,asOf\n", "--format",
        "deribit").status()).isEqualTo(2);
    assertThat(run("", "--format", "deribit", "no/such/file.csv").status()).isEqualTo(2);
    assertThat(run("", "--help").out().get(0)).contains("--format csv|deribit");
  }
}
