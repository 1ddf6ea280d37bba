package io.ballast.deploy;

import java.util.List;
import java.util.Set;

/**
 * The metrics of the Ballast job as Flink's Prometheus reporter (flink-metrics-prometheus) exports
 * them: the one list the dashboard and the alert rules may use ({@link MonitoringTest}), checked against
 * a real Prometheus scraping the running job ({@link PrometheusScrapeITCase}).
 *
 * <p>How the names come about (established by scraping a Flink 2.2.0 MiniCluster with the reporter,
 * a Kafka source and an operator registering metrics like the job's):
 * <ul>
 *   <li>scope and name joined by {@code _}: an operator's counter {@code accepted} is
 *       {@code flink_taskmanager_job_task_operator_accepted}; a job metric of the JobManager is
 *       {@code flink_jobmanager_job_<name>};</li>
 *   <li>{@code addGroup("reason", code).counter("rejected")} puts the key into the name and the value
 *       into a label of the same name: {@code flink_taskmanager_job_task_operator_reason_rejected{reason="CORRUPT_AVRO"}};</li>
 *   <li>counters are exported as Prometheus gauges, without a {@code _total} suffix;</li>
 *   <li>a histogram is a summary: the name with a {@code quantile} label (0.5, 0.75, 0.95, 0.98, 0.99,
 *       0.999), and {@code <name>_count}; there is no {@code _sum};</li>
 *   <li>label values have every character outside {@code [A-Za-z0-9_:]} replaced by {@code _}:
 *       operator {@code validate quotes} is {@code operator_name="validate_quotes"}, the source
 *       {@code quotes} is {@code operator_name="Source:_quotes"}.</li>
 * </ul>
 */
final class JobMetrics {

    private JobMetrics() {
    }

    static final String OPERATOR = "flink_taskmanager_job_task_operator_";

    /** Ballast's own operator metrics (docs/operations.md, "Ballast's own metrics"). */
    static final List<String> BALLAST = List.of(
            // validate quotes / validate trades / validate risk limits
            OPERATOR + "accepted",
            OPERATOR + "reason_rejected",              // label reason = reject code
            // inventory
            OPERATOR + "type_signals",                 // label type = SignalType
            OPERATOR + "fillsApplied",
            OPERATOR + "duplicateTrades",
            OPERATOR + "quoteToSignalLatencyMicros",   // summary: label quantile
            OPERATOR + "quoteToSignalLatencyMicros_count",
            OPERATOR + "providersTracked",
            OPERATOR + "maxDeltaToBand",
            OPERATOR + "refreshIntervalMs",
            OPERATOR + "booksInBreach",
            // implied vol
            OPERATOR + "ivSolved",
            OPERATOR + "ivNoMid",
            OPERATOR + "ivOutOfBounds",
            // market
            OPERATOR + "staleQuotesIgnored",
            OPERATOR + "smileFits");

    /** Flink's and the Kafka connector's own metrics that the dashboard or the rules use. */
    static final List<String> FLINK = List.of(
            "flink_jobmanager_job_uptime",
            "flink_jobmanager_job_numRestarts",
            "flink_jobmanager_job_numberOfCompletedCheckpoints",
            "flink_jobmanager_job_numberOfFailedCheckpoints",
            "flink_jobmanager_job_lastCheckpointDuration",
            "flink_jobmanager_job_lastCheckpointSize",
            "flink_jobmanager_job_lastCheckpointCompletedTimestamp",
            "flink_taskmanager_job_task_busyTimeMsPerSecond",
            "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
            OPERATOR + "pendingRecords",
            OPERATOR + "KafkaSourceReader_KafkaConsumer_records_lag_max");

    /** Every metric name the dashboard and the rules may name. */
    static Set<String> all() {
        return Set.copyOf(java.util.stream.Stream.concat(BALLAST.stream(), FLINK.stream()).toList());
    }

    /** The label values of the job's operators (names filtered as the reporter does). */
    static final Set<String> OPERATOR_NAMES = Set.of(
            "Source:_quotes", "Source:_trades", "Source:_risk_limits",
            "validate_quotes", "validate_trades", "validate_risk_limits",
            "implied_vol", "market", "inventory");

    /** Flink's job name (BallastJob.JOB_NAME), a label value of every job metric. */
    static final String JOB_NAME = "Ballast";
}
