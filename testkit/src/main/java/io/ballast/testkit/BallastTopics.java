package io.ballast.testkit;

import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The seven topics of one Ballast job, and how the kit's users create them. */
public record BallastTopics(String quotes, String trades, String limits, String signals, String risk, String skew,
                            String rejected) {

    /** {@code <prefix>-quotes}, {@code <prefix>-trades} and so on. */
    public static BallastTopics withPrefix(String prefix) {
        return new BallastTopics(prefix + "-quotes", prefix + "-trades", prefix + "-risk-limits",
                prefix + "-rebalance-signals", prefix + "-inventory-risk", prefix + "-vol-skew", prefix + "-rejected");
    }

    /** The topics a job's configuration names. */
    public static BallastTopics of(BallastConfig c) {
        return new BallastTopics(c.get(BallastOptions.TOPIC_QUOTES), c.get(BallastOptions.TOPIC_TRADES),
                c.get(BallastOptions.TOPIC_RISK_LIMITS), c.get(BallastOptions.TOPIC_SIGNALS),
                c.get(BallastOptions.TOPIC_RISK), c.get(BallastOptions.TOPIC_VOL_SKEW),
                c.get(BallastOptions.TOPIC_REJECTED));
    }

    public List<String> all() {
        return List.of(quotes, trades, limits, signals, risk, skew, rejected);
    }

    /** The job's {@code --topic.*} options naming these topics. */
    public List<String> args() {
        return List.of("--topic.quotes", quotes, "--topic.trades", trades, "--topic.risk-limits", limits,
                "--topic.rebalance-signals", signals, "--topic.inventory-risk", risk, "--topic.vol-skew", skew,
                "--topic.rejected", rejected);
    }

    /**
     * The topics as the sandbox and the harness create them: inputs in two partitions (so keyed reads are
     * exercised), outputs in one; the limits compacted, in one.
     */
    public List<NewTopic> forSimulation() {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(quotes, 2, (short) 1));
        topics.add(new NewTopic(trades, 2, (short) 1));
        topics.add(new NewTopic(limits, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        for (String out : List.of(signals, risk, skew, rejected)) {
            topics.add(new NewTopic(out, 1, (short) 1));
        }
        return topics;
    }

    /** The topics as the tests create them: every one in {@code partitions} partitions but the limits, in one. */
    public List<NewTopic> forTests(int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String t : List.of(quotes, trades, signals, risk, skew, rejected)) {
            topics.add(new NewTopic(t, partitions, (short) 1));
        }
        topics.add(new NewTopic(limits, 1, (short) 1));
        return topics;
    }
}
