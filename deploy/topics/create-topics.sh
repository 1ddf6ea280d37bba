#!/usr/bin/env bash
# Creates Ballast's nine topics with their production settings, or brings the settings of existing
# ones up to date: safe to run again. Uses kafka-topics.sh and kafka-configs.sh of a Kafka
# distribution, from KAFKA_HOME/bin or the PATH. Why each setting: docs/operations.md, "Topics in
# production". The same topics as Strimzi KafkaTopic resources: deploy/k8s/topics/.
#
#   deploy/topics/create-topics.sh --bootstrap kafka-1:9092 [options]
#
# Options:
#   --bootstrap HOST:PORT[,...]   Kafka bootstrap servers (required)
#   --command-config FILE         client properties for the Kafka tools (security.protocol, sasl.*, ssl.*)
#   --topic.<name> NAME           a topic's name, as the job's --topic.<name> (e.g. --topic.quotes md.quotes)
#   --partitions.<name> N         a topic's partition count instead of the table's
#   --replication-factor N        replicas of every topic (default 3)
#   --min-insync-replicas N       min.insync.replicas of every topic (default 2)
#   --dry-run                     print the commands instead of running them
#   -h, --help                    this text
#
# A topic that exists keeps its partitions and replication factor (more partitions would move keys
# to other partitions and break their order): the script only warns when they differ from the table.
set -euo pipefail

# The topics, one a line: <name> | <partitions> | <settings, comma-separated key=value>.
# <name> is both the default topic name and the suffix of the job's --topic.<name> option.
# deploy/src/test/java/io/ballast/deploy/TopicsTest.java checks this table against the job's topic
# options, deploy/k8s/topics/ and the guide's table.
TOPICS=(
  "quotes|12|cleanup.policy=delete;retention.ms=172800000;max.message.bytes=1048588"
  "trades|12|cleanup.policy=delete;retention.ms=-1;max.message.bytes=1048588"
  "risk-limits|3|cleanup.policy=compact;min.compaction.lag.ms=0;delete.retention.ms=604800000;segment.ms=86400000;max.message.bytes=1048588"
  "rebalance-signals|12|cleanup.policy=delete;retention.ms=604800000"
  "inventory-risk|12|cleanup.policy=compact,delete;retention.ms=604800000;segment.ms=86400000"
  "vol-skew|6|cleanup.policy=compact,delete;retention.ms=604800000;segment.ms=86400000"
  "rejected|3|cleanup.policy=delete;retention.ms=2592000000;max.message.bytes=2097152"
  "collateral|3|cleanup.policy=compact;min.compaction.lag.ms=0;delete.retention.ms=604800000;segment.ms=86400000;max.message.bytes=1048588"
  "portfolio-risk|6|cleanup.policy=compact,delete;retention.ms=604800000;segment.ms=86400000"
)
# Settings of every topic (min.insync.replicas follows --min-insync-replicas).
COMMON_SETTINGS="unclean.leader.election.enable=false"
REPLICATION_FACTOR=3
MIN_INSYNC_REPLICAS=2

usage() {
  sed -n '2,/^set -euo pipefail$/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

die() {
  echo "create-topics.sh: $*" >&2
  exit 2
}

bootstrap=""
command_config=""
dry_run=false
declare -A names=()
declare -A partitions=()
for entry in "${TOPICS[@]}"; do
  key=${entry%%|*}
  names[$key]=$key
done

while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) [ $# -ge 2 ] || die "--bootstrap needs a value"; bootstrap=$2; shift 2 ;;
    --command-config) [ $# -ge 2 ] || die "--command-config needs a file"; command_config=$2; shift 2 ;;
    --replication-factor) [ $# -ge 2 ] || die "--replication-factor needs a value"; REPLICATION_FACTOR=$2; shift 2 ;;
    --min-insync-replicas) [ $# -ge 2 ] || die "--min-insync-replicas needs a value"; MIN_INSYNC_REPLICAS=$2; shift 2 ;;
    --topic.*)
      key=${1#--topic.}
      [ -n "${names[$key]+x}" ] || die "unknown option $1 (topics: ${!names[*]})"
      if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a topic name"; fi
      names[$key]=$2; shift 2 ;;
    --partitions.*)
      key=${1#--partitions.}
      [ -n "${names[$key]+x}" ] || die "unknown option $1 (topics: ${!names[*]})"
      [ $# -ge 2 ] || die "$1 needs a value"
      partitions[$key]=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
[ -n "$bootstrap" ] || die "--bootstrap is required (--help lists the options)"
for n in "$REPLICATION_FACTOR" "$MIN_INSYNC_REPLICAS" "${partitions[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ "$MIN_INSYNC_REPLICAS" -le "$REPLICATION_FACTOR" ] || die "--min-insync-replicas $MIN_INSYNC_REPLICAS exceeds --replication-factor $REPLICATION_FACTOR"

tool() {
  local name=$1
  if [ -n "${KAFKA_HOME:-}" ] && [ -x "$KAFKA_HOME/bin/$name" ]; then
    echo "$KAFKA_HOME/bin/$name"
  elif command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
  elif [ "$dry_run" = true ]; then
    echo "$name"
  else
    die "$name not found: set KAFKA_HOME to a Kafka distribution, or put its bin/ on the PATH"
  fi
}
kafka_topics=$(tool kafka-topics.sh)
kafka_configs=$(tool kafka-configs.sh)
client_args=(--bootstrap-server "$bootstrap")
[ -z "$command_config" ] || client_args+=(--command-config "$command_config")

run() {
  if [ "$dry_run" = true ]; then
    printf '%q ' "$@"
    echo
  else
    "$@"
  fi
}

for entry in "${TOPICS[@]}"; do
  IFS='|' read -r key count settings <<<"$entry"
  topic=${names[$key]}
  count=${partitions[$key]:-$count}
  IFS=';' read -r -a configs <<<"$settings;$COMMON_SETTINGS;min.insync.replicas=$MIN_INSYNC_REPLICAS"

  create=(--create --if-not-exists --topic "$topic" --partitions "$count" --replication-factor "$REPLICATION_FACTOR")
  alter=()
  for c in "${configs[@]}"; do
    create+=(--config "$c")
    # kafka-configs.sh takes a list value in brackets: cleanup.policy=[compact,delete].
    if [[ "${c#*=}" == *,* ]]; then
      alter+=("${c%%=*}=[${c#*=}]")
    else
      alter+=("$c")
    fi
  done
  echo "topic $topic ($key): $count partitions, replication factor $REPLICATION_FACTOR, ${configs[*]}"
  run "$kafka_topics" "${client_args[@]}" "${create[@]}"
  # Existing topics: the settings again (no-op when equal).
  run "$kafka_configs" "${client_args[@]}" --alter --entity-type topics --entity-name "$topic" \
    --add-config "$(IFS=,; echo "${alter[*]}")"
  if [ "$dry_run" = false ]; then
    description=$("$kafka_topics" "${client_args[@]}" --describe --topic "$topic" | head -n 1)
    actual_partitions=$(sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' <<<"$description")
    actual_replicas=$(sed -n 's/.*ReplicationFactor: *\([0-9]*\).*/\1/p' <<<"$description")
    if [ -n "$actual_partitions" ] && [ "$actual_partitions" != "$count" ]; then
      echo "WARNING: $topic has $actual_partitions partitions, not $count: left as it is (see docs/operations.md)" >&2
    fi
    if [ -n "$actual_replicas" ] && [ "$actual_replicas" != "$REPLICATION_FACTOR" ]; then
      echo "WARNING: $topic has replication factor $actual_replicas, not $REPLICATION_FACTOR: left as it is" >&2
    fi
  fi
done
echo "done: ${#TOPICS[@]} topics"
