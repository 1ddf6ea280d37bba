#!/usr/bin/env bash
# Registers the schemas of Ballast's nine topics under <topic>-value in a schema registry speaking
# the Confluent REST API, for a job run with --registry.auto-register false (its outputs must be
# registered beforehand) and for producers that do not register themselves (its inputs). Registering
# again is harmless: the registry answers the id it already has. Needs bash and curl.
#
#   register-schemas.sh --registry https://registry:8081 [options]
#
# Options:
#   --registry URL            registry base URL, as the job's --registry (required)
#   --topic.<name> NAME       a topic's name, as the job's --topic.<name> (e.g. --topic.quotes md.quotes)
#   --schemas DIR             directory of <Record>.avsc (default: registry/ next to this script, as in
#                             the ballast-schemas-<version>-avsc.zip, else schemas/target/registry)
#   --user-info-file FILE     basic auth user:password, read from FILE; or the environment variable
#                             BALLAST_REGISTRY_USER_INFO
#   --bearer-token-file FILE  bearer token (Authorization: Bearer ...), read from FILE; or the
#                             environment variable BALLAST_REGISTRY_BEARER_TOKEN
#   --cacert FILE             CA certificate(s), PEM, to trust for an https registry
#   --only inputs|outputs     register only the inputs' or the outputs' subjects
#   --dry-run                 print the subjects and files instead of registering
#   -h, --help                this text
#
# Credentials are never put on a command line (other users see those): they reach curl through a
# configuration file readable only by you, deleted on exit.
set -euo pipefail

# <name>|<record>|<direction>: <name> is the default topic and the suffix of --topic.<name>.
SUBJECTS=(
  "quotes|Quote|input"
  "trades|Trade|input"
  "risk-limits|RiskLimits|input"
  "rebalance-signals|RebalanceSignal|output"
  "inventory-risk|RiskSnapshot|output"
  "vol-skew|VolSkew|output"
  "rejected|RejectedRecord|output"
  "collateral|Collateral|input"
  "portfolio-risk|PortfolioRisk|output"
)
CONTENT_TYPE="application/vnd.schemaregistry.v1+json"

usage() {
  sed -n '2,/^set -euo pipefail$/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

die() {
  echo "register-schemas.sh: $*" >&2
  exit 2
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
registry=""
schemas=""
cacert=""
only=""
dry_run=false
user_info=${BALLAST_REGISTRY_USER_INFO:-}
bearer_token=${BALLAST_REGISTRY_BEARER_TOKEN:-}
declare -A names=()
for entry in "${SUBJECTS[@]}"; do
  key=${entry%%|*}
  names[$key]=$key
done

read_secret() {
  [ -r "$1" ] || die "cannot read $1"
  # One trailing newline removed, as the job does for ${file:...}.
  local value
  value=$(cat "$1")
  printf '%s' "$value"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --registry) [ $# -ge 2 ] || die "--registry needs a URL"; registry=${2%/}; shift 2 ;;
    --schemas) [ $# -ge 2 ] || die "--schemas needs a directory"; schemas=$2; shift 2 ;;
    --user-info-file) [ $# -ge 2 ] || die "--user-info-file needs a file"; user_info=$(read_secret "$2"); shift 2 ;;
    --bearer-token-file) [ $# -ge 2 ] || die "--bearer-token-file needs a file"; bearer_token=$(read_secret "$2"); shift 2 ;;
    --cacert) [ $# -ge 2 ] || die "--cacert needs a file"; cacert=$2; shift 2 ;;
    --only)
      [ $# -ge 2 ] || die "--only needs inputs or outputs"
      case "$2" in inputs) only=input ;; outputs) only=output ;; *) die "--only takes inputs or outputs, not $2" ;; esac
      shift 2 ;;
    --topic.*)
      key=${1#--topic.}
      [ -n "${names[$key]+x}" ] || die "unknown option $1 (topics: ${!names[*]})"
      if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a topic name"; fi
      names[$key]=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
[ -n "$registry" ] || die "--registry is required (--help lists the options)"
[ -z "$user_info" ] || [ -z "$bearer_token" ] || die "give basic auth or a bearer token, not both"
[ -z "$cacert" ] || [ -r "$cacert" ] || die "cannot read the CA file $cacert"
if [ -z "$schemas" ]; then
  if [ -d "$script_dir/registry" ]; then
    schemas=$script_dir/registry
  else
    schemas=$script_dir/target/registry
  fi
fi
[ -d "$schemas" ] || die "no schema directory $schemas: build the schemas module (./mvnw -pl schemas package) or give --schemas"

# curl's configuration: credentials and TLS, in a file only this user can read.
curl_config=$(mktemp)
trap 'rm -f "$curl_config"' EXIT
chmod 600 "$curl_config"
curl_quote() {
  local v=${1//\\/\\\\}
  printf '"%s"' "${v//\"/\\\"}"
}
{
  echo "silent"
  echo "show-error"
  echo "connect-timeout = 10"
  echo "max-time = 30"
  echo "retry = 3"
  [ -z "$user_info" ] || echo "user = $(curl_quote "$user_info")"
  [ -z "$bearer_token" ] || echo "header = $(curl_quote "Authorization: Bearer $bearer_token")"
  [ -z "$cacert" ] || echo "cacert = $(curl_quote "$cacert")"
} >"$curl_config"

# The registry's JSON string of a schema text.
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

urlencode() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

failed=0
count=0
for entry in "${SUBJECTS[@]}"; do
  IFS='|' read -r key record direction <<<"$entry"
  [ -z "$only" ] || [ "$only" = "$direction" ] || continue
  subject="${names[$key]}-value"
  file="$schemas/$record.avsc"
  [ -r "$file" ] || die "missing $file"
  count=$((count + 1))
  if [ "$dry_run" = true ]; then
    echo "$subject <- $file ($direction)"
    continue
  fi
  body="{\"schema\": $(json_string "$(cat "$file")")}"
  url="$registry/subjects/$(urlencode "$subject")/versions"
  response=$(mktemp)
  status=$(curl --config "$curl_config" -o "$response" -w '%{http_code}' -X POST \
    -H "Content-Type: $CONTENT_TYPE" -H "Accept: $CONTENT_TYPE" --data-binary @- "$url" <<<"$body") || status=000
  answer=$(cat "$response")
  rm -f "$response"
  if [ "${status:0:1}" = 2 ] && [[ "$answer" =~ \"id\"[[:space:]]*:[[:space:]]*([0-9]+) ]]; then
    echo "$subject: id ${BASH_REMATCH[1]} ($record, $direction)"
  else
    echo "$subject: FAILED, HTTP $status from POST $url: $answer" >&2
    failed=$((failed + 1))
  fi
done
if [ "$failed" -gt 0 ]; then
  echo "register-schemas.sh: $failed of $count subjects failed" >&2
  exit 1
fi
echo "registered $count subjects at $registry"
