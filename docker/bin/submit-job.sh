#!/usr/bin/env bash
# Submits the Ballast job to the session cluster (the JobManager named by rest.address in
# config.yaml), detached, with the arguments given to this script. Safe to run again: it does nothing
# while a job named Ballast is running. BALLAST_RESTORE_FROM=<savepoint or retained checkpoint path>
# starts the job from that state (the upgrade procedure in docs/operations.md).
set -euo pipefail

jar=/opt/flink/usrlib/ballast.jar
tries=${BALLAST_SUBMIT_TRIES:-60}

for ((i = 1; ; i++)); do
  if jobs=$(flink list --running 2>/dev/null); then
    break
  fi
  if ((i >= tries)); then
    echo "submit-job: the JobManager did not answer after ${tries} tries" >&2
    exit 1
  fi
  sleep 2
done

if grep -q ' : Ballast (RUNNING)' <<<"$jobs"; then
  echo "submit-job: a Ballast job is already running; nothing to do"
  exit 0
fi

restore=()
if [ -n "${BALLAST_RESTORE_FROM:-}" ]; then
  restore=(--fromSavepoint "${BALLAST_RESTORE_FROM}")
fi
exec flink run --detached "${restore[@]}" "$jar" "$@"
