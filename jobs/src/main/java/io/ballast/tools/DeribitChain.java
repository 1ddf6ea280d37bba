package io.ballast.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader for option chains saved from Deribit's public API, in the two layouts of
 * {@code ../shared/data/deribit/} (see its README):
 * <ul>
 *   <li>{@link Layout#ORDER_BOOK}: one {@code public/get_order_book} answer per row, columns
 *       {@code instrument, strike, expiration} (epoch ms), {@code option_type, underlying_price,
 *       mark_price, mark_iv} (percent), {@code bid, ask} (0.0 = empty side), {@code oi, volume},
 *       {@code greeks} (a Python-dict string with delta, gamma, vega, theta, rho) and
 *       {@code timestamp}, a naive local time at <b>UTC+03:00</b>;</li>
 *   <li>{@link Layout#SNAPSHOT}: a bulk snapshot, columns {@code timestamp} (UTC, with offset),
 *       {@code instrument_name, underlying} (the forward), {@code option_type, strike,
 *       expiry_datetime, bid_price, ask_price, mark_price} (empty = no side),
 *       {@code implied_volatility} (decimal), {@code delta, vega}, {@code currency}, …</li>
 * </ul>
 * The layout is recognised from the header. Prices stay as Deribit publishes them, in coin (units of
 * the underlying): the caller converts them to USD with {@link DeribitOption#usd(double)}, i.e. times
 * the option's own forward, once at the edge. Times are epoch milliseconds UTC; {@code markIv} is a
 * decimal (0.5231 for 52.31%). Plain Java, no Flink.
 *
 * <p>A row that cannot be used (missing or unparsable field, non-positive strike or forward) is
 * reported to the {@link Problems} callback with its line number and left out.
 */
public final class DeribitChain {

  /** The two file layouts. */
  public enum Layout {
    /** {@code BTC_…csv}/{@code ETH_…csv}: per-instrument order books, timestamps at UTC+3. */
    ORDER_BOOK,
    /** {@code deribit_options_snapshot_…csv}: one bulk call, greeks fetched later. */
    SNAPSHOT
  }

  /** The local offset of the order-book files' naive timestamps. */
  public static final ZoneOffset ORDER_BOOK_OFFSET = ZoneOffset.ofHours(3);

  /**
   * One option as Deribit published it.
   *
   * @param line  line number in the file (header = 1)
   * @param instrument  e.g. {@code BTC-25OCT25-100000-C}
   * @param underlying  the currency, e.g. {@code BTC} (the instrument's prefix)
   * @param expiryMillis  expiry, epoch ms UTC
   * @param strike  strike, USD
   * @param call  true for a call
   * @param forward  Deribit's forward for that expiry, USD ({@code underlying_price} /
   *     {@code underlying})
   * @param bid  best bid in coin; 0 when the side is empty
   * @param ask  best ask in coin; 0 when the side is empty
   * @param mark  mark price in coin
   * @param markDecimals  decimals printed in the file for the mark price (its rounding, as far as
   *     this row shows it)
   * @param markIv  Deribit's mark implied volatility, decimal
   * @param delta  Deribit's delta, NaN when absent
   * @param gamma  Deribit's gamma (per USD), NaN when absent
   * @param vega  Deribit's vega (USD per vol point), NaN when absent
   * @param theta  Deribit's theta (USD per day), NaN when absent
   * @param asOfMillis  time of the row's prices, epoch ms UTC
   */
  public record DeribitOption(int line, String instrument, String underlying, long expiryMillis,
      double strike, boolean call, double forward, double bid, double ask, double mark,
      int markDecimals, double markIv, double delta, double gamma, double vega, double theta,
      long asOfMillis) {

    /** A coin price in USD: times this option's forward. */
    public double usd(double coinPrice) {
      return coinPrice * forward;
    }
  }

  /** Receives the rows that were left out. */
  @FunctionalInterface
  public interface Problems {
    /** Called once per unusable row. */
    void report(int line, String message, String text);
  }

  /** A chain read from one file. */
  public record Chain(Layout layout, List<DeribitOption> options, int skipped) {
  }

  private static final String[] ORDER_BOOK_COLUMNS = {"instrument", "strike", "expiration",
      "option_type", "underlying_price", "mark_price", "mark_iv", "bid", "ask", "greeks",
      "timestamp"};
  private static final String[] SNAPSHOT_COLUMNS = {"timestamp", "instrument_name", "underlying",
      "option_type", "strike", "expiry_datetime", "bid_price", "ask_price", "mark_price",
      "implied_volatility", "delta", "vega"};
  private static final Pattern DICT_ENTRY =
      Pattern.compile("'(\\w+)'\\s*:\\s*([-+0-9.eE]+|None|nan|NaN|inf|-inf)");

  private DeribitChain() {
  }

  /** Reads a file. */
  public static Chain read(Path file, Problems problems) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, problems);
    }
  }

  /**
   * Reads a chain; the layout is taken from the header.
   *
   * @throws IllegalArgumentException when the header is neither layout
   */
  public static Chain read(BufferedReader reader, Problems problems) throws IOException {
    String headerLine = reader.readLine();
    int lineNumber = 1;
    while (headerLine != null && headerLine.isBlank()) {
      headerLine = reader.readLine();
      lineNumber++;
    }
    if (headerLine == null) {
      throw new IllegalArgumentException("empty input (a Deribit header line is expected)");
    }
    List<String> header = splitCsv(headerLine);
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      columns.put(header.get(i).trim().toLowerCase(Locale.ROOT), i);
    }
    Layout layout;
    int[] index;
    if (columns.containsKey("greeks") && columns.containsKey("instrument")) {
      layout = Layout.ORDER_BOOK;
      index = indexes(columns, ORDER_BOOK_COLUMNS, lineNumber);
    } else if (columns.containsKey("instrument_name") && columns.containsKey("expiry_datetime")) {
      layout = Layout.SNAPSHOT;
      index = indexes(columns, SNAPSHOT_COLUMNS, lineNumber);
    } else {
      throw new IllegalArgumentException("line " + lineNumber + ": not a Deribit chain header "
          + "(expected the order-book columns " + String.join(",", ORDER_BOOK_COLUMNS)
          + " or the snapshot columns " + String.join(",", SNAPSHOT_COLUMNS) + ")");
    }
    List<DeribitOption> options = new ArrayList<>();
    int skipped = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      try {
        List<String> fields = splitCsv(line);
        options.add(layout == Layout.ORDER_BOOK
            ? orderBookRow(lineNumber, fields, index)
            : snapshotRow(lineNumber, fields, index));
      } catch (IllegalArgumentException e) {
        skipped++;
        if (problems != null) {
          problems.report(lineNumber, e.getMessage(), line);
        }
      }
    }
    return new Chain(layout, List.copyOf(options), skipped);
  }

  private static int[] indexes(Map<String, Integer> columns, String[] names, int line) {
    int[] index = new int[names.length];
    for (int c = 0; c < names.length; c++) {
      Integer i = columns.get(names[c]);
      if (i == null) {
        throw new IllegalArgumentException("line " + line + ": header lacks column '" + names[c]
            + "'");
      }
      index[c] = i;
    }
    return index;
  }

  private static DeribitOption orderBookRow(int line, List<String> f, int[] ix) {
    String instrument = field(f, ix[0], "instrument");
    double strike = positive(field(f, ix[1], "strike"), "strike");
    long expiry = epochMillis(field(f, ix[2], "expiration"), "expiration");
    boolean call = optionType(field(f, ix[3], "option_type"));
    double forward = positive(field(f, ix[4], "underlying_price"), "underlying_price");
    String markText = field(f, ix[5], "mark_price");
    double mark = nonNegative(markText, "mark_price");
    double markIv = ChainTool.number(field(f, ix[6], "mark_iv"), "mark_iv") / 100.0;
    double bid = nonNegative(field(f, ix[7], "bid"), "bid");
    double ask = nonNegative(field(f, ix[8], "ask"), "ask");
    Map<String, Double> greeks = pythonDict(field(f, ix[9], "greeks"));
    long asOf;
    String ts = field(f, ix[10], "timestamp");
    try {
      asOf = LocalDateTime.parse(ts).toInstant(ORDER_BOOK_OFFSET).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("timestamp is not a local date-time: '" + ts + "'");
    }
    return new DeribitOption(line, instrument, currency(instrument), expiry, strike, call, forward,
        bid, ask, mark, decimals(markText), markIv, greeks.getOrDefault("delta", Double.NaN),
        greeks.getOrDefault("gamma", Double.NaN), greeks.getOrDefault("vega", Double.NaN),
        greeks.getOrDefault("theta", Double.NaN), asOf);
  }

  private static DeribitOption snapshotRow(int line, List<String> f, int[] ix) {
    long asOf = instant(field(f, ix[0], "timestamp"), "timestamp");
    String instrument = field(f, ix[1], "instrument_name");
    double forward = positive(field(f, ix[2], "underlying"), "underlying");
    boolean call = optionType(field(f, ix[3], "option_type"));
    double strike = positive(field(f, ix[4], "strike"), "strike");
    long expiry = instant(field(f, ix[5], "expiry_datetime"), "expiry_datetime");
    double bid = optionalPrice(f, ix[6], "bid_price");
    double ask = optionalPrice(f, ix[7], "ask_price");
    String markText = field(f, ix[8], "mark_price");
    double mark = nonNegative(markText, "mark_price");
    double markIv = ChainTool.number(field(f, ix[9], "implied_volatility"), "implied_volatility");
    double delta = optionalNumber(f, ix[10], "delta");
    double vega = optionalNumber(f, ix[11], "vega");
    return new DeribitOption(line, instrument, currency(instrument), expiry, strike, call, forward,
        bid, ask, mark, decimals(markText), markIv, delta, Double.NaN, vega, Double.NaN, asOf);
  }

  private static String field(List<String> fields, int i, String name) {
    if (i >= fields.size() || fields.get(i).isBlank()) {
      throw new IllegalArgumentException("missing field '" + name + "'");
    }
    return fields.get(i).trim();
  }

  private static double optionalPrice(List<String> fields, int i, String name) {
    if (i >= fields.size() || fields.get(i).isBlank()) {
      return 0.0; // an empty side, as the order-book files' 0.0
    }
    return nonNegative(fields.get(i).trim(), name);
  }

  private static double optionalNumber(List<String> fields, int i, String name) {
    if (i >= fields.size() || fields.get(i).isBlank()) {
      return Double.NaN;
    }
    return ChainTool.number(fields.get(i).trim(), name);
  }

  private static String currency(String instrument) {
    int dash = instrument.indexOf('-');
    if (dash <= 0) {
      throw new IllegalArgumentException("instrument name is not CUR-EXPIRY-STRIKE-C/P: '"
          + instrument + "'");
    }
    return instrument.substring(0, dash);
  }

  private static boolean optionType(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "call":
      case "c":
        return true;
      case "put":
      case "p":
        return false;
      default:
        throw new IllegalArgumentException("option_type must be call or put, was '" + text + "'");
    }
  }

  private static double positive(String text, String name) {
    double v = ChainTool.number(text, name);
    if (!(v > 0)) {
      throw new IllegalArgumentException(name + " must be positive, was " + text);
    }
    return v;
  }

  private static double nonNegative(String text, String name) {
    double v = ChainTool.number(text, name);
    if (v < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + text);
    }
    return v;
  }

  private static long epochMillis(String text, String name) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      // "1761379200000.0" when a tool wrote it as a float
      double v = ChainTool.number(text, name);
      if (v != Math.rint(v)) {
        throw new IllegalArgumentException(name + " is not epoch milliseconds: '" + text + "'");
      }
      return (long) v;
    }
  }

  private static long instant(String text, String name) {
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " is not a date-time with offset: '" + text + "'");
    }
  }

  private static int decimals(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    if (t.contains("e")) {
      return -1; // scientific notation: rounding unknown
    }
    int dot = t.indexOf('.');
    return dot < 0 ? 0 : t.length() - dot - 1;
  }

  /** Parses {@code {'delta': 0.99596, 'gamma': 0.0, …}}; None/nan entries are left out. */
  static Map<String, Double> pythonDict(String text) {
    Map<String, Double> values = new HashMap<>();
    Matcher m = DICT_ENTRY.matcher(text);
    while (m.find()) {
      String value = m.group(2);
      if (value.equals("None") || value.equalsIgnoreCase("nan") || value.endsWith("inf")) {
        continue;
      }
      values.put(m.group(1), ChainTool.number(value, m.group(1)));
    }
    if (values.isEmpty() && !text.replaceAll("[{}\\s]", "").isEmpty()) {
      throw new IllegalArgumentException("greeks is not a dict of numbers: '" + text + "'");
    }
    return values;
  }

  /** Splits one CSV line (RFC 4180 quotes; a quoted field may hold commas, "" is a quote). The tests' chain readers use it too. */
  public static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            sb.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          sb.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(sb.toString());
        sb.setLength(0);
      } else {
        sb.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote");
    }
    fields.add(sb.toString());
    return fields;
  }
}
