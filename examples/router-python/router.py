#!/usr/bin/python3
"""Ballast reference order router: executes each DELTA_HEDGE action of rebalance-signals once, and writes
its fill back to the trades topic with the signal's id.

  router.py --bootstrap HOST:PORT --registry URL --fill-price PRICE [options]

Reads rebalance-signals with isolation.level=read_committed (only signals of checkpoints the job completed)
in a consumer group, and for every signal with status ACTION and type DELTA_HEDGE:

  1. looks its signalId up in a ledger (SQLite, --state): a signal found there is never executed again;
  2. executes the order (here a simulated venue that fills the whole quantity at --fill-price: replace
     SimulatedVenue with your venue's API, and give it the signalId as the client order id, so that the
     venue itself refuses a second order with the same id);
  3. records the execution in the ledger (committed before anything goes to Kafka);
  4. writes the fill, a Trade of the contract (tradeId "<prefix><signalId>", the signalId, the hedge
     instrument, side and quantity of the signal), Avro in the Confluent wire format, schema trade.avsc
     registered under the subject <trades topic>-value, key the provider id;
  5. commits the fills of a batch together with the consumer offsets of its signals in one Kafka
     transaction (--transactional-id), then marks them published in the ledger.

Restarted, the router resumes after the last committed transaction. A signal read again (offsets lost,
another group, a crash between steps 3 and 5) is not executed again: its recorded fill is written again
if it was not marked published (the same tradeId: Ballast applies a (venue, tradeId) once and rejects the
repeat as DUPLICATE_TRADE), and skipped if it was. Signals of other types and statuses are read and
acknowledged without an order.

Prints one JSON object per line on stdout for every signal read, e.g.
  {"event": "executed", "signalId": "mm1/BTC/DELTA_HEDGE/1", "tradeId": "router-mm1/BTC/DELTA_HEDGE/1", ...}
  {"event": "skipped", "signalId": "...", "reason": "already executed"}
and {"event": "started"}, {"event": "assigned", "partitions": [...]}, {"event": "stopped"}.
SIGTERM or SIGINT stops it after the current batch (exit status 0).

Needs Debian's python3-confluent-kafka, python3-avro and python3-requests, run with /usr/bin/python3.
"""

import argparse
import datetime
import json
import os
import signal
import sqlite3
import sys
import time

try:
    import avro.schema
    from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
    from confluent_kafka.avro import CachedSchemaRegistryClient, MessageSerializer
except ImportError as missing:
    sys.exit("router.py needs Debian's python3-confluent-kafka, python3-avro and python3-requests "
             "(apt-get install -y python3-confluent-kafka python3-avro python3-requests) "
             "and /usr/bin/python3: %s" % missing)

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSACTION_TIMEOUT_S = 30


def emit(event, **fields):
    fields = dict(event=event, **fields)
    try:
        print(json.dumps(fields, sort_keys=False), flush=True)
    except BrokenPipeError:
        pass  # nobody reads the events any more: routing goes on


# ------------------------------------------------------------------ ledger

class Ledger:
    """Executed signals, in SQLite: the router's memory across restarts."""

    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)  # autocommit; explicit transactions below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("""CREATE TABLE IF NOT EXISTS executions (
                             signal_id TEXT PRIMARY KEY,
                             trade_id TEXT NOT NULL,
                             fill TEXT NOT NULL,
                             executed_at INTEGER NOT NULL,
                             published INTEGER NOT NULL DEFAULT 0)""")

    def find(self, signal_id):
        """(fill dict, published) of an executed signal, or None."""
        row = self.db.execute("SELECT fill, published FROM executions WHERE signal_id = ?", (signal_id,)).fetchone()
        return None if row is None else (json.loads(row[0]), bool(row[1]))

    def record(self, signal_id, fill):
        self.db.execute("INSERT INTO executions (signal_id, trade_id, fill, executed_at) VALUES (?, ?, ?, ?)",
                        (signal_id, fill["tradeId"], json.dumps(fill), int(time.time() * 1000)))

    def mark_published(self, signal_ids):
        if signal_ids:
            self.db.execute("BEGIN")
            self.db.executemany("UPDATE executions SET published = 1 WHERE signal_id = ?", [(s,) for s in signal_ids])
            self.db.execute("COMMIT")

    def close(self):
        self.db.close()


# ------------------------------------------------------------------ venue

class SimulatedVenue:
    """Fills every order in full at one price. A real router calls its venue here, with the signalId as the
    client order id."""

    def __init__(self, name, price):
        self.name = name
        self.price = price

    def execute(self, signal_id, instrument, side, quantity):
        """(price, fee) of the fill."""
        return self.price, None


def instrument_of(symbol, underlying):
    """The Instrument record of a hedge instrument: Ballast hedges with perpetuals (<UNDERLYING>-PERP, the
    default) or spot; a future or option would need its expiry (and strike), which a signal does not carry."""
    kind = "PERPETUAL" if symbol.endswith("-PERP") else "SPOT"
    return {"symbol": symbol, "underlying": underlying, "kind": kind, "strike": None, "expiry": None,
            "right": None, "multiplier": 1.0, "priceUnit": "QUOTE_CURRENCY", "inverse": False, "contractValue": None}


# ------------------------------------------------------------------ the router

class Router:

    def __init__(self, args):
        self.args = args
        with open(args.trade_schema, encoding="utf-8") as f:
            self.trade_schema = avro.schema.parse(f.read())
        self.serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
        self.ledger = Ledger(args.state)
        self.venue = SimulatedVenue(args.venue, args.fill_price)
        self.consumer = Consumer({
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            # Static membership: a restarted router takes its partitions back at once, instead of waiting for
            # the session of its dead predecessor to time out.
            "group.instance.id": args.transactional_id,
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
        })
        self.producer = Producer({
            "bootstrap.servers": args.bootstrap,
            "transactional.id": args.transactional_id,
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 5,
        })
        self.running = True

    def stop(self, *_):
        self.running = False

    def run(self):
        self.producer.init_transactions(TRANSACTION_TIMEOUT_S)

        def assigned(consumer, partitions):
            emit("assigned", partitions=[p.partition for p in partitions])

        self.consumer.subscribe([self.args.signals_topic], on_assign=assigned)
        emit("started", group=self.args.group, transactionalId=self.args.transactional_id)
        try:
            while self.running:
                batch = self.consumer.consume(num_messages=100, timeout=0.2)
                if batch:
                    self.process(batch)
        finally:
            self.consumer.close()
            self.producer.flush(TRANSACTION_TIMEOUT_S)
            self.ledger.close()
            emit("stopped")

    def process(self, batch):
        """One Kafka transaction: the fills of the batch's signals and the offsets after them."""
        offsets = {}
        published = []
        self.producer.begin_transaction()
        try:
            for msg in batch:
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(msg.error())
                offsets[(msg.topic(), msg.partition())] = msg.offset() + 1
                signal_id = self.handle(msg)
                if signal_id is not None:
                    published.append(signal_id)
            if self.args.test_crash_before_commit and published:
                # Fault injection for the tests: die with the ledger written and the transaction open.
                emit("crashing", signalIds=published)
                os._exit(3)
            self.producer.send_offsets_to_transaction(
                [TopicPartition(t, p, o) for (t, p), o in offsets.items()],
                self.consumer.consumer_group_metadata(), TRANSACTION_TIMEOUT_S)
            self.producer.commit_transaction(TRANSACTION_TIMEOUT_S)
        except KafkaException as e:
            error = e.args[0]
            if hasattr(error, "txn_requires_abort") and error.txn_requires_abort():
                # Nothing of this batch was committed: abort, and read it again from the committed offsets.
                # Executed signals are in the ledger, so the retry writes their fills without new orders.
                self.producer.abort_transaction(TRANSACTION_TIMEOUT_S)
                self.rewind(offsets)
                emit("aborted", error=str(error))
                return
            raise
        self.ledger.mark_published(published)

    def rewind(self, offsets):
        committed = self.consumer.committed([TopicPartition(t, p) for (t, p) in offsets], 30)
        for tp in committed:
            self.consumer.seek(TopicPartition(tp.topic, tp.partition, max(tp.offset, 0)))

    def handle(self, msg):
        """Executes (or re-sends) the fill of one signal; the signalId when a fill was written."""
        raw = msg.value()
        if raw is None or len(raw) < 5 or raw[0] != 0:
            emit("ignored", partition=msg.partition(), offset=msg.offset(), reason="not in the Confluent wire format")
            return None
        s = self.serializer.decode_message(raw)
        signal_id = s["signalId"]
        where = {"partition": msg.partition(), "offset": msg.offset()}
        if s["type"] != "DELTA_HEDGE" or s["status"] != "ACTION":
            emit("ignored", signalId=signal_id, reason="%s %s is not an order" % (s["type"], s["status"]), **where)
            return None
        if not s.get("instrument") or not s.get("side") or not s.get("quantity"):
            emit("ignored", signalId=signal_id, reason="no instrument, side or quantity", **where)
            return None

        known = self.ledger.find(signal_id)
        if known is not None:
            fill, was_published = known
            if was_published:
                emit("skipped", signalId=signal_id, reason="already executed", tradeId=fill["tradeId"], **where)
                return None
            self.send(fill)
            emit("republished", signalId=signal_id, tradeId=fill["tradeId"], **where)
            return signal_id

        price, fee = self.venue.execute(signal_id, s["instrument"], s["side"], s["quantity"])
        fill = {
            "tradeId": self.args.trade_id_prefix + signal_id,
            "providerId": s["providerId"],
            # The signal's venue (Ballast names it since issue 15; a fill elsewhere would not execute the
            # hedge); --venue for a signal without one.
            "venue": s.get("venue") or self.venue.name,
            "instrument": instrument_of(s["instrument"], s["underlying"]),
            "side": s["side"],
            "quantity": float(s["quantity"]),
            "price": float(price),
            "fee": None if fee is None else float(fee),
            "signalId": signal_id,
            "eventTime": int(time.time() * 1000),
            "underlyingPrice": None,
        }
        self.ledger.record(signal_id, fill)
        self.send(fill)
        emit("executed", signalId=signal_id, tradeId=fill["tradeId"], providerId=fill["providerId"],
             instrument=s["instrument"], side=fill["side"], quantity=fill["quantity"], price=fill["price"], **where)
        return signal_id

    def send(self, fill):
        record = dict(fill)
        # Fields added to the contract after a fill was put in the ledger: their defaults.
        record.setdefault("underlyingPrice", None)
        record["instrument"] = {"priceUnit": "QUOTE_CURRENCY", "inverse": False, "contractValue": None,
                                **record["instrument"]}
        record["eventTime"] = datetime.datetime.fromtimestamp(fill["eventTime"] / 1000, tz=datetime.timezone.utc)
        value = self.serializer.encode_record_with_schema(self.args.trades_topic, self.trade_schema, record)
        self.producer.produce(self.args.trades_topic, key=fill["providerId"].encode("utf-8"), value=value)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--registry", required=True, help="schema registry URL (Confluent API)")
    parser.add_argument("--fill-price", required=True, type=float, help="the simulated venue's fill price")
    parser.add_argument("--signals-topic", default="rebalance-signals", help="the job's signals")
    parser.add_argument("--trades-topic", default="trades", help="where the fills go")
    parser.add_argument("--group", default="ballast-router", help="consumer group of the signals")
    parser.add_argument("--transactional-id", default="ballast-router-1",
                        help="one per router instance, the same after a restart (also its static group member id)")
    parser.add_argument("--state", default="router-state.sqlite", help="the ledger of executed signals")
    parser.add_argument("--venue", default="ROUTER", help="the venue of the fills of signals that name none (written before venues)")
    parser.add_argument("--trade-id-prefix", default="router-", help="tradeId = prefix + signalId")
    parser.add_argument("--trade-schema", default=os.path.join(HERE, "trade.avsc"),
                        help="the contract's Trade schema, self-contained")
    parser.add_argument("--test-crash-before-commit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.fill_price > 0:
        parser.error("--fill-price must be > 0, not %s" % args.fill_price)

    router = Router(args)
    signal.signal(signal.SIGTERM, router.stop)
    signal.signal(signal.SIGINT, router.stop)
    router.run()


if __name__ == "__main__":
    main(sys.argv[1:])
