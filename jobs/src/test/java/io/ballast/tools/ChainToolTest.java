package io.ballast.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.ballast.quant.Black76;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainToolTest {

  private static final String HEADER = "symbol,underlying,expiry,strike,right,bid,ask,forward,asOf";
  private static final String AS_OF = "2026-11-21T10:00:00Z";

  private record Result(int status, List<String> out, List<String> err) {
    List<String> options() {
      int blank = out.indexOf("");
      return out.subList(1, blank);
    }

    List<String> smiles() {
      int blank = out.indexOf("");
      return out.subList(blank + 2, out.size());
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
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1)).subList(0,
        text.split("\n", -1).length - 1);
  }

  @Test
  void theExampleChainRunsCleanAndFitsSviWhereThereAreEnoughStrikes() throws Exception {
    Path example = Path.of("..", "examples", "chain.csv");
    assertThat(example).exists();
    int rows = (int) Files.lines(example).filter(l -> !l.isBlank()).count() - 1;
    Result result = run("", example.toString());
    assertThat(result.status()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out().get(0)).isEqualTo(ChainTool.OPTION_HEADER);
    assertThat(result.options()).hasSize(rows);
    assertThat(result.out().get(result.out().indexOf("") + 1)).isEqualTo(ChainTool.SMILE_HEADER);
    for (String line : result.options()) {
      String[] f = line.split(",", -1);
      assertThat(f).hasSize(ChainTool.OPTION_HEADER.split(",").length);
      assertThat(f[11]).as(line).isEqualTo("OK");
      // the volatility reprices the mid
      double mid = Double.parseDouble(f[7]);
      double iv = Double.parseDouble(f[10]);
      double price = Black76.price(f[4].equals("C"), Double.parseDouble(f[8]),
          Double.parseDouble(f[3]), Double.parseDouble(f[9]), iv, 1.0);
      assertThat(price).isCloseTo(mid, offset(1e-9 * mid));
      assertThat(Double.parseDouble(f[12])).isCloseTo(mid, offset(1e-9 * mid));
    }
    List<String> smiles = result.smiles();
    assertThat(smiles).hasSize(4);
    long svi = smiles.stream().filter(s -> s.split(",")[5].equals("SVI")).count();
    assertThat(svi).isEqualTo(3);
    for (String smile : smiles) {
      String[] f = smile.split(",", -1);
      assertThat(f).hasSize(ChainTool.SMILE_HEADER.split(",").length);
      assertThat(Double.parseDouble(f[6])).isBetween(0.3, 0.8); // atmVol of a BTC-like chain
      if (f[5].equals("SVI")) {
        assertThat(f[7]).isNotEmpty(); // rr25
        assertThat(Double.parseDouble(f[7])).isNegative(); // put skew, as generated
        assertThat(Double.parseDouble(f[14])).isLessThan(0.005); // rmse within the bid-ask noise
        assertThat(Integer.parseInt(f[15])).isGreaterThanOrEqualTo(5);
      } else {
        assertThat(f[7]).isEmpty(); // 25-delta strikes outside four near-the-money strikes
        assertThat(f[9]).isEmpty(); // no SVI parameters
      }
    }
  }

  @Test
  void badRowsAreReportedWithTheirLineNumberAndSkipped() {
    String csv = String.join("\n",
        HEADER,
        "BTC-A,BTC,2026-12-25T08:00:00Z,100000,C,2900,3000,98000," + AS_OF, // 2: good
        "BTC-B,BTC,2026-12-25T08:00:00Z,-5,C,2900,3000,98000," + AS_OF, // 3: strike
        "BTC-C,BTC,2026-12-25T08:00:00Z,100000,X,2900,3000,98000," + AS_OF, // 4: right
        "BTC-D,BTC,2026-12-25T08:00:00Z,100000,C,3100,3000,98000," + AS_OF, // 5: bid > ask
        "BTC-E,BTC,2026-12-25T08:00:00Z,100000,C,abc,3000,98000," + AS_OF, // 6: number
        "BTC-F,BTC,2025-12-25T08:00:00Z,100000,C,2900,3000,98000," + AS_OF, // 7: expired
        "BTC-G,BTC,2026-12-25T08:00:00Z,100000,C,2900,3000", // 8: short row
        "BTC-H,BTC,tomorrow,100000,C,2900,3000,98000," + AS_OF, // 9: time
        "",
        "BTC-I,BTC,1798185600000,90000,P,2100,2200,98000,1795255200000", // 11: good, epoch ms
        "BTC-J,BTC,2026-12-25T08:00:00Z,100000,P,0,3000,98000," + AS_OF, // 12: no mid (bid 0)
        "BTC-K,BTC,2026-12-25T08:00:00Z,90000,C,100,120,98000," + AS_OF, // 13: below intrinsic
        "");
    Result result = run(csv);
    assertThat(result.status()).isZero();
    assertThat(result.err()).hasSize(8);
    assertThat(result.err().get(0)).startsWith("line 3: strike must be positive");
    assertThat(result.err().get(1)).startsWith("line 4: right must be C, CALL, P or PUT");
    assertThat(result.err().get(2)).startsWith("line 5: bid 3100 above ask 3000");
    assertThat(result.err().get(3)).startsWith("line 6: bid is not a number");
    assertThat(result.err().get(4)).startsWith("line 7: expiry");
    assertThat(result.err().get(5)).startsWith("line 8: missing field 'forward'");
    assertThat(result.err().get(6)).startsWith("line 9: expiry is neither");
    assertThat(result.err().get(7)).isEqualTo("7 bad rows skipped");
    List<String> options = result.options();
    assertThat(options).hasSize(4);
    assertThat(options.get(0)).startsWith("BTC-A,").contains(",OK,");
    assertThat(options.get(1)).startsWith("BTC-I,").contains(",OK,");
    assertThat(options.get(2)).startsWith("BTC-J,").contains(",NO_MID,");
    assertThat(options.get(3)).startsWith("BTC-K,").contains(",BELOW_INTRINSIC,");
    // one expiry, two OTM quotes with a vol (call 100000 and put 90000): a linear smile
    assertThat(result.smiles()).hasSize(1);
    assertThat(result.smiles().get(0)).contains(",LINEAR,");
  }

  @Test
  void readsStandardInputAndDiscountsWithTheRate() {
    String csv = HEADER + "\nBTC-A,BTC,2026-12-25T08:00:00Z,100000,C,2900,3000,98000," + AS_OF
        + "\n";
    String[] plain = run(csv).options().get(0).split(",", -1);
    String[] discounted = run(csv, "--rate", "0.05", "-").options().get(0).split(",", -1);
    double tau = Double.parseDouble(plain[9]);
    double ivPlain = Double.parseDouble(plain[10]);
    double ivDiscounted = Double.parseDouble(discounted[10]);
    assertThat(ivDiscounted).isGreaterThan(ivPlain); // the same mid is worth more undiscounted
    double repriced = Black76.price(true, 98000, 100000, tau, ivDiscounted, Math.exp(-0.05 * tau));
    assertThat(repriced).isCloseTo(2950, offset(1e-8));
  }

  @Test
  void usageErrorsExitWithStatusTwo() {
    assertThat(run("symbol,expiry\n").status()).isEqualTo(2);
    assertThat(run("").status()).isEqualTo(2);
    assertThat(run("", "no/such/file.csv").status()).isEqualTo(2);
    assertThat(run("", "--rate", "x").status()).isEqualTo(2);
    Result help = run("", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out().get(0)).startsWith("usage:");
  }
}
