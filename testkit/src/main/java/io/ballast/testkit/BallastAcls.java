package io.ballast.testkit;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The Kafka ACLs the Ballast job needs, and no more: the production ACL set of the operations guide
 * ("Security"), which the secured integration test grants and nothing else.
 * <ul>
 *   <li>each input topic (quotes, trades, risk-limits): READ and DESCRIBE;</li>
 *   <li>each output topic (rebalance-signals, inventory-risk, vol-skew, rejected): WRITE and DESCRIBE;</li>
 *   <li>the consumer group ({@code --source.group-id}): READ (offsets committed on checkpoints);</li>
 *   <li>transactional ids starting with {@code --sink.transactional-id-prefix} (PREFIXED): WRITE and
 *       DESCRIBE (exactly-once);</li>
 *   <li>the cluster: IDEMPOTENT_WRITE (idempotent producers; implied by WRITE on a topic since Kafka 3.0,
 *       still needed by older brokers).</li>
 * </ul>
 * Optional: DESCRIBE_CONFIGS on the cluster lets the start-up check compare {@code --sink.transaction-timeout}
 * with the broker's {@code transaction.max.timeout.ms}; without it the job warns and starts.
 */
public final class BallastAcls {

    private BallastAcls() {
    }

    /**
     * @param principal e.g. {@code User:ballast}
     * @param inputs the topics the job reads
     * @param outputs the topics the job writes
     */
    public static List<AclBinding> forJob(String principal, Collection<String> inputs, Collection<String> outputs,
                                          String groupId, String transactionalIdPrefix) {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : inputs) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String topic : outputs) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        acls.add(allow(principal, ResourceType.GROUP, groupId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, transactionalIdPrefix, PatternType.PREFIXED,
                AclOperation.WRITE));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, transactionalIdPrefix, PatternType.PREFIXED,
                AclOperation.DESCRIBE));
        acls.add(allow(principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE));
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
