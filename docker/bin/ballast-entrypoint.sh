#!/usr/bin/env bash
# Entry point of the Ballast image. The official Flink entrypoint edits conf/config.yaml in place
# (jobmanager.rpc.address, blob and query ports), so a configuration mounted read-only at
# /opt/ballast/conf is copied into the container's own conf directory first.
set -euo pipefail
if [ -f /opt/ballast/conf/config.yaml ]; then
  cp /opt/ballast/conf/config.yaml "${FLINK_HOME}/conf/config.yaml"
fi
exec /docker-entrypoint.sh "$@"
