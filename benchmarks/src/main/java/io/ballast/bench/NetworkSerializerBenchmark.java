package io.ballast.bench;

import io.ballast.avro.InstrumentKind;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.SmileParams;
import io.ballast.domain.BroadcastEvent;
import io.ballast.serde.NetworkType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds to serialize and deserialize one record of the job's two network types, as the
 * network stack does (a reused output buffer, a new record read back): Flink's serializers as the
 * job had them ({@link AvroTypeInfo} for {@code MarketTick}; {@code TypeInformation.of(BroadcastEvent)},
 * a POJO serializer over Avro) against the hand-written ones ({@link NetworkType}). The records are
 * realistic: an option tick with every field set, and a BTC snapshot of 88 options (4 expiries × 11
 * strikes × call/put), 4 linear marks and 4 smiles.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class NetworkSerializerBenchmark {

  static final long T0 = 1_790_000_000_000L;
  static final String[] EXPIRIES = {"27DEC26", "26MAR27", "25JUN27", "24SEP27"};

  private final TypeSerializer<MarketTick> tickFlink =
      new AvroTypeInfo<>(MarketTick.class).createSerializer(new SerializerConfigImpl());
  private final TypeSerializer<MarketTick> tickOurs =
      NetworkType.marketTick().createSerializer(new SerializerConfigImpl());
  private final TypeSerializer<BroadcastEvent> eventFlink =
      TypeInformation.of(BroadcastEvent.class).createSerializer(new SerializerConfigImpl());
  private final TypeSerializer<BroadcastEvent> eventOurs =
      NetworkType.broadcastEvent().createSerializer(new SerializerConfigImpl());

  private final DataOutputSerializer out = new DataOutputSerializer(8192);
  private final DataInputDeserializer in = new DataInputDeserializer();

  private MarketTick tick;
  private BroadcastEvent snapshot;

  @Setup
  public void setUp() {
    tick = tick();
    snapshot = BroadcastEvent.of(snapshot());
  }

  @Benchmark
  public MarketTick tickFlink() throws IOException {
    return roundTrip(tickFlink, tick);
  }

  @Benchmark
  public MarketTick tickHandWritten() throws IOException {
    return roundTrip(tickOurs, tick);
  }

  @Benchmark
  public BroadcastEvent snapshotFlink() throws IOException {
    return roundTrip(eventFlink, snapshot);
  }

  @Benchmark
  public BroadcastEvent snapshotHandWritten() throws IOException {
    return roundTrip(eventOurs, snapshot);
  }

  private <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
    out.clear();
    serializer.serialize(value, out);
    in.setBuffer(out.getSharedBuffer(), 0, out.length());
    return serializer.deserialize(in);
  }

  /** Serialized sizes in bytes: Flink's, then the hand-written serializer's; tick then snapshot. */
  static int[] sizes() throws IOException {
    NetworkSerializerBenchmark b = new NetworkSerializerBenchmark();
    b.setUp();
    return new int[] {size(b.tickFlink, b.tick), size(b.tickOurs, b.tick),
        size(b.eventFlink, b.snapshot), size(b.eventOurs, b.snapshot)};
  }

  private static <T> int size(TypeSerializer<T> serializer, T value) throws IOException {
    DataOutputSerializer o = new DataOutputSerializer(8192);
    serializer.serialize(value, o);
    return o.length();
  }

  static MarketTick tick() {
    MarketTick t = new MarketTick();
    t.setUnderlying("BTC");
    t.setSymbol("BTC-27DEC26-100000-C");
    t.setKind(InstrumentKind.OPTION);
    t.setStrike(100_000.0);
    t.setExpiry(T0 + 40L * 86_400_000);
    t.setCall(true);
    t.setMultiplier(1.0);
    t.setMid(4_215.5);
    t.setForward(97_312.25);
    t.setIv(0.5731);
    t.setIvSolved(true);
    t.setEventTime(T0);
    t.setIngestMicros(T0 * 1000 + 417);
    return t;
  }

  static MarketSnapshot snapshot() {
    MarketSnapshot s = new MarketSnapshot();
    s.setUnderlying("BTC");
    s.setVersion(1234);
    s.setAsOf(T0);
    s.setReferencePrice(97_301.5);
    s.setRealizedVol(0.48);
    s.setRate(0.0);
    List<SmileParams> smiles = new ArrayList<>();
    Map<String, OptionIv> options = new HashMap<>();
    for (int e = 0; e < EXPIRIES.length; e++) {
      long expiry = T0 + (e + 1) * 90L * 86_400_000;
      double forward = 97_300 + 800.0 * e;
      smiles.add(new SmileParams(expiry, forward, (e + 1) * 0.25, true, 0.04, 0.1, -0.3, 0.01,
          0.2, 70_000.0, 130_000.0, 22, 0.0012, T0));
      for (int k = 0; k < 11; k++) {
        int strike = 75_000 + 5_000 * k;
        for (String right : new String[] {"C", "P"}) {
          options.put("BTC-" + EXPIRIES[e] + "-" + strike + "-" + right,
              new OptionIv(0.5 + 0.01 * k, forward, 1_000.0 + 37.5 * k, 990.0 + 37.5 * k, 1_010.0 + 37.5 * k,
                  (double) strike, expiry, right.equals("C"), 1.0));
        }
      }
    }
    s.setSmiles(smiles);
    s.setOptions(options);
    Map<String, LinearMark> linear = new HashMap<>();
    linear.put("BTC-USD", new LinearMark(InstrumentKind.SPOT, 97_301.5, 1.0, T0, false, null));
    linear.put("BTC-PERP", new LinearMark(InstrumentKind.PERPETUAL, 97_305.0, 1.0, T0, false, null));
    linear.put("BTC-27DEC26", new LinearMark(InstrumentKind.FUTURE, 98_100.0, 1.0, T0, false, null));
    linear.put("BTC-26MAR27", new LinearMark(InstrumentKind.FUTURE, 98_900.0, 1.0, T0, false, null));
    s.setLinear(linear);
    s.setIngestMicros(T0 * 1000 + 999);
    return s;
  }
}
