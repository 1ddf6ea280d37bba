#!/usr/bin/env bash
# Creates the nine topics of the contract (docs/CONTRACT.md) if they do not exist, then shows them,
# the compaction of risk-limits and the broker's transaction.max.timeout.ms (the job's
# --sink.transaction-timeout must not exceed it).
# Runs in the Kafka image; BOOTSTRAP and PARTITIONS may be overridden.
set -euo pipefail

bootstrap=${BOOTSTRAP:-kafka:9092}
partitions=${PARTITIONS:-6}
topics=/opt/kafka/bin/kafka-topics.sh

create() {
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists \
    --replication-factor 1 --partitions "$partitions" --topic "$@"
}

create quotes
create trades
create risk-limits --config cleanup.policy=compact
create rebalance-signals
create inventory-risk
create vol-skew
create rejected
create collateral --config cleanup.policy=compact
create portfolio-risk

"$topics" --bootstrap-server "$bootstrap" --list
/opt/kafka/bin/kafka-configs.sh --bootstrap-server "$bootstrap" --describe \
  --entity-type topics --entity-name risk-limits
/opt/kafka/bin/kafka-configs.sh --bootstrap-server "$bootstrap" --describe --all \
  --entity-type brokers --entity-name 1 | grep 'transaction.max.timeout.ms' || true
