package io.ballast.tools;

import io.ballast.config.CommandLine;
import io.ballast.config.Help;
import io.ballast.domain.Smiles;
import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import io.ballast.quant.ImpliedVol;
import io.ballast.quant.Smile;
import io.ballast.quant.SviParameters;
import io.ballast.quant.TimeToExpiry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line chain tool: implied vols, greeks and smiles of an option-chain snapshot, with the same
 * quant library the streaming job uses, so desks (and anyone checking the numbers from outside) get
 * exactly the job's numbers.
 *
 * <pre>
 *   java -cp jobs/target/ballast-jobs-0.1.0-cluster.jar io.ballast.tools.ChainTool [--rate R] [chain.csv]
 * </pre>
 *
 * <p><b>Input</b> (a file, or standard input when no file or "-" is given): CSV with a header naming
 * the columns {@code symbol, underlying, expiry, strike, right, bid, ask, forward, asOf} (any order;
 * extra columns ignored). {@code expiry} and {@code asOf} are ISO-8601 instants
 * ({@code 2026-12-25T08:00:00Z}) or epoch milliseconds; {@code right} is C/CALL or P/PUT. Prices are in
 * the currency of strike and forward. A row that cannot be used (missing or unparsable field,
 * non-positive strike or forward, expiry not after asOf, negative or non-finite bid/ask, bid above
 * ask) is reported on standard error with its line number and skipped.
 *
 * <p><b>Output</b> on standard output, two CSV tables separated by an empty line:
 * <ol>
 *   <li>one row per option: mid = (bid + ask)/2 when 0 &lt; bid ≤ ask (CONTRACT.md), τ (ACT/365),
 *       the implied volatility of the mid and its status (OK, BELOW_INTRINSIC, ABOVE_MAXIMUM, NO_MID),
 *       and price and greeks at that volatility in the units of {@link Greeks} (per contract of one
 *       unit of underlying; vega per vol point, theta per calendar day);</li>
 *   <li>one row per (underlying, expiry): the smile fitted to the out-of-the-money quotes (puts
 *       below the forward, calls at or above), with forward (mean of the rows' forwards), τ from the
 *       latest asOf, atmVol, rr25, bf25 (empty when a 25-delta strike lies outside the quoted
 *       strikes), raw SVI parameters (empty for the linear fallback below five strikes), rmse in vol,
 *       points, and the butterfly-arbitrage check.</li>
 * </ol>
 * Numbers are printed in full precision (shortest round-trip form). Options: {@code --rate R}, the
 * continuously compounded discount rate, default 0 (discount factor e^{−Rτ}).
 *
 * <p><b>{@code --format deribit}</b> reads a chain saved from Deribit's public API instead (either
 * layout of {@link DeribitChain}: order books with a {@code greeks} column, or bulk snapshots). Its
 * prices are in coin; they are converted to USD once, as they are read, times the option's own
 * forward ({@code underlying_price} / {@code underlying}), which is also the row's forward. symbol is
 * the instrument name, underlying the currency, asOf the row's snapshot time (UTC). An empty side
 * (bid or ask 0) gives NO_MID, as in the CSV format, rather than a skipped row. The output is the
 * same. {@code --format csv} (the default) is the format above.
 *
 * <p>Exit status: 0 when the chain was processed (even with skipped rows), 2 for a usage or I/O error.
 */
public final class ChainTool {

  static final String[] COLUMNS = {"symbol", "underlying", "expiry", "strike", "right", "bid",
      "ask", "forward", "asOf"};

  static final String OPTION_HEADER = "symbol,underlying,expiry,strike,right,bid,ask,mid,forward,"
      + "timeToExpiry,iv,ivStatus,price,delta,gamma,vega,theta,vanna,volga";
  static final String SMILE_HEADER = "underlying,expiry,forward,timeToExpiry,asOf,model,atmVol,rr25,"
      + "bf25,sviA,sviB,sviRho,sviM,sviSigma,rmse,points,butterflyArbitrageFree";

  static final String USAGE = "ChainTool [--rate R] [--format csv|deribit] [chain.csv | -]";

  /** The tool's options, as --help shows them (the tool runs from the lean jar: no Flink types here). */
  static final List<Help.Entry> OPTIONS = List.of(
      new Help.Entry("rate", "<number>", "0",
          "Continuously compounded discount rate; the discount factor is e^(-rate * timeToExpiry)."),
      new Help.Entry("format", "<csv|deribit>", "csv",
          "Input layout: csv (the columns " + String.join(",", COLUMNS) + ") or deribit (a chain saved "
              + "from Deribit's public API, coin prices converted to USD with each row's forward)."),
      new Help.Entry(CommandLine.DEBUG_KEY, "[true|false]", "false", CommandLine.DEBUG_DESCRIPTION));

  private static final String PROGRAM = "ChainTool";

  private ChainTool() {
  }

  public static void main(String[] args) {
    int status = run(args, System.in, System.out, System.err);
    System.out.flush();
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The tool's --help. */
  static Help help() {
    Help help = Help.usage("java -cp jobs/target/ballast-jobs-<version>-cluster.jar io.ballast.tools.ChainTool "
        + USAGE.substring(USAGE.indexOf(' ') + 1))
        .about("Implied vols and greeks of every option of a chain snapshot, then each expiry's smile, with "
            + "the job's own quant library. Reads the file, or standard input when none or - is given; "
            + "writes two CSV tables on standard output. Bad rows are reported on standard error with "
            + "their line number and skipped.");
    OPTIONS.forEach(o -> help.option("Options", o));
    return help.note("Exit status: 0 when the chain was processed (even with skipped rows), 2 for a "
        + "usage or I/O error, reported on one line (--debug adds the stack trace).");
  }

  /** Runs the tool; returns the exit status. */
  static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
    List<String> arguments = List.of(args);
    if (CommandLine.helpAsked(arguments)) {
      out.print(help().format());
      return 0;
    }
    boolean debug = CommandLine.debug(arguments, System::getenv);
    double rate;
    String format;
    String file;
    try {
      Map<String, String> given = new LinkedHashMap<>();
      file = parse(arguments, given);
      rate = rate(given.getOrDefault("rate", "0"));
      format = given.getOrDefault("format", "csv").toLowerCase(Locale.ROOT);
      if (!format.equals("csv") && !format.equals("deribit")) {
        throw new IllegalArgumentException("Invalid value '" + given.get("format")
            + "' for option --format: expected csv or deribit");
      }
    } catch (IllegalArgumentException e) {
      CommandLine.report(PROGRAM, e, debug, err);
      return CommandLine.BAD_CONFIGURATION;
    }
    try (BufferedReader reader = file == null || file.equals("-")
        ? new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      return format.equals("deribit")
          ? processDeribit(reader, rate, out, err)
          : process(reader, rate, out, err);
    } catch (NoSuchFileException e) {
      CommandLine.report(PROGRAM, new IOException("no such file " + file, e), debug, err);
      return 2;
    } catch (IOException e) {
      CommandLine.report(PROGRAM, new IOException("cannot read " + (file == null ? "standard input" : file)
          + ": " + e, e), debug, err);
      return 2;
    }
  }

  /**
   * Splits the arguments into options ({@code --name value} or {@code --name=value}, into {@code given})
   * and the one chain file (or {@code -}), which it returns (null: standard input).
   *
   * @throws IllegalArgumentException naming the option or argument that is wrong
   */
  static String parse(List<String> args, Map<String, String> given) {
    String file = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--") && arg.length() > 2) {
        String name = arg.substring(2);
        String value;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (name.equals(CommandLine.DEBUG_KEY)
            && (i + 1 == args.size() || !List.of("true", "false").contains(args.get(i + 1)))) {
          value = "true";
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new IllegalArgumentException("Option --" + name + " has no value");
        }
        String key = name;
        if (OPTIONS.stream().noneMatch(o -> o.key().equals(key))) {
          throw new IllegalArgumentException("Unknown option --" + name + ". Known options: "
              + String.join(", ", OPTIONS.stream().map(o -> "--" + o.key()).toList()));
        }
        if (given.put(name, value) != null) {
          throw new IllegalArgumentException("Option --" + name + " is given twice");
        }
      } else if (file == null && (arg.equals("-") || !arg.startsWith("-"))) {
        file = arg;
      } else {
        throw new IllegalArgumentException("Unexpected argument '" + arg + "': " + USAGE);
      }
    }
    return file;
  }

  private static double rate(String text) {
    double rate;
    try {
      rate = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      rate = Double.NaN;
    }
    if (!Double.isFinite(rate)) {
      throw new IllegalArgumentException("Invalid value '" + text + "' for option --rate: expected a finite number");
    }
    return rate;
  }

  /** One parsed option row. */
  private record Row(int line, String symbol, String underlying, long expiry, double strike,
      boolean call, double bid, double ask, double forward, long asOf) {
  }

  private static int process(BufferedReader reader, double rate, PrintStream out, PrintStream err)
      throws IOException {
    String headerLine = reader.readLine();
    int lineNumber = 1;
    while (headerLine != null && headerLine.isBlank()) {
      headerLine = reader.readLine();
      lineNumber++;
    }
    if (headerLine == null) {
      err.println("ChainTool: empty input (a header line is expected: " + String.join(",", COLUMNS)
          + ")");
      return 2;
    }
    String[] header = split(headerLine);
    int[] index = new int[COLUMNS.length];
    for (int c = 0; c < COLUMNS.length; c++) {
      index[c] = -1;
      for (int h = 0; h < header.length; h++) {
        if (header[h].equalsIgnoreCase(COLUMNS[c])) {
          index[c] = h;
        }
      }
      if (index[c] < 0) {
        err.println("ChainTool: line " + lineNumber + ": header lacks column '" + COLUMNS[c]
            + "' (expected " + String.join(",", COLUMNS) + ")");
        return 2;
      }
    }

    List<Row> rows = new ArrayList<>();
    int skipped = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      try {
        rows.add(parse(lineNumber, split(line), index));
      } catch (IllegalArgumentException e) {
        err.println("line " + lineNumber + ": " + e.getMessage() + ": " + line);
        skipped++;
      }
    }
    return report(rows, skipped, rate, out, err);
  }

  /**
   * A Deribit chain: coin prices to USD here, once, times the option's own forward; then the same
   * report as for the CSV format.
   */
  private static int processDeribit(BufferedReader reader, double rate, PrintStream out,
      PrintStream err) throws IOException {
    DeribitChain.Chain chain;
    try {
      chain = DeribitChain.read(reader,
          (line, message, text) -> err.println("line " + line + ": " + message + ": " + text));
    } catch (IllegalArgumentException e) {
      err.println("ChainTool: " + e.getMessage());
      return 2;
    }
    List<Row> rows = new ArrayList<>();
    int skipped = chain.skipped();
    for (DeribitChain.DeribitOption o : chain.options()) {
      if (o.expiryMillis() <= o.asOfMillis()) {
        err.println("line " + o.line() + ": expiry " + Instant.ofEpochMilli(o.expiryMillis())
            + " is not after asOf " + Instant.ofEpochMilli(o.asOfMillis()) + ": " + o.instrument());
        skipped++;
        continue;
      }
      rows.add(new Row(o.line(), o.instrument(), o.underlying(), o.expiryMillis(), o.strike(),
          o.call(), o.usd(o.bid()), o.usd(o.ask()), o.forward(), o.asOfMillis()));
    }
    return report(rows, skipped, rate, out, err);
  }

  private static int report(List<Row> rows, int skipped, double rate, PrintStream out,
      PrintStream err) {
    out.println(OPTION_HEADER);
    Greeks greeks = new Greeks();
    Map<String, List<Row>> byExpiry = new LinkedHashMap<>();
    Map<Row, Double> vols = new HashMap<>();
    for (Row row : rows) {
      double tau = TimeToExpiry.years(row.expiry, row.asOf);
      double df = Math.exp(-rate * tau);
      StringBuilder sb = new StringBuilder(256);
      sb.append(row.symbol).append(',').append(row.underlying).append(',')
          .append(Instant.ofEpochMilli(row.expiry)).append(',').append(num(row.strike)).append(',')
          .append(row.call ? "C" : "P").append(',').append(num(row.bid)).append(',')
          .append(num(row.ask)).append(',');
      boolean hasMid = row.bid > 0 && row.bid <= row.ask;
      double mid = 0.5 * (row.bid + row.ask);
      sb.append(hasMid ? num(mid) : "").append(',').append(num(row.forward)).append(',')
          .append(num(tau)).append(',');
      if (!hasMid) {
        sb.append(",NO_MID,,,,,,,");
      } else {
        double iv = ImpliedVol.solve(row.call, mid, row.forward, row.strike, tau, df);
        if (ImpliedVol.isValid(iv)) {
          Black76.greeks(row.call, row.forward, row.strike, tau, iv, df, greeks);
          sb.append(num(iv)).append(",OK,").append(num(greeks.price())).append(',')
              .append(num(greeks.delta())).append(',').append(num(greeks.gamma())).append(',')
              .append(num(greeks.vega())).append(',').append(num(greeks.theta())).append(',')
              .append(num(greeks.vanna())).append(',').append(num(greeks.volga()));
          vols.put(row, iv);
        } else {
          sb.append(',').append(ImpliedVol.status(iv)).append(",,,,,,,");
        }
      }
      out.println(sb);
      byExpiry.computeIfAbsent(row.underlying + '\u0000' + row.expiry, k -> new ArrayList<>())
          .add(row);
    }

    out.println();
    out.println(SMILE_HEADER);
    List<List<Row>> groups = new ArrayList<>(byExpiry.values());
    groups.sort(Comparator.comparing((List<Row> g) -> g.get(0).underlying)
        .thenComparingLong(g -> g.get(0).expiry));
    for (List<Row> group : groups) {
      Row first = group.get(0);
      double forwardSum = 0;
      long asOf = Long.MIN_VALUE;
      for (Row row : group) {
        forwardSum += row.forward;
        asOf = Math.max(asOf, row.asOf);
      }
      double forward = forwardSum / group.size();
      double tau = TimeToExpiry.years(first.expiry, asOf);
      int n = group.size();
      double[] strikes = new double[n];
      boolean[] calls = new boolean[n];
      double[] ivs = new double[n];
      for (int i = 0; i < n; i++) {
        Row row = group.get(i);
        strikes[i] = row.strike;
        calls[i] = row.call;
        Double iv = vols.get(row);
        ivs[i] = iv == null ? Double.NaN : iv;
      }
      // The job's own fit (the market stage's first fit of an expiry, from scratch).
      Smile smile = Smiles.fit(forward, tau, strikes, calls, ivs, n, null, null);
      String where = first.underlying + " " + Instant.ofEpochMilli(first.expiry);
      if (smile == null) {
        err.println("no smile for " + where
            + ": no out-of-the-money quote with an implied volatility");
        continue;
      }
      SviParameters svi = smile.svi();
      StringBuilder sb = new StringBuilder(256);
      sb.append(first.underlying).append(',').append(Instant.ofEpochMilli(first.expiry)).append(',')
          .append(num(forward)).append(',').append(num(tau)).append(',')
          .append(Instant.ofEpochMilli(asOf)).append(',').append(smile.isSvi() ? "SVI" : "LINEAR")
          .append(',').append(num(smile.atmVol())).append(',').append(num(smile.rr25()))
          .append(',').append(num(smile.bf25())).append(',')
          .append(svi == null ? ",,,," : num(svi.a()) + "," + num(svi.b()) + "," + num(svi.rho())
              + "," + num(svi.m()) + "," + num(svi.sigma()))
          .append(',').append(num(smile.rmse())).append(',').append(smile.points()).append(',')
          .append(smile.butterflyArbitrageFree());
      out.println(sb);
    }
    if (skipped > 0) {
      err.println(skipped + " bad row" + (skipped == 1 ? "" : "s") + " skipped");
    }
    return 0;
  }

  private static Row parse(int line, String[] fields, int[] index) {
    for (int i : index) {
      if (i >= fields.length || fields[i].isEmpty()) {
        throw new IllegalArgumentException("missing field '" + COLUMNS[indexOf(index, i)] + "'");
      }
    }
    String symbol = fields[index[0]];
    String underlying = fields[index[1]];
    long expiry = time(fields[index[2]], "expiry");
    double strike = number(fields[index[3]], "strike");
    boolean call = right(fields[index[4]]);
    double bid = number(fields[index[5]], "bid");
    double ask = number(fields[index[6]], "ask");
    double forward = number(fields[index[7]], "forward");
    long asOf = time(fields[index[8]], "asOf");
    if (!(strike > 0)) {
      throw new IllegalArgumentException("strike must be positive, was " + fields[index[3]]);
    }
    if (!(forward > 0)) {
      throw new IllegalArgumentException("forward must be positive, was " + fields[index[7]]);
    }
    if (bid < 0 || ask < 0) {
      throw new IllegalArgumentException("bid and ask must not be negative");
    }
    if (bid > ask) {
      throw new IllegalArgumentException("bid " + fields[index[5]] + " above ask "
          + fields[index[6]]);
    }
    if (expiry <= asOf) {
      throw new IllegalArgumentException("expiry " + fields[index[2]] + " is not after asOf "
          + fields[index[8]]);
    }
    return new Row(line, symbol, underlying, expiry, strike, call, bid, ask, forward, asOf);
  }

  private static int indexOf(int[] index, int value) {
    for (int c = 0; c < index.length; c++) {
      if (index[c] == value) {
        return c;
      }
    }
    return 0;
  }

  /** A finite number, or an error naming the field and echoing the text (both chain formats). */
  static double number(String text, String name) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: '" + text + "'");
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite, was " + text);
    }
    return v;
  }

  private static long time(String text, String name) {
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " is out of range: '" + text + "'");
      }
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " is neither an ISO-8601 instant nor epoch "
          + "milliseconds: '" + text + "'");
    }
  }

  private static boolean right(String text) {
    switch (text.toUpperCase(Locale.ROOT)) {
      case "C":
      case "CALL":
        return true;
      case "P":
      case "PUT":
        return false;
      default:
        throw new IllegalArgumentException("right must be C, CALL, P or PUT, was '" + text + "'");
    }
  }

  private static String[] split(String line) {
    String[] fields = line.split(",", -1);
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i].trim();
      if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
        f = f.substring(1, f.length() - 1).trim();
      }
      fields[i] = f;
    }
    return fields;
  }

  private static String num(double v) {
    return Double.toString(v);
  }

  private static String num(Double v) {
    return v == null ? "" : Double.toString(v);
  }
}
