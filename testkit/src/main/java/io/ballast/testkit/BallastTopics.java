package io.ballast.testkit;

import io.ballast.config.BallastConfig;
import io.ballast.config.BallastOptions;
import io.ballast.domain.Topic;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The nine topics of one Ballast job, and how the kit's users create them. */
public record BallastTopics(String quotes, String trades, String limits, String signals, String risk, String skew,
                            String rejected, String collateral, String portfolio) {

    /** {@code <prefix>-quotes}, {@code <prefix>-trades} and so on. */
    public static BallastTopics withPrefix(String prefix) {
        return new BallastTopics(prefix + "-" + Topic.QUOTES.defaultName(), prefix + "-" + Topic.TRADES.defaultName(),
                prefix + "-" + Topic.RISK_LIMITS.defaultName(), prefix + "-" + Topic.SIGNALS.defaultName(),
                prefix + "-" + Topic.RISK.defaultName(), prefix + "-" + Topic.VOL_SKEW.defaultName(),
                prefix + "-" + Topic.REJECTED.defaultName(), prefix + "-" + Topic.COLLATERAL.defaultName(),
                prefix + "-" + Topic.PORTFOLIO_RISK.defaultName());
    }

    /** The topics a job's configuration names. */
    public static BallastTopics of(BallastConfig c) {
        BallastConfig.TopicNames t = c.topics();
        return new BallastTopics(t.name(Topic.QUOTES), t.name(Topic.TRADES), t.name(Topic.RISK_LIMITS),
                t.name(Topic.SIGNALS), t.name(Topic.RISK), t.name(Topic.VOL_SKEW), t.name(Topic.REJECTED),
                t.name(Topic.COLLATERAL), t.name(Topic.PORTFOLIO_RISK));
    }

    public List<String> all() {
        return List.of(quotes, trades, limits, signals, risk, skew, rejected, collateral, portfolio);
    }

    /** The job's {@code --topic.*} options naming these topics. */
    public List<String> args() {
        List<String> args = new ArrayList<>();
        List<String> names = all();
        for (Topic t : Topic.values()) {
            args.add("--" + BallastOptions.TOPICS.get(t).key());
            args.add(names.get(t.ordinal()));
        }
        return args;
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
        topics.add(new NewTopic(collateral, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        for (String out : List.of(signals, risk, skew, rejected, portfolio)) {
            topics.add(new NewTopic(out, 1, (short) 1));
        }
        return topics;
    }

    /** The topics as the tests create them: every one in {@code partitions} partitions but the limits and the collateral, in one. */
    public List<NewTopic> forTests(int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String t : List.of(quotes, trades, signals, risk, skew, rejected, portfolio)) {
            topics.add(new NewTopic(t, partitions, (short) 1));
        }
        topics.add(new NewTopic(limits, 1, (short) 1));
        topics.add(new NewTopic(collateral, 1, (short) 1));
        return topics;
    }
}
