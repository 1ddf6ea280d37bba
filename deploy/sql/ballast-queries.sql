-- Example queries over the tables of ballast-outputs.sql (run that file first). Each query is named by
-- the "-- name:" line above it; OutputsSqlITCase runs every one of them against what the job wrote and
-- checks its result against the records read with a plain Kafka consumer.
-- The test runs them in batch mode over a bounded read ('scan.bounded.mode' = 'latest-offset'). They are
-- also valid continuous queries in streaming mode (the window aggregation then emits each minute once
-- the watermark passes its end; the others emit updates), which the test does not run.

-- name: latest_risk
-- The latest risk of every book (provider and underlying): the record with the highest sequence.
SELECT providerId, underlying, netDelta, pendingHedge, dollarGamma, vega, positions, `sequence`, asOf
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY providerId, underlying ORDER BY `sequence` DESC) AS rn
  FROM inventory_risk
)
WHERE rn = 1;

-- name: latest_risk_by_expiry
-- The option greeks of every book's latest record by expiry: one row per element of byExpiry (UNNEST).
SELECT r.providerId, r.underlying, r.`sequence`, e.expiry, e.netDelta, e.dollarGamma, e.vega, e.theta
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY providerId, underlying ORDER BY `sequence` DESC) AS rn
  FROM inventory_risk
) AS r
CROSS JOIN UNNEST(r.byExpiry) AS e (expiry, netDelta, dollarGamma, vega, theta)
WHERE r.rn = 1;

-- name: signals_per_minute
-- Signals per minute of event time, by type and status.
SELECT window_start, `type`, status, COUNT(*) AS signals
FROM TABLE(TUMBLE(TABLE rebalance_signals, DESCRIPTOR(eventTime), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, `type`, status;

-- name: hedge_orders
-- The orders a router executes: DELTA_HEDGE actions, with their ids.
SELECT signalId, providerId, instrument, side, quantity, eventTime
FROM rebalance_signals
WHERE `type` = 'DELTA_HEDGE' AND status = 'ACTION';

-- name: latest_smile
-- The latest smile of every underlying and expiry: the last one written (one key, one partition).
SELECT underlying, expiry, atmVol, rr25, bf25, points, asOf
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY underlying, expiry ORDER BY kafka_offset DESC) AS rn
  FROM vol_skew
)
WHERE rn = 1;

-- name: rejects_by_reason
-- Rejected input records by source topic and reason code.
SELECT sourceTopic, reason, COUNT(*) AS records
FROM rejected
GROUP BY sourceTopic, reason;

-- name: latest_portfolio
-- The latest portfolio of every provider: equity, margin (the stress grid's worst loss) and its usage,
-- the distances to liquidation, and how many underlyings and unvalued collateral assets it has.
SELECT providerId, `sequence`, asOf, equity, collateralValue, `margin`, marginUsage,
  scenarios.worstLoss AS worstLoss, scenarios.worstSpotShock AS worstSpotShock,
  liquidationMoveDown, liquidationMoveUp, `explain`.total AS pnlToday,
  CARDINALITY(underlyings) AS underlyingCount, CARDINALITY(unvaluedAssets) AS unvaluedAssetCount
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY providerId ORDER BY `sequence` DESC) AS rn
  FROM portfolio_risk
)
WHERE rn = 1;
