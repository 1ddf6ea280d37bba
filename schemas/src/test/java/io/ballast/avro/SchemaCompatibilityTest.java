package io.ballast.avro;

import io.ballast.avro.ContractSchemas.Direction;
import io.ballast.avro.ContractSchemas.Entry;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The current contract schemas against the frozen copies of every released version
 * ({@code src/test/resources/released/v<N>/}), in the directions docs/CONTRACT.md ("Schema evolution")
 * promises, with Avro's own {@link SchemaCompatibility}:
 * <ul>
 *   <li>{@link Check#BACKWARD}: the current schema, as reader, reads records written with the released
 *       one (Ballast reads old producers; new consumers read old output);</li>
 *   <li>{@link Check#FORWARD}: the released schema, as reader, reads records written with the current one
 *       (old consumers read new output; an older Ballast reads new producers).</li>
 * </ul>
 * Both directions hold for every record, except where {@link #DOCUMENTED_EXCEPTIONS} names an enum
 * symbol appended on purpose, which an older reader cannot decode; each exception must name the
 * CONTRACT.md section that documents the symbol.
 */
class SchemaCompatibilityTest {

    /** A direction of compatibility. */
    enum Check {
        BACKWARD("the current schema must read records written with %s (BACKWARD)"),
        FORWARD("a %s reader must read records written with the current schema (FORWARD)");

        final String promise;

        Check(String promise) {
            this.promise = promise;
        }
    }

    /**
     * A deliberate, documented incompatibility: {@code symbol}, appended to the enum {@code enumName}
     * of {@code record}, which readers of the released versions do not know. {@code contractSection} is
     * the title of the docs/CONTRACT.md section (a {@code ##} or {@code ###} heading) that documents the
     * symbol and what an old reader does with it; the test checks it exists and names the symbol.
     */
    record DocumentedException(String record, Check check, String enumName, String symbol, String contractSection) {
    }

    /**
     * SignalType's symbols appended after v1, in this order: GAMMA_HEDGE, VEGA_HEDGE (issue 14), MARGIN_USAGE,
     * LIQUIDATION_BUFFER (issue 13). Consumers of {@code rebalance-signals} on v1 cannot decode them.
     */
    static final List<DocumentedException> DOCUMENTED_EXCEPTIONS = List.of(
            new DocumentedException("RebalanceSignal", Check.FORWARD, "SignalType", "GAMMA_HEDGE", "GAMMA_HEDGE / VEGA_HEDGE"),
            new DocumentedException("RebalanceSignal", Check.FORWARD, "SignalType", "VEGA_HEDGE", "GAMMA_HEDGE / VEGA_HEDGE"),
            new DocumentedException("RebalanceSignal", Check.FORWARD, "SignalType", "MARGIN_USAGE", "portfolio-risk"),
            new DocumentedException("RebalanceSignal", Check.FORWARD, "SignalType", "LIQUIDATION_BUFFER", "portfolio-risk"));

    /** Records added to the contract after v1: no released version holds them yet. */
    static final java.util.Set<String> ADDED_AFTER_V1 = java.util.Set.of("Collateral", "PortfolioRisk");

    static final Path RELEASED = Path.of("src/test/resources/released");

    /** Directions each record's promise holds in (CONTRACT.md "Schema evolution"). */
    static List<Check> promised(Direction direction) {
        // Inputs: BACKWARD (Ballast reads old producers) and FORWARD (an older Ballast reads new producers,
        // rejecting unknown enum symbols). Outputs: FORWARD (old consumers) and BACKWARD (new consumers of old records).
        return direction == Direction.INPUT ? List.of(Check.BACKWARD, Check.FORWARD) : List.of(Check.FORWARD, Check.BACKWARD);
    }

    static Map<String, Path> releasedVersions() {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(RELEASED)) {
            dirs.filter(Files::isDirectory).forEach(d -> out.put(d.getFileName().toString(), d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Schema parse(Path file) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void versionOneHoldsEveryRecordOfTheContract() {
        assertThat(releasedVersions()).containsKey("v1");
        for (Entry e : ContractSchemas.ALL) {
            Path file = RELEASED.resolve("v1").resolve(e.recordName() + ".avsc");
            if (ADDED_AFTER_V1.contains(e.recordName())) {
                assertThat(file).doesNotExist();
            } else {
                assertThat(file).isRegularFile();
            }
        }
    }

    @Test
    void noReleasedRecordHasLeftTheContract() {
        List<String> current = ContractSchemas.ALL.stream().map(Entry::recordName).toList();
        releasedVersions().forEach((version, dir) -> {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> assertThat(current).as("%s/%s is a record of the current contract", version, f.getFileName())
                        .contains(f.getFileName().toString().replace(".avsc", "")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> currentSchemasAreCompatibleWithEveryReleasedVersion() {
        List<DynamicTest> tests = new ArrayList<>();
        releasedVersions().forEach((version, dir) -> {
            for (Entry e : ContractSchemas.ALL) {
                Path file = dir.resolve(e.recordName() + ".avsc");
                if (!Files.exists(file)) {
                    continue; // a record added after that version
                }
                for (Check check : promised(e.direction())) {
                    tests.add(DynamicTest.dynamicTest(e.recordName() + " " + check + " " + version,
                            () -> assertCompatible(e.recordName(), check, version, parse(file), e.schema(), DOCUMENTED_EXCEPTIONS)));
                }
            }
        });
        return tests.stream();
    }

    @Test
    void everyDocumentedExceptionNamesAContractSectionThatNamesTheSymbol() throws IOException {
        String contract = Files.readString(Path.of(System.getProperty("ballast.root", ".."), "docs", "CONTRACT.md"));
        for (DocumentedException d : DOCUMENTED_EXCEPTIONS) {
            String section = section(contract, d.contractSection());
            assertThat(section).as("docs/CONTRACT.md section '%s' of %s", d.contractSection(), d).isNotNull();
            assertThat(section).as("section '%s' documents %s", d.contractSection(), d.symbol()).contains(d.symbol());
        }
    }

    /** The text of the {@code ##}/{@code ###} section titled {@code title}, or null. */
    static String section(String markdown, String title) {
        Matcher m = Pattern.compile("^(#{2,3}) " + Pattern.quote(title) + "\\s*$", Pattern.MULTILINE).matcher(markdown);
        if (!m.find()) {
            return null;
        }
        int end = markdown.indexOf("\n## ", m.end());
        return markdown.substring(m.end(), end < 0 ? markdown.length() : end);
    }

    /**
     * Fails naming the record, the direction, the version and each of Avro's incompatibilities
     * (type, location, message), unless every one is a documented appended enum symbol.
     */
    static void assertCompatible(String record, Check check, String version, Schema released, Schema current,
                                 List<DocumentedException> exceptions) {
        Schema reader = check == Check.BACKWARD ? current : released;
        Schema writer = check == Check.BACKWARD ? released : current;
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            if (!documented(record, check, i, exceptions)) {
                problems.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(record + ": " + String.format(check.promise, version) + ", but Avro finds it incompatible:\n  "
                    + String.join("\n  ", problems)
                    + "\nCONTRACT.md 'Schema evolution': add fields with defaults, never rename, retype or remove one; an appended "
                    + "enum symbol needs a DocumentedException naming the contract section that documents it.");
        }
    }

    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static boolean documented(String record, Check check, Incompatibility i, List<DocumentedException> exceptions) {
        if (i.getType() != SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS) {
            return false;
        }
        String enumName = i.getReaderFragment().getName();
        Matcher m = SYMBOL.matcher(i.getMessage());
        boolean any = false;
        while (m.find()) {
            String symbol = m.group();
            any = true;
            boolean allowed = exceptions.stream().anyMatch(d -> d.record().equals(record) && d.check() == check
                    && d.enumName().equals(enumName) && d.symbol().equals(symbol));
            if (!allowed) {
                return false;
            }
        }
        return any;
    }

    // ---------------------------------------------------------------- the checker itself

    private static Schema signal(String... symbols) {
        String list = String.join("\", \"", symbols);
        return new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"S\", \"namespace\": \"t\", \"fields\": ["
                + "{\"name\": \"type\", \"type\": {\"type\": \"enum\", \"name\": \"SignalType\", \"symbols\": [\"" + list + "\"]}}]}");
    }

    @Test
    void anAppendedEnumSymbolIsWhatAnOldReaderCannotDecode() {
        Schema v1 = signal("DELTA_HEDGE", "GAMMA_LIMIT");
        Schema current = signal("DELTA_HEDGE", "GAMMA_LIMIT", "HEDGE_EXPIRED");
        assertCompatible("S", Check.BACKWARD, "v1", v1, current, List.of());
        assertThatThrownBy(() -> assertCompatible("S", Check.FORWARD, "v1", v1, current, List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("S: a v1 reader must read records written with the current schema (FORWARD)")
                .hasMessageContaining("MISSING_ENUM_SYMBOLS")
                .hasMessageContaining("HEDGE_EXPIRED");
        // Documented, it passes; documented for another symbol or direction, it does not.
        assertCompatible("S", Check.FORWARD, "v1", v1, current,
                List.of(new DocumentedException("S", Check.FORWARD, "SignalType", "HEDGE_EXPIRED", "Records")));
        assertThatThrownBy(() -> assertCompatible("S", Check.FORWARD, "v1", v1, current,
                List.of(new DocumentedException("S", Check.FORWARD, "SignalType", "OTHER", "Records"))))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertCompatible("S", Check.FORWARD, "v1", v1, current,
                List.of(new DocumentedException("S", Check.BACKWARD, "SignalType", "HEDGE_EXPIRED", "Records"))))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aRenamedFieldFailsBothDirectionsWithAvrosMessage() {
        Schema v1 = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"double\"}]}");
        Schema current = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"b\", \"type\": \"double\"}]}");
        assertThatThrownBy(() -> assertCompatible("R", Check.BACKWARD, "v1", v1, current, List.of()))
                .hasMessageContaining("R: the current schema must read records written with v1 (BACKWARD)")
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE").hasMessageContaining("b");
        assertThatThrownBy(() -> assertCompatible("R", Check.FORWARD, "v1", v1, current, List.of()))
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE").hasMessageContaining("a");
    }

    @Test
    void anAddedFieldWithADefaultIsCompatibleBothWays() {
        Schema v1 = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"double\"}]}");
        Schema current = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"double\"},"
                + "{\"name\": \"b\", \"type\": [\"null\", \"string\"], \"default\": null}]}");
        assertCompatible("R", Check.BACKWARD, "v1", v1, current, List.of());
        assertCompatible("R", Check.FORWARD, "v1", v1, current, List.of());
    }

    @Test
    void theSectionLookupFindsHeadings() {
        String md = "# T\n\n## Records\n\nSignalType HEDGE_EXPIRED\n\n## Reject codes\n\nx\n";
        assertThat(section(md, "Records")).contains("HEDGE_EXPIRED").doesNotContain("Reject");
        assertThat(section(md, "Nope")).isNull();
    }
}
