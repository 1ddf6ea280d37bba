package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.job.BallastJob;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/monitoring: the Grafana dashboard is valid dashboard JSON, the Prometheus rules parse, and
 * both name only metrics of {@link JobMetrics}; promtool checks and unit-tests the rules (skipped
 * without promtool, failing when CI=true).
 */
class MonitoringTest {

    static final Path RULES = Repo.path("deploy/monitoring/ballast-alerts.yaml");
    static final Path RULES_TEST = Repo.path("deploy/monitoring/ballast-alerts.test.yaml");
    static final Path DASHBOARD = Repo.path("deploy/monitoring/ballast-dashboard.json");

    private static final Pattern METRIC = Pattern.compile("\\b(flink_[A-Za-z0-9_:]+)");
    private static final Pattern OPERATOR_NAME = Pattern.compile("operator_name\\s*=~?\\s*\"([^\"]*)\"");
    private static final Pattern JOB_NAME = Pattern.compile("job_name\\s*=\\s*\"([^\"]*)\"");

    static Set<String> metricsIn(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static List<JsonNode> alertRules() {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : Repo.yamlDocuments(RULES).get(0).path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        collectPanels(dashboard.path("panels"), out);
        return out;
    }

    private static void collectPanels(JsonNode panels, List<String> exprs) {
        for (JsonNode panel : panels) {
            collectPanels(panel.path("panels"), exprs);
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
    }

    @Test
    void theJobNameOfTheRulesIsTheJobs() {
        assertThat(JobMetrics.JOB_NAME).isEqualTo(BallastJob.JOB_NAME.replaceAll("[^A-Za-z0-9_:]", "_"));
    }

    @Test
    void everyRuleIsAnAlertWithSeverityAndTextAndNamesOnlyKnownMetrics() {
        List<JsonNode> rules = alertRules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(8);
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(alert).as("every rule is an alert").matches("Ballast[A-Za-z]+");
            assertThat(names.add(alert)).as("alert %s is defined once", alert).isTrue();
            assertThat(rule.at("/labels/severity").asText()).as("severity of %s", alert).isIn("critical", "warning", "info");
            assertThat(rule.at("/annotations/summary").asText()).as("summary of %s", alert).isNotBlank();
            assertThat(rule.at("/annotations/description").asText()).as("description of %s", alert).isNotBlank();
            String expr = rule.path("expr").asText();
            assertThat(metricsIn(expr)).as("metrics of %s", alert).isNotEmpty().isSubsetOf(JobMetrics.all());
            Matcher op = OPERATOR_NAME.matcher(expr);
            while (op.find()) {
                assertThat(JobMetrics.OPERATOR_NAMES).as("operator_name in %s", alert).contains(op.group(1));
            }
            Matcher job = JOB_NAME.matcher(expr);
            while (job.find()) {
                assertThat(job.group(1)).as("job_name in %s", alert).isEqualTo(JobMetrics.JOB_NAME);
            }
        }
        // What the issue asks the rules to cover.
        assertThat(names).contains("BallastJobDown", "BallastJobRestarting", "BallastCheckpointsFailing",
                "BallastCheckpointSlow", "BallastRejectsRising", "BallastConsumerLag",
                "BallastQuoteToSignalLatencyHigh", "BallastBooksInBreach");
    }

    @Test
    void theRulesTestFiresAndHoldsBackEveryAlert() {
        JsonNode tests = Repo.yamlDocuments(RULES_TEST).get(0);
        assertThat(tests.path("rule_files").get(0).asText()).isEqualTo(RULES.getFileName().toString());
        Set<String> fired = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode t : test.path("alert_rule_test")) {
                (t.path("exp_alerts").isEmpty() ? quiet : fired).add(t.path("alertname").asText());
            }
        }
        Set<String> alerts = new TreeSet<>();
        alertRules().forEach(r -> alerts.add(r.path("alert").asText()));
        assertThat(fired).as("alerts the rules test expects to fire").isEqualTo(alerts);
        assertThat(quiet).as("alerts the rules test expects to stay quiet").isEqualTo(alerts);
    }

    @Test
    void theDashboardIsGrafanaJsonNamingOnlyKnownMetrics() throws IOException {
        JsonNode dashboard = Repo.JSON.readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.path("title").asText()).isEqualTo("Ballast");
        assertThat(dashboard.path("uid").asText()).matches("[a-z0-9-]{1,40}");
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(30);
        assertThat(dashboard.at("/templating/list").findValuesAsText("name")).contains("datasource", "job");
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        assertThat(panels).hasSizeGreaterThan(10);
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique: %s", panel.path("title")).isTrue();
            assertThat(panel.path("type").asText()).as("type of %s", panel.path("title")).isIn("row", "timeseries", "stat", "gauge", "table");
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("w").asInt()).as("width of %s", panel.path("title")).isBetween(1, 24);
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s fits the 24 columns", panel.path("title")).isLessThanOrEqualTo(24);
            assertThat(grid.path("h").asInt()).isPositive();
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets")).as("queries of %s", panel.path("title")).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("refId").asText()).isNotBlank();
                    assertThat(target.path("expr").asText()).contains("job_name=~\"$job\"");
                }
            }
        }
        Set<String> used = new TreeSet<>();
        for (String expr : dashboardExpressions(dashboard)) {
            assertThat(metricsIn(expr)).as("metrics of %s", expr).isNotEmpty().isSubsetOf(JobMetrics.all());
            used.addAll(metricsIn(expr));
        }
        // Every one of the job's own metrics is on the dashboard, but the summary's _count.
        List<String> ballast = new ArrayList<>(JobMetrics.BALLAST);
        ballast.removeIf(n -> n.endsWith("_count"));
        assertThat(used).containsAll(ballast);
    }

    @Test
    void promtoolChecksAndTestsTheRules() throws Exception {
        assumePromtool();
        String check = run("promtool", "check", "rules", RULES.toString());
        assertThat(check).contains("SUCCESS");
        String test = run("promtool", "test", "rules", RULES_TEST.toString());
        assertThat(test).contains("SUCCESS");
    }

    private static void assumePromtool() {
        boolean present = false;
        try {
            present = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException notThere) {
            // Missing.
        }
        if (present) {
            return;
        }
        String message = "promtool is missing. Install it with: apt-get install -y prometheus";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.assumeTrue(false, message);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s exited with an error:%n%s", String.join(" ", command), out).isZero();
        return out;
    }
}
