package io.ballast.deploy;

import io.ballast.config.BallastOptions;
import io.ballast.config.JobOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md lists every option of the job exactly as the code defines it: key, default and
 * description, one table row each, read from {@link BallastOptions} and {@link JobOptions}.
 */
class OperationsGuideTest {

    /** Options without a default that the job cannot start without. */
    private static final Set<String> REQUIRED = Set.of(BallastOptions.BOOTSTRAP.key(), BallastOptions.REGISTRY.key());

    /** The table row of one option, as the guide must show it. */
    static String row(ConfigOption<?> option) {
        return "| `--" + option.key() + "` | " + renderDefault(option) + " | " + markdown(new HtmlFormatter().format(option.description())) + " |";
    }

    static String renderDefault(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return REQUIRED.contains(option.key()) ? "(required)" : "(none)";
        }
        Object d = option.defaultValue();
        String text = d instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : String.valueOf(d);
        return "`" + text + "`";
    }

    /** Flink's own HTML rendering of the description (it escapes &lt; and &gt;), made safe for a table cell. */
    private static String markdown(String html) {
        return html.replace("|", "\\|");
    }

    @Test
    void everyOptionOfTheJobIsInTheGuideWithItsDefaultAndDescription() {
        String guide = Repo.read(Repo.path("docs/operations.md"));
        List<String> missing = new ArrayList<>();
        for (ConfigOption<?> option : JobOptions.all()) {
            if (!guide.contains(row(option) + "\n")) {
                missing.add(row(option));
            }
        }
        assertThat(missing).as("rows missing from docs/operations.md, or differing from the code (expected rows shown)").isEmpty();
    }

    @Test
    void theGuideDocumentsNoOptionTheJobDoesNotHave() {
        String guide = Repo.read(Repo.path("docs/operations.md"));
        List<String> known = new ArrayList<>();
        JobOptions.all().forEach(o -> known.add(o.key()));
        List<String> unknown = new ArrayList<>();
        for (String line : guide.split("\n")) {
            if (line.startsWith("| `--") && !line.startsWith("| `--kafka.")) {
                String key = line.substring("| `--".length(), line.indexOf('`', "| `--".length()));
                if (!known.contains(key)) {
                    unknown.add(key);
                }
            }
        }
        assertThat(unknown).as("options in docs/operations.md that the job does not define").isEmpty();
    }
}
