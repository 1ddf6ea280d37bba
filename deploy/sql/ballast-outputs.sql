-- Ballast's output topics as Flink SQL tables (docs/CONTRACT.md is the contract; docs/sql.md the guide).
--
-- Needs on the SQL client's (or job's) classpath: the Kafka connector (flink-sql-connector-kafka) and the
-- avro-confluent format (flink-sql-avro-confluent-registry). Replace the three connection settings below
-- (bootstrap servers, registry URL, topic names) with yours, or keep these statements as they are and
-- change them afterwards, e.g.
--   ALTER TABLE inventory_risk SET ('properties.bootstrap.servers' = 'kafka-1:9092');
-- A secured cluster takes the usual 'properties.security.protocol', 'properties.sasl.*' options and the
-- format's 'avro-confluent.basic-auth.*' / 'avro-confluent.bearer-auth.*' / 'avro-confluent.ssl.*' ones.
--
-- Every table reads committed records only ('properties.isolation.level' = 'read_committed'): with the
-- job's default exactly-once delivery, records of a transaction that is later aborted (a failure before a
-- checkpoint completed) are never seen. From the earliest offset, unbounded; for a one-off batch query add
-- 'scan.bounded.mode' = 'latest-offset' (ALTER TABLE ... SET, or an OPTIONS hint on the query).
--
-- The value columns are the record's fields, with the names, order and nullability of the contract's
-- schema; enums are STRING, timestamp-millis is TIMESTAMP(3) (UTC). Each table gives the format the
-- contract's own schema ('avro-confluent.schema', without its docs) as the reader schema: a schema
-- derived from the columns would have strings where rebalance-signals has enums, and Avro schema
-- resolution cannot read an enum as a string. Records written with any compatible version of the schema are read (Avro resolution
-- against the writer schema fetched from the registry by the id in each record).
-- The Kafka key is a column of its own (raw bytes or a UTF-8 string), and the Kafka partition, offset
-- and timestamp are read-only metadata columns.

CREATE TABLE inventory_risk (
  kafka_key STRING,
  providerId STRING NOT NULL,
  underlying STRING NOT NULL,
  referencePrice DOUBLE NOT NULL,
  netDelta DOUBLE NOT NULL,
  gamma DOUBLE NOT NULL,
  vega DOUBLE NOT NULL,
  theta DOUBLE NOT NULL,
  dollarGamma DOUBLE NOT NULL,
  deltaNotional DOUBLE NOT NULL,
  markValue DOUBLE NOT NULL,
  realizedVol DOUBLE,
  positions INT NOT NULL,
  unpricedPositions INT NOT NULL,
  pendingHedge DOUBLE NOT NULL,
  asOf TIMESTAMP(3) NOT NULL,
  `sequence` BIGINT NOT NULL,
  byExpiry ARRAY<ROW<expiry TIMESTAMP(3) NOT NULL, netDelta DOUBLE NOT NULL, dollarGamma DOUBLE NOT NULL,
    vega DOUBLE NOT NULL, theta DOUBLE NOT NULL> NOT NULL> NOT NULL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR asOf AS asOf - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'inventory-risk',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'ballast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'key.format' = 'raw',
  'key.fields' = 'kafka_key',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = 'http://localhost:8081',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.avro-confluent.schema' = '{"type": "record", "name": "RiskSnapshot", "namespace": "io.ballast.avro", "fields": [
    {"name": "providerId", "type": "string"},
    {"name": "underlying", "type": "string"},
    {"name": "referencePrice", "type": "double"},
    {"name": "netDelta", "type": "double"},
    {"name": "gamma", "type": "double"},
    {"name": "vega", "type": "double"},
    {"name": "theta", "type": "double"},
    {"name": "dollarGamma", "type": "double"},
    {"name": "deltaNotional", "type": "double"},
    {"name": "markValue", "type": "double"},
    {"name": "realizedVol", "type": ["null", "double"], "default": null},
    {"name": "positions", "type": "int"},
    {"name": "unpricedPositions", "type": "int"},
    {"name": "pendingHedge", "type": "double"},
    {"name": "asOf", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "sequence", "type": "long"},
    {"name": "byExpiry", "type": {"type": "array", "items": {"type": "record", "name": "ExpiryRisk", "fields": [
      {"name": "expiry", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "netDelta", "type": "double"},
      {"name": "dollarGamma", "type": "double"},
      {"name": "vega", "type": "double"},
      {"name": "theta", "type": "double"}
    ]}}, "default": []}
  ]}'
);

CREATE TABLE rebalance_signals (
  kafka_key STRING,
  signalId STRING NOT NULL,
  providerId STRING NOT NULL,
  underlying STRING NOT NULL,
  `type` STRING NOT NULL,
  status STRING NOT NULL,
  instrument STRING,
  side STRING,
  quantity DOUBLE,
  reservationPrice DOUBLE,
  bidOffset DOUBLE,
  askOffset DOUBLE,
  netDelta DOUBLE NOT NULL,
  gamma DOUBLE NOT NULL,
  vega DOUBLE NOT NULL,
  threshold DOUBLE NOT NULL,
  urgency STRING NOT NULL,
  reason STRING NOT NULL,
  eventTime TIMESTAMP(3) NOT NULL,
  equity DOUBLE,
  `margin` DOUBLE,
  marginUsage DOUBLE,
  liquidationMoveDown DOUBLE,
  liquidationMoveUp DOUBLE,
  residualDelta DOUBLE,
  venue STRING,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR eventTime AS eventTime - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'rebalance-signals',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'ballast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'key.format' = 'raw',
  'key.fields' = 'kafka_key',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = 'http://localhost:8081',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.avro-confluent.schema' = '{"type": "record", "name": "RebalanceSignal", "namespace": "io.ballast.avro", "fields": [
    {"name": "signalId", "type": "string"},
    {"name": "providerId", "type": "string"},
    {"name": "underlying", "type": "string"},
    {"name": "type", "type": {"type": "enum", "name": "SignalType", "symbols": ["DELTA_HEDGE", "GAMMA_LIMIT", "VEGA_LIMIT", "QUOTE_SKEW", "GAMMA_HEDGE", "VEGA_HEDGE", "MARGIN_USAGE", "LIQUIDATION_BUFFER"]}},
    {"name": "status", "type": {"type": "enum", "name": "SignalStatus", "symbols": ["ACTION", "BREACH", "CLEARED"]}},
    {"name": "instrument", "type": ["null", "string"], "default": null},
    {"name": "side", "type": ["null", {"type": "enum", "name": "Side", "symbols": ["BUY", "SELL"]}], "default": null},
    {"name": "quantity", "type": ["null", "double"], "default": null},
    {"name": "reservationPrice", "type": ["null", "double"], "default": null},
    {"name": "bidOffset", "type": ["null", "double"], "default": null},
    {"name": "askOffset", "type": ["null", "double"], "default": null},
    {"name": "netDelta", "type": "double"},
    {"name": "gamma", "type": "double"},
    {"name": "vega", "type": "double"},
    {"name": "threshold", "type": "double"},
    {"name": "urgency", "type": {"type": "enum", "name": "Urgency", "symbols": ["LOW", "NORMAL", "HIGH"]}},
    {"name": "reason", "type": "string"},
    {"name": "eventTime", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "equity", "type": ["null", "double"], "default": null},
    {"name": "margin", "type": ["null", "double"], "default": null},
    {"name": "marginUsage", "type": ["null", "double"], "default": null},
    {"name": "liquidationMoveDown", "type": ["null", "double"], "default": null},
    {"name": "liquidationMoveUp", "type": ["null", "double"], "default": null},
    {"name": "residualDelta", "type": ["null", "double"], "default": null},
    {"name": "venue", "type": ["null", "string"], "default": null}
  ]}'
);

CREATE TABLE vol_skew (
  kafka_key STRING,
  underlying STRING NOT NULL,
  expiry TIMESTAMP(3) NOT NULL,
  forward DOUBLE NOT NULL,
  timeToExpiry DOUBLE NOT NULL,
  atmVol DOUBLE NOT NULL,
  rr25 DOUBLE,
  bf25 DOUBLE,
  sviA DOUBLE,
  sviB DOUBLE,
  sviRho DOUBLE,
  sviM DOUBLE,
  sviSigma DOUBLE,
  points INT NOT NULL,
  rmse DOUBLE NOT NULL,
  asOf TIMESTAMP(3) NOT NULL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR asOf AS asOf - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'vol-skew',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'ballast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'key.format' = 'raw',
  'key.fields' = 'kafka_key',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = 'http://localhost:8081',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.avro-confluent.schema' = '{"type": "record", "name": "VolSkew", "namespace": "io.ballast.avro", "fields": [
    {"name": "underlying", "type": "string"},
    {"name": "expiry", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "forward", "type": "double"},
    {"name": "timeToExpiry", "type": "double"},
    {"name": "atmVol", "type": "double"},
    {"name": "rr25", "type": ["null", "double"], "default": null},
    {"name": "bf25", "type": ["null", "double"], "default": null},
    {"name": "sviA", "type": ["null", "double"], "default": null},
    {"name": "sviB", "type": ["null", "double"], "default": null},
    {"name": "sviRho", "type": ["null", "double"], "default": null},
    {"name": "sviM", "type": ["null", "double"], "default": null},
    {"name": "sviSigma", "type": ["null", "double"], "default": null},
    {"name": "points", "type": "int"},
    {"name": "rmse", "type": "double"},
    {"name": "asOf", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]}'
);

CREATE TABLE rejected (
  kafka_key BYTES,
  sourceTopic STRING NOT NULL,
  `partition` INT NOT NULL,
  `offset` BIGINT NOT NULL,
  reason STRING NOT NULL,
  detail STRING NOT NULL,
  payload BYTES NOT NULL,
  eventTime TIMESTAMP(3) NOT NULL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR eventTime AS eventTime - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'rejected',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'ballast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'key.format' = 'raw',
  'key.fields' = 'kafka_key',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = 'http://localhost:8081',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.avro-confluent.schema' = '{"type": "record", "name": "RejectedRecord", "namespace": "io.ballast.avro", "fields": [
    {"name": "sourceTopic", "type": "string"},
    {"name": "partition", "type": "int"},
    {"name": "offset", "type": "long"},
    {"name": "reason", "type": "string"},
    {"name": "detail", "type": "string"},
    {"name": "payload", "type": "bytes"},
    {"name": "eventTime", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]}'
);

CREATE TABLE portfolio_risk (
  kafka_key STRING,
  providerId STRING NOT NULL,
  asOf TIMESTAMP(3) NOT NULL,
  `sequence` BIGINT NOT NULL,
  underlyings ARRAY<ROW<underlying STRING NOT NULL, referencePrice DOUBLE NOT NULL, netDelta DOUBLE NOT NULL,
    deltaUsd DOUBLE NOT NULL, dollarGamma DOUBLE NOT NULL, vega DOUBLE NOT NULL, theta DOUBLE NOT NULL,
    optionValue DOUBLE NOT NULL, linearPnl DOUBLE NOT NULL, unpricedPositions INT NOT NULL> NOT NULL> NOT NULL,
  deltaUsd DOUBLE NOT NULL,
  dollarGamma DOUBLE NOT NULL,
  vega DOUBLE NOT NULL,
  theta DOUBLE NOT NULL,
  collateralValue DOUBLE NOT NULL,
  unvaluedAssets ARRAY<STRING NOT NULL> NOT NULL,
  unvaluedHoldings INT NOT NULL,
  equity DOUBLE NOT NULL,
  realizedPnl DOUBLE NOT NULL,
  unrealizedPnl DOUBLE NOT NULL,
  fees DOUBLE NOT NULL,
  `explain` ROW<since TIMESTAMP(3) NOT NULL, total DOUBLE NOT NULL, delta DOUBLE NOT NULL, gamma DOUBLE NOT NULL,
    vega DOUBLE NOT NULL, theta DOUBLE NOT NULL, unexplained DOUBLE NOT NULL> NOT NULL,
  scenarios ROW<spotShocks ARRAY<DOUBLE NOT NULL> NOT NULL, volShocks ARRAY<DOUBLE NOT NULL> NOT NULL,
    grid ARRAY<DOUBLE NOT NULL> NOT NULL, worstLoss DOUBLE NOT NULL, worstSpotShock DOUBLE NOT NULL,
    worstVolShock DOUBLE NOT NULL> NOT NULL,
  `margin` DOUBLE NOT NULL,
  marginUsage DOUBLE,
  liquidationMoveDown DOUBLE,
  liquidationMoveUp DOUBLE,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR asOf AS asOf - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'portfolio-risk',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'ballast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'key.format' = 'raw',
  'key.fields' = 'kafka_key',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = 'http://localhost:8081',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.avro-confluent.schema' = '{"type": "record", "name": "PortfolioRisk", "namespace": "io.ballast.avro", "fields": [
    {"name": "providerId", "type": "string"},
    {"name": "asOf", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "sequence", "type": "long"},
    {"name": "underlyings", "type": {"type": "array", "items": {"type": "record", "name": "UnderlyingRisk", "fields": [
      {"name": "underlying", "type": "string"},
      {"name": "referencePrice", "type": "double"},
      {"name": "netDelta", "type": "double"},
      {"name": "deltaUsd", "type": "double"},
      {"name": "dollarGamma", "type": "double"},
      {"name": "vega", "type": "double"},
      {"name": "theta", "type": "double"},
      {"name": "optionValue", "type": "double"},
      {"name": "linearPnl", "type": "double"},
      {"name": "unpricedPositions", "type": "int"}
    ]}}, "default": []},
    {"name": "deltaUsd", "type": "double"},
    {"name": "dollarGamma", "type": "double"},
    {"name": "vega", "type": "double"},
    {"name": "theta", "type": "double"},
    {"name": "collateralValue", "type": "double"},
    {"name": "unvaluedAssets", "type": {"type": "array", "items": "string"}, "default": []},
    {"name": "unvaluedHoldings", "type": "int", "default": 0},
    {"name": "equity", "type": "double"},
    {"name": "realizedPnl", "type": "double"},
    {"name": "unrealizedPnl", "type": "double"},
    {"name": "fees", "type": "double"},
    {"name": "explain", "type": {"type": "record", "name": "PnlAttribution", "fields": [
      {"name": "since", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "total", "type": "double"},
      {"name": "delta", "type": "double"},
      {"name": "gamma", "type": "double"},
      {"name": "vega", "type": "double"},
      {"name": "theta", "type": "double"},
      {"name": "unexplained", "type": "double"}
    ]}},
    {"name": "scenarios", "type": {"type": "record", "name": "StressGrid", "fields": [
      {"name": "spotShocks", "type": {"type": "array", "items": "double"}},
      {"name": "volShocks", "type": {"type": "array", "items": "double"}},
      {"name": "grid", "type": {"type": "array", "items": "double"}},
      {"name": "worstLoss", "type": "double"},
      {"name": "worstSpotShock", "type": "double"},
      {"name": "worstVolShock", "type": "double"}
    ]}},
    {"name": "margin", "type": "double"},
    {"name": "marginUsage", "type": ["null", "double"], "default": null},
    {"name": "liquidationMoveDown", "type": ["null", "double"], "default": null},
    {"name": "liquidationMoveUp", "type": ["null", "double"], "default": null}
  ]}'
);
