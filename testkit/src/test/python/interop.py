#!/usr/bin/python3
"""Third-party client interop for Ballast tests: Confluent's Python client (Debian packages
python3-confluent-kafka, python3-avro, python3-requests), run with Debian's /usr/bin/python3.

  interop.py produce --bootstrap B --registry URL --topic T --schema FILE.avsc --records FILE.json
                     [--transactional-id ID]
  interop.py consume --bootstrap B --registry URL --topic T --count N [--timeout SECONDS]

Values use Confluent's own Avro serializer (confluent_kafka.avro: MessageSerializer and
CachedSchemaRegistryClient, the machinery of AvroProducer/AvroConsumer): Confluent wire format, schema
auto-registered under the subject <topic>-value. Keys are plain UTF-8 strings, as the Ballast contract
says (AvroProducer would Avro-encode them).

Records file: a JSON array, or JSON lines, of {"key": string or null, "value": {...}}. Values are
plain JSON of the record: unions take the bare value (no {"double": 1.0} wrapper), enums their symbol.
The consumer prints one JSON object per line: {"topic", "partition", "offset", "key", "schemaId", "value"}.

Logical types in JSON, both ways: timestamp-millis and timestamp-micros are epoch numbers (millis,
micros) -- python-avro itself wants and returns timezone-aware datetimes; ISO-8601 strings are also
accepted on input. date is days since the epoch. bytes and fixed are base64 strings.

Exit status 0 on success; otherwise a message on stderr.
"""

import argparse
import base64
import datetime
import json
import sys
import time
import uuid

try:
    import avro.schema
    from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
    from confluent_kafka.avro import CachedSchemaRegistryClient, MessageSerializer
except ImportError as missing:
    sys.exit("interop.py needs Debian's python3-confluent-kafka, python3-avro and python3-requests "
             "(apt-get install -y python3-confluent-kafka python3-avro python3-requests) "
             "and /usr/bin/python3: %s" % missing)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH_DAY = datetime.date(1970, 1, 1)


# ------------------------------------------------------------------ JSON <-> python-avro datums

def _logical(schema):
    return getattr(schema, "logical_type", None) or schema.props.get("logicalType")


def _branch_for_json(union, value):
    """The union branch a JSON value belongs to (python-avro itself resolves plain python values)."""
    candidates = [b for b in union.schemas if b.type != "null"]
    for branch in candidates:
        t, logical = branch.type, _logical(branch)
        if logical in ("timestamp-millis", "timestamp-micros") and isinstance(value, (int, str)) and not isinstance(value, bool):
            return branch
        if t in ("int", "long") and isinstance(value, int) and not isinstance(value, bool):
            return branch
        if t in ("float", "double") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return branch
        if t == "boolean" and isinstance(value, bool):
            return branch
        if t == "string" and isinstance(value, str):
            return branch
        if t == "enum" and isinstance(value, str) and value in branch.symbols:
            return branch
        if t in ("bytes", "fixed") and isinstance(value, str):
            return branch
        if t == "array" and isinstance(value, list):
            return branch
        if t in ("record", "map") and isinstance(value, dict):
            if t == "map" or {f.name for f in branch.fields} >= set(value):
                return branch
    return None


def from_json(schema, value):
    """A JSON value (as described in the module doc) -> the datum python-avro writes."""
    if value is None:
        return None
    t, logical = schema.type, _logical(schema)
    if t == "union":
        branch = _branch_for_json(schema, value)
        return value if branch is None else from_json(branch, value)
    if t == "record":
        datum = {}
        for field in schema.fields:
            if field.name in value:
                datum[field.name] = from_json(field.type, value[field.name])
            elif field.has_default:
                datum[field.name] = from_json(field.type, field.default)
            # Otherwise left out: python-avro names the missing field.
        return datum
    if t == "array":
        return [from_json(schema.items, v) for v in value]
    if t == "map":
        return {k: from_json(schema.values, v) for k, v in value.items()}
    if logical in ("timestamp-millis", "timestamp-micros"):
        if isinstance(value, str):
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
        unit = "milliseconds" if logical == "timestamp-millis" else "microseconds"
        return EPOCH + datetime.timedelta(**{unit: value})
    if logical == "date" and isinstance(value, int):
        return EPOCH_DAY + datetime.timedelta(days=value)
    if t in ("bytes", "fixed") and isinstance(value, str):
        return base64.b64decode(value)
    if t in ("float", "double") and isinstance(value, int):
        return float(value)
    return value


def _branch_for_datum(union, datum):
    for branch in union.schemas:
        t, logical = branch.type, _logical(branch)
        if datum is None and t == "null":
            return branch
        if isinstance(datum, datetime.datetime) and logical in ("timestamp-millis", "timestamp-micros"):
            return branch
        if isinstance(datum, datetime.date) and not isinstance(datum, datetime.datetime) and logical == "date":
            return branch
        if isinstance(datum, bytes) and t in ("bytes", "fixed"):
            return branch
        if isinstance(datum, dict) and t in ("record", "map"):
            if t == "map" or {f.name for f in branch.fields} == set(datum):
                return branch
        if isinstance(datum, list) and t == "array":
            return branch
    return None


def to_json(schema, datum):
    """A datum python-avro read -> plain JSON (as described in the module doc)."""
    if datum is None:
        return None
    t, logical = schema.type, _logical(schema)
    if t == "union":
        branch = _branch_for_datum(schema, datum)
        return to_json(branch, datum) if branch is not None else _plain(datum)
    if t == "record":
        return {f.name: to_json(f.type, datum.get(f.name)) for f in schema.fields}
    if t == "array":
        return [to_json(schema.items, v) for v in datum]
    if t == "map":
        return {k: to_json(schema.values, v) for k, v in datum.items()}
    if isinstance(datum, datetime.datetime):
        delta = datum - EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return micros // 1000 if logical == "timestamp-millis" else micros
    if isinstance(datum, datetime.date):
        return (datum - EPOCH_DAY).days
    return _plain(datum)


def _plain(datum):
    if isinstance(datum, bytes):
        return base64.b64encode(datum).decode("ascii")
    return datum


# ------------------------------------------------------------------ commands

def _registry(url):
    return CachedSchemaRegistryClient({"url": url})


def _read_records(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def produce(args):
    with open(args.schema, encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    records = _read_records(args.records)
    serializer = MessageSerializer(_registry(args.registry))

    config = {
        "bootstrap.servers": args.bootstrap,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 0,
    }
    if args.transactional_id:
        config["transactional.id"] = args.transactional_id
    producer = Producer(config)
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append("%s [%s]: %s" % (msg.topic(), msg.partition(), err))

    if args.transactional_id:
        producer.init_transactions(30)
        producer.begin_transaction()
    schema_id = None
    for record in records:
        key = record.get("key")
        value = serializer.encode_record_with_schema(args.topic, schema, from_json(schema, record["value"]))
        schema_id = int.from_bytes(value[1:5], "big")
        producer.produce(args.topic,
                         key=None if key is None else key.encode("utf-8"),
                         value=value,
                         on_delivery=delivered)
        producer.poll(0)
    if args.transactional_id:
        producer.commit_transaction(30)
    remaining = producer.flush(30)
    if remaining:
        failures.append("%d records not delivered within 30 s" % remaining)
    if failures:
        sys.exit("produce to %s failed: %s" % (args.topic, "; ".join(failures)))
    print(json.dumps({"topic": args.topic, "produced": len(records), "schemaId": schema_id}))


def consume(args):
    serializer = MessageSerializer(_registry(args.registry))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "ballast-interop-" + uuid.uuid4().hex[:8],  # required by librdkafka; nothing is committed
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest",
    })
    try:
        metadata = consumer.list_topics(args.topic, timeout=30)
        topic = metadata.topics.get(args.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            sys.exit("topic %s does not exist (%s)" % (args.topic, None if topic is None else topic.error))
        consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in sorted(topic.partitions)])

        received = 0
        deadline = time.monotonic() + args.timeout
        while received < args.count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                sys.exit("read %d of %d records from %s within %s s" % (received, args.count, args.topic, args.timeout))
            msg = consumer.poll(min(remaining, 1.0))
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise KafkaException(msg.error())
            raw = msg.value()
            value = None
            schema_id = None
            if raw is not None:
                if len(raw) < 5 or raw[0] != 0:
                    sys.exit("offset %d of %s [%d] is not in the Confluent wire format"
                             % (msg.offset(), msg.topic(), msg.partition()))
                schema_id = int.from_bytes(raw[1:5], "big")
                writer = serializer.registry_client.get_by_id(schema_id)
                value = to_json(writer, serializer.decode_message(raw))
            key = msg.key()
            print(json.dumps({
                "topic": msg.topic(),
                "partition": msg.partition(),
                "offset": msg.offset(),
                "key": None if key is None else key.decode("utf-8"),
                "schemaId": schema_id,
                "value": value,
            }, sort_keys=False), flush=True)
            received += 1
    finally:
        consumer.close()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("produce", help="encode JSON records with the Confluent Avro serializer and send them")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--registry", required=True, help="Confluent-compatible registry URL")
    p.add_argument("--topic", required=True)
    p.add_argument("--schema", required=True, help="a self-contained .avsc (named types inlined)")
    p.add_argument("--records", required=True, help='JSON array or JSON lines of {"key": ..., "value": {...}}')
    p.add_argument("--transactional-id", help="send all records in one committed transaction")
    p.set_defaults(run=produce)

    c = commands.add_parser("consume", help="read from the beginning (read_committed) and decode")
    c.add_argument("--bootstrap", required=True)
    c.add_argument("--registry", required=True, help="Confluent-compatible registry URL")
    c.add_argument("--topic", required=True)
    c.add_argument("--count", required=True, type=int)
    c.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    c.set_defaults(run=consume)

    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
