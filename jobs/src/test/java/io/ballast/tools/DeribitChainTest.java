package io.ballast.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.tools.DeribitChain.Chain;
import io.ballast.tools.DeribitChain.DeribitOption;
import io.ballast.tools.DeribitChain.Layout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeribitChainTest {

  private static final String ORDER_BOOK_HEADER = "instrument,strike,expiration,option_type,"
      + "underlying_price,mark_price,mark_iv,bid,ask,oi,volume,greeks,timestamp";
  private static final String SNAPSHOT_HEADER = "timestamp,instrument_name,underlying,"
      + "underlying_name,option_type,strike,expiry_datetime,time_to_maturity,bid_price,ask_price,"
      + "mark_price,mid_price,futures_price,futures_instrument_name,implied_volatility,delta,vega,"
      + "open_interest,volume,bid_ask_spread,currency,index_price,volume_usd";

  private static Chain read(String text, List<String> problems) throws IOException {
    return DeribitChain.read(new BufferedReader(new StringReader(text)),
        (line, message, row) -> problems.add(line + ": " + message));
  }

  @Test
  void readsAnOrderBookRowWithItsGreeksDictAndShiftsTheLocalTimestampToUtc() throws IOException {
    List<String> problems = new ArrayList<>();
    Chain chain = read(ORDER_BOOK_HEADER + "\n"
        + "BTC-25OCT25-100000-C,100000.0,1761379200000,call,110673.759,0.0965,105.31,0.094,0.098,"
        + "0.2,0.0,\"{'delta': 0.99596, 'gamma': 0.0, 'vega': 0.48453, 'theta': -25.51383, "
        + "'rho': 1.33525}\",2025-10-24T23:15:28.687627\n"
        + "BTC-25OCT25-100000-P,100000.0,1761379200000,put,110673.759,0.0,105.31,0.0,0.0001,2512.0,"
        + "212.4,\"{'delta': -0.00404, 'gamma': None, 'vega': 0.48453, 'theta': -5.40025}\","
        + "2025-10-24T23:15:28.975388\n", problems);
    assertThat(problems).isEmpty();
    assertThat(chain.layout()).isEqualTo(Layout.ORDER_BOOK);
    assertThat(chain.options()).hasSize(2);
    DeribitOption c = chain.options().get(0);
    assertThat(c.line()).isEqualTo(2);
    assertThat(c.instrument()).isEqualTo("BTC-25OCT25-100000-C");
    assertThat(c.underlying()).isEqualTo("BTC");
    assertThat(c.expiryMillis()).isEqualTo(Instant.parse("2025-10-25T08:00:00Z").toEpochMilli());
    assertThat(c.strike()).isEqualTo(100000.0);
    assertThat(c.call()).isTrue();
    assertThat(c.forward()).isEqualTo(110673.759);
    assertThat(c.bid()).isEqualTo(0.094);
    assertThat(c.ask()).isEqualTo(0.098);
    assertThat(c.mark()).isEqualTo(0.0965);
    assertThat(c.markDecimals()).isEqualTo(4);
    assertThat(c.markIv()).isEqualTo(1.0531);
    assertThat(c.delta()).isEqualTo(0.99596);
    assertThat(c.gamma()).isEqualTo(0.0);
    assertThat(c.vega()).isEqualTo(0.48453);
    assertThat(c.theta()).isEqualTo(-25.51383);
    // naive local time at UTC+3: 23:15:28.687 there is 20:15:28.687 UTC
    assertThat(c.asOfMillis()).isEqualTo(Instant.parse("2025-10-24T20:15:28.687Z").toEpochMilli());
    assertThat(c.usd(c.mark())).isEqualTo(0.0965 * 110673.759);
    DeribitOption p = chain.options().get(1);
    assertThat(p.call()).isFalse();
    assertThat(p.bid()).isZero(); // empty side
    assertThat(p.gamma()).isNaN(); // None
  }

  @Test
  void readsASnapshotRowWhoseEmptyBidIsAnEmptySide() throws IOException {
    List<String> problems = new ArrayList<>();
    Chain chain = read(SNAPSHOT_HEADER + "\n"
        + "2026-01-02T16:26:24.692316+00:00,BTC-3JAN26-88000-C,89824.92910217839,SYN.BTC-3JAN26,call,"
        + "88000.0,2026-01-03T08:00:00+00:00,0.0017750179888204427,0.021,0.023,0.02154093,0.022,"
        + "89824.92910217839,SYN.BTC-3JAN26,0.4341,0.87091,7.97122,272.3,89.5,0.002,BTC,89821.8,"
        + "123743.71\n"
        + "2026-01-02T16:26:24.692316+00:00,ETH-3JAN26-2000-P,3000.5,SYN.ETH-3JAN26,put,"
        + "2000.0,2026-01-03T08:00:00+00:00,0.00177,,0.0001,0.000012,,,,1.5,-0.00012,0.00301,"
        + "1.0,0.0,,ETH,3000.1,0.0\n", problems);
    assertThat(problems).isEmpty();
    assertThat(chain.layout()).isEqualTo(Layout.SNAPSHOT);
    DeribitOption c = chain.options().get(0);
    assertThat(c.instrument()).isEqualTo("BTC-3JAN26-88000-C");
    assertThat(c.underlying()).isEqualTo("BTC");
    assertThat(c.asOfMillis()).isEqualTo(Instant.parse("2026-01-02T16:26:24.692Z").toEpochMilli());
    assertThat(c.expiryMillis()).isEqualTo(Instant.parse("2026-01-03T08:00:00Z").toEpochMilli());
    assertThat(c.forward()).isEqualTo(89824.92910217839);
    assertThat(c.bid()).isEqualTo(0.021);
    assertThat(c.ask()).isEqualTo(0.023);
    assertThat(c.mark()).isEqualTo(0.02154093);
    assertThat(c.markDecimals()).isEqualTo(8);
    assertThat(c.markIv()).isEqualTo(0.4341); // already a decimal in this layout
    assertThat(c.delta()).isEqualTo(0.87091);
    assertThat(c.vega()).isEqualTo(7.97122);
    assertThat(c.gamma()).isNaN(); // not in this layout
    assertThat(c.theta()).isNaN();
    DeribitOption p = chain.options().get(1);
    assertThat(p.underlying()).isEqualTo("ETH");
    assertThat(p.bid()).isZero();
    assertThat(p.ask()).isEqualTo(0.0001);
    assertThat(p.markDecimals()).isEqualTo(6);
  }

  @Test
  void badRowsAreReportedWithTheirLineNumberAndLeftOut() throws IOException {
    List<String> problems = new ArrayList<>();
    String greeks = ",\"{'delta': 0.5}\",2025-10-24T23:15:28.687627";
    Chain chain = read(ORDER_BOOK_HEADER + "\n"
        + "BTC-X-1-C,100000.0,1761379200000,call,110000,0.01,50,0.01,0.02,0,0" + greeks + "\n" // 2 ok
        + "BTC-X-2-C,100000.0,1761379200000,cal,110000,0.01,50,0.01,0.02,0,0" + greeks + "\n" // 3
        + "BTC-X-3-C,-1,1761379200000,call,110000,0.01,50,0.01,0.02,0,0" + greeks + "\n" // 4
        + "BTC-X-4-C,100000.0,1761379200000,call,110000,0.01,50,0.01,0.02,0,0,\"{'delta': 0.5}\","
        + "yesterday\n" // 5
        + "BTC-X-5-C,100000.0,1761379200000,call,110000,-0.01,50,0.01,0.02,0,0" + greeks + "\n" // 6
        + "\n"
        + "BTC-X-6-C,100000.0,1761379200000,call,110000,0.01,50,0.01\n", // 8: short
        problems);
    assertThat(chain.options()).extracting(DeribitOption::instrument).containsExactly("BTC-X-1-C");
    assertThat(chain.skipped()).isEqualTo(5);
    assertThat(problems).containsExactly(
        "3: option_type must be call or put, was 'cal'",
        "4: strike must be positive, was -1",
        "5: timestamp is not a local date-time: 'yesterday'",
        "6: mark_price must not be negative, was -0.01",
        "8: missing field 'ask'");
  }

  @Test
  void aHeaderOfNeitherLayoutIsRefused() {
    assertThatThrownBy(() -> read("symbol,underlying,expiry,strike,right,bid,ask,forward,asOf\n",
        new ArrayList<>())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Deribit chain header");
    assertThatThrownBy(() -> read("instrument,greeks\n", new ArrayList<>()))
        .hasMessageContaining("header lacks column 'strike'");
  }

  @Test
  void pythonDictsAndQuotedCsvFields() {
    assertThat(DeribitChain.pythonDict("{'delta': -0.00404, 'gamma': 1e-05, 'rho': None}"))
        .isEqualTo(Map.of("delta", -0.00404, "gamma", 1e-05));
    assertThat(DeribitChain.splitCsv("a,\"b, c\",\"d \"\"e\"\"\",,f"))
        .containsExactly("a", "b, c", "d \"e\"", "", "f");
  }

  @Test
  void readsEveryRowOfTheRealFiles() throws IOException {
    Map<String, Integer> expected = Map.of(
        "BTC_20251024_231900.csv", 732, "BTC_20251024_235754.csv", 732,
        "ETH_20251025_000209.csv", 814,
        "deribit_options_snapshot_20260102T162624Z.csv", 1310,
        "deribit_options_snapshot_20260415T053126Z.csv", 1636,
        "deribit_options_snapshot_20260822T153351Z.csv", 1970);
    List<Path> files = new ArrayList<>(DeribitFixtures.orderBookFiles());
    files.addAll(DeribitFixtures.snapshotFiles());
    for (Path file : files) {
      Chain chain = DeribitFixtures.chain(file); // fails on any row left out
      Integer count = expected.get(file.getFileName().toString());
      if (count != null) {
        assertThat(chain.options()).as(file.toString()).hasSize(count);
      }
      List<String> odd = new ArrayList<>(); // plain checks: thousands of rows, kept fast
      for (DeribitOption o : chain.options()) {
        if (o.expiryMillis() <= o.asOfMillis()
            || !o.instrument().startsWith(o.underlying() + "-")
            || !o.instrument().endsWith(o.call() ? "-C" : "-P")
            || !(o.markIv() >= 0.05 && o.markIv() <= 5.0)
            || o.expiryMillis() % 86_400_000L != 8 * 3_600_000L) { // Deribit expires at 08:00 UTC
          odd.add(o.toString());
        }
      }
      assertThat(odd).as(file.toString()).isEmpty();
    }
  }
}
