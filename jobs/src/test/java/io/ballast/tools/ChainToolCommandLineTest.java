package io.ballast.tools;

import io.ballast.config.Help;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain tool's --help and bad values, in process and, as from the lean job jar, without Flink. */
class ChainToolCommandLineTest {

  private record Result(int status, String out, List<String> err) {
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ChainTool.run(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void helpListsEveryOptionWithItsDefaultAndDescription() {
    for (String flag : List.of("--help", "-h")) {
      Result help = run(flag);
      assertThat(help.status()).isZero();
      assertThat(help.err()).isEmpty();
      List<String> lines = help.out().lines().toList();
      String flat = help.out().replaceAll("\\s+", " ");
      for (Help.Entry o : ChainTool.OPTIONS) {
        assertThat(lines).as("--%s", o.key())
            .filteredOn(l -> l.startsWith("  --" + o.key() + " ")).singleElement().asString()
            .endsWith("default: " + o.defaultText());
        assertThat(flat).contains(o.description().replaceAll("\\s+", " "));
      }
    }
  }

  @Test
  void aBadValueIsOneLineNamingTheOptionAndTheValueWithStatusTwo() {
    Result rate = run("--rate", "fast", "chain.csv");
    assertThat(rate.status()).isEqualTo(2);
    assertThat(rate.out()).isEmpty();
    assertThat(rate.err()).singleElement().asString()
        .isEqualTo("ChainTool: Invalid value 'fast' for option --rate: expected a finite number");
    Result format = run("--format", "parquet");
    assertThat(format.err()).singleElement().asString().contains("--format").contains("'parquet'");
    Result unknown = run("--strike", "1");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).singleElement().asString().startsWith("ChainTool: Unknown option --strike");
    Result debug = run("--rate", "fast", "--debug");
    assertThat(debug.err().get(0)).isEqualTo(rate.err().get(0));
    assertThat(debug.err()).anySatisfy(l -> assertThat(l).startsWith("\tat "));
  }

  @Test
  void optionsAndTheFileInAnyOrder() {
    Result negativeRate = run("-", "--rate", "-0.01", "--format=csv");
    assertThat(negativeRate.err()).singleElement().asString().startsWith("ChainTool: empty input");
    assertThat(run("a.csv", "b.csv").err()).singleElement().asString()
        .startsWith("ChainTool: Unexpected argument 'b.csv'");
  }

  /** The lean job jar has no Flink classes: help and a bad value must not need them. */
  @Test
  void helpAndABadValueRunWithoutFlinkOnTheClasspath() throws Exception {
    String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("/org/apache/flink/") && !e.contains("flink-"))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(System.getProperty("java.class.path")).as("the real test classpath").contains("flink-core");
    assertThat(classpath).doesNotContain("flink-core").contains("classes");
    List<String> help = java(classpath, 0, "--help");
    assertThat(help.get(0)).startsWith("usage: ");
    List<String> bad = java(classpath, 2, "--rate", "x");
    assertThat(bad).singleElement().asString().contains("--rate").contains("'x'");
  }

  /**
   * The README's command: a real chain from the lean job jar, which has neither Flink nor a logging API
   * (slf4j is Flink's, provided on a cluster): the tool must price and fit without them.
   */
  @Test
  void aChainRunsWithoutFlinkOrLoggingOnTheClasspath() throws Exception {
    String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("/org/apache/flink/") && !e.contains("flink-") && !e.contains("slf4j")
            && !e.contains("log4j"))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(classpath).doesNotContain("slf4j").doesNotContain("flink-core");
    List<String> out = java(classpath, 0, Path.of("..", "examples", "chain.csv").toString());
    assertThat(out).contains(ChainTool.SMILE_HEADER);
    assertThat(out.subList(out.indexOf(ChainTool.SMILE_HEADER) + 1, out.size())).hasSize(4)
        .allSatisfy(line -> assertThat(line.split(",")[5]).isIn("SVI", "LINEAR"));
  }

  private static List<String> java(String classpath, int status, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, ChainTool.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("BALLAST_DEBUG");
    Process p = builder.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("status; stderr: %s", err).isEqualTo(status);
    return (status == 0 ? out : err).lines().toList();
  }
}
