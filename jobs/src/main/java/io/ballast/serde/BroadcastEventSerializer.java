package io.ballast.serde;

import io.ballast.avro.RiskLimits;
import io.ballast.avro.internal.LinearMark;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.OptionIv;
import io.ballast.avro.internal.SmileParams;
import io.ballast.domain.BroadcastEvent;
import io.ballast.domain.LimitsUpdate;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serializes a {@link BroadcastEvent} from the market stage to every inventory subtask. The market
 * snapshot, which is most of the traffic (one {@link OptionIv} per listed option), is written field
 * by field; the rare limits change is a key, an offset and its {@link RiskLimits} in Avro binary
 * (Flink's {@link AvroSerializer}, which makes this serializer stateful: {@link #duplicate()} gives a
 * new one).
 *
 * <p>Layout: a flags byte (market present, limits present, limits not a deletion); the snapshot:
 * underlying, version, asOf, a flags byte (presence of referencePrice and realizedVol) and those
 * present, rate, the smiles (count, then each), the options and the linear marks (count, then key and
 * value each: kind, mid, multiplier, eventTime, a flags byte (inverse, contractValue present) and contractValue; an option: a flags byte (presence of iv, forward, mid, bid, ask, strike, call, and call's
 * value), a boolean (expiry present), those present, then multiplier), ingestMicros; the limits: key, offset, limits. Strings are UTF-8, doubles raw bits,
 * maps are read into {@link HashMap}s.
 *
 * <p>Written for the schemas whose fields are the {@code *_FIELDS} lists: a test fails when one of them
 * changes, so that this serializer changes with it. A null in a field the schema does not allow null in
 * fails as it does with Avro, except for strings.
 */
public final class BroadcastEventSerializer extends NetworkSerializer<BroadcastEvent> {

    private static final long serialVersionUID = 1L;

    public static final List<String> SNAPSHOT_FIELDS = List.of("underlying", "version", "asOf", "referencePrice",
            "realizedVol", "rate", "smiles", "options", "linear", "ingestMicros");
    public static final List<String> OPTION_FIELDS = List.of("iv", "forward", "mid", "bid", "ask", "strike", "expiry",
            "call", "multiplier");
    public static final List<String> LINEAR_FIELDS = List.of("kind", "mid", "multiplier", "eventTime", "inverse",
            "contractValue");
    public static final List<String> SMILE_FIELDS = List.of("expiry", "forward", "timeToExpiry", "svi", "a", "b", "rho",
            "m", "sigma", "minStrike", "maxStrike", "points", "rmse", "asOf");

    private static final int MARKET = 1;
    private static final int LIMITS = 1 << 1;
    private static final int LIMITS_SET = 1 << 2;

    private static final int FIRST = 1;
    private static final int SECOND = 1 << 1;
    private static final int THIRD = 1 << 2;
    private static final int FOURTH = 1 << 3;
    private static final int FIFTH = 1 << 4;
    private static final int SIXTH = 1 << 5;
    private static final int SEVENTH = 1 << 6;
    private static final int CALL_TRUE = 1 << 7;

    private final AvroSerializer<RiskLimits> limits = new AvroSerializer<>(RiskLimits.class);

    public BroadcastEventSerializer() {
    }

    // --------------------------------------------------------------------------------- writing

    @Override
    public void serialize(BroadcastEvent e, DataOutputView out) throws IOException {
        MarketSnapshot market = e.getMarket();
        LimitsUpdate update = e.getLimits();
        out.writeByte((market != null ? MARKET : 0) | (update != null ? LIMITS : 0)
                | (update != null && update.getLimits() != null ? LIMITS_SET : 0));
        if (market != null) {
            writeSnapshot(market, out);
        }
        if (update != null) {
            Wire.writeString(out, update.getKey());
            out.writeLong(update.getOffset());
            if (update.getLimits() != null) {
                limits.serialize(update.getLimits(), out);
            }
        }
    }

    private static void writeSnapshot(MarketSnapshot s, DataOutputView out) throws IOException {
        Wire.writeString(out, s.getUnderlying());
        out.writeLong(s.getVersion());
        out.writeLong(s.getAsOf());
        Double reference = s.getReferencePrice();
        Double realized = s.getRealizedVol();
        out.writeByte((reference != null ? FIRST : 0) | (realized != null ? SECOND : 0));
        if (reference != null) {
            Wire.writeDouble(out, reference);
        }
        if (realized != null) {
            Wire.writeDouble(out, realized);
        }
        Wire.writeDouble(out, s.getRate());
        List<SmileParams> smiles = s.getSmiles();
        out.writeInt(smiles.size());
        for (SmileParams p : smiles) {
            writeSmile(p, out);
        }
        Map<String, OptionIv> options = s.getOptions();
        out.writeInt(options.size());
        for (Map.Entry<String, OptionIv> o : options.entrySet()) {
            Wire.writeString(out, o.getKey());
            writeOption(o.getValue(), out);
        }
        Map<String, LinearMark> linear = s.getLinear();
        out.writeInt(linear.size());
        for (Map.Entry<String, LinearMark> l : linear.entrySet()) {
            Wire.writeString(out, l.getKey());
            LinearMark m = l.getValue();
            Wire.writeKind(out, m.getKind());
            Wire.writeDouble(out, m.getMid());
            Wire.writeDouble(out, m.getMultiplier());
            out.writeLong(m.getEventTime());
            // inverse and contractValue: a byte (0 linear, 1 inverse without, 3 inverse with a contract value)
            Double cv = m.getContractValue();
            out.writeByte((m.getInverse() ? 1 : 0) | (cv != null ? 2 : 0));
            if (cv != null) {
                Wire.writeDouble(out, cv);
            }
        }
        out.writeLong(s.getIngestMicros());
    }

    private static void writeOption(OptionIv o, DataOutputView out) throws IOException {
        Double iv = o.getIv();
        Double forward = o.getForward();
        Double mid = o.getMid();
        Double bid = o.getBid();
        Double ask = o.getAsk();
        Double strike = o.getStrike();
        Long expiry = o.getExpiry();
        Boolean call = o.getCall();
        out.writeByte((iv != null ? FIRST : 0) | (forward != null ? SECOND : 0) | (mid != null ? THIRD : 0)
                | (bid != null ? FOURTH : 0) | (ask != null ? FIFTH : 0) | (strike != null ? SIXTH : 0)
                | (call != null ? SEVENTH : 0) | (call != null && call ? CALL_TRUE : 0));
        out.writeBoolean(expiry != null);
        if (iv != null) {
            Wire.writeDouble(out, iv);
        }
        if (forward != null) {
            Wire.writeDouble(out, forward);
        }
        if (mid != null) {
            Wire.writeDouble(out, mid);
        }
        if (bid != null) {
            Wire.writeDouble(out, bid);
        }
        if (ask != null) {
            Wire.writeDouble(out, ask);
        }
        if (strike != null) {
            Wire.writeDouble(out, strike);
        }
        if (expiry != null) {
            out.writeLong(expiry);
        }
        Wire.writeDouble(out, o.getMultiplier());
    }

    private static void writeSmile(SmileParams p, DataOutputView out) throws IOException {
        out.writeLong(p.getExpiry());
        Wire.writeDouble(out, p.getForward());
        Wire.writeDouble(out, p.getTimeToExpiry());
        out.writeBoolean(p.getSvi());
        Wire.writeDouble(out, p.getA());
        Wire.writeDouble(out, p.getB());
        Wire.writeDouble(out, p.getRho());
        Wire.writeDouble(out, p.getM());
        Wire.writeDouble(out, p.getSigma());
        Wire.writeDouble(out, p.getMinStrike());
        Wire.writeDouble(out, p.getMaxStrike());
        out.writeInt(p.getPoints());
        Wire.writeDouble(out, p.getRmse());
        out.writeLong(p.getAsOf());
    }

    // --------------------------------------------------------------------------------- reading

    @Override
    public BroadcastEvent deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        BroadcastEvent e = new BroadcastEvent();
        if ((flags & MARKET) != 0) {
            e.setMarket(readSnapshot(in));
        }
        if ((flags & LIMITS) != 0) {
            String key = Wire.readString(in);
            long offset = in.readLong();
            e.setLimits(new LimitsUpdate(key, (flags & LIMITS_SET) != 0 ? limits.deserialize(in) : null, offset));
        }
        return e;
    }

    private static MarketSnapshot readSnapshot(DataInputView in) throws IOException {
        MarketSnapshot s = new MarketSnapshot();
        s.setUnderlying(Wire.readString(in));
        s.setVersion(in.readLong());
        s.setAsOf(in.readLong());
        int flags = in.readUnsignedByte();
        s.setReferencePrice((flags & FIRST) != 0 ? Wire.readDouble(in) : null);
        s.setRealizedVol((flags & SECOND) != 0 ? Wire.readDouble(in) : null);
        s.setRate(Wire.readDouble(in));
        int n = readCount(in);
        List<SmileParams> smiles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            smiles.add(readSmile(in));
        }
        s.setSmiles(smiles);
        n = readCount(in);
        Map<String, OptionIv> options = new HashMap<>(capacity(n));
        for (int i = 0; i < n; i++) {
            options.put(Wire.readString(in), readOption(in));
        }
        s.setOptions(options);
        n = readCount(in);
        Map<String, LinearMark> linear = new HashMap<>(capacity(n));
        for (int i = 0; i < n; i++) {
            String key = Wire.readString(in);
            LinearMark m = new LinearMark();
            m.setKind(Wire.readKind(in));
            m.setMid(Wire.readDouble(in));
            m.setMultiplier(Wire.readDouble(in));
            m.setEventTime(in.readLong());
            int inverse = in.readUnsignedByte();
            m.setInverse((inverse & 1) != 0);
            m.setContractValue((inverse & 2) != 0 ? Wire.readDouble(in) : null);
            linear.put(key, m);
        }
        s.setLinear(linear);
        s.setIngestMicros(in.readLong());
        return s;
    }

    private static OptionIv readOption(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        boolean hasExpiry = in.readBoolean();
        OptionIv o = new OptionIv();
        o.setIv((flags & FIRST) != 0 ? Wire.readDouble(in) : null);
        o.setForward((flags & SECOND) != 0 ? Wire.readDouble(in) : null);
        o.setMid((flags & THIRD) != 0 ? Wire.readDouble(in) : null);
        o.setBid((flags & FOURTH) != 0 ? Wire.readDouble(in) : null);
        o.setAsk((flags & FIFTH) != 0 ? Wire.readDouble(in) : null);
        o.setStrike((flags & SIXTH) != 0 ? Wire.readDouble(in) : null);
        o.setCall((flags & SEVENTH) != 0 ? (flags & CALL_TRUE) != 0 : null);
        o.setExpiry(hasExpiry ? in.readLong() : null);
        o.setMultiplier(Wire.readDouble(in));
        return o;
    }

    private static SmileParams readSmile(DataInputView in) throws IOException {
        SmileParams p = new SmileParams();
        p.setExpiry(in.readLong());
        p.setForward(Wire.readDouble(in));
        p.setTimeToExpiry(Wire.readDouble(in));
        p.setSvi(in.readBoolean());
        p.setA(Wire.readDouble(in));
        p.setB(Wire.readDouble(in));
        p.setRho(Wire.readDouble(in));
        p.setM(Wire.readDouble(in));
        p.setSigma(Wire.readDouble(in));
        p.setMinStrike(Wire.readDouble(in));
        p.setMaxStrike(Wire.readDouble(in));
        p.setPoints(in.readInt());
        p.setRmse(Wire.readDouble(in));
        p.setAsOf(in.readLong());
        return p;
    }

    private static int readCount(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("Negative element count " + n + ": corrupt BroadcastEvent");
        }
        return n;
    }

    /** A HashMap capacity holding n entries without rehashing. */
    private static int capacity(int n) {
        return n < 3 ? n + 1 : (int) (n / 0.75f) + 1;
    }

    // ----------------------------------------------------------------------------------- other

    @Override
    public BroadcastEvent copy(BroadcastEvent from) {
        BroadcastEvent e = new BroadcastEvent();
        if (from.getMarket() != null) {
            e.setMarket(SpecificData.get().deepCopy(MarketSnapshot.getClassSchema(), from.getMarket()));
        }
        LimitsUpdate u = from.getLimits();
        if (u != null) {
            RiskLimits l = u.getLimits() == null ? null : SpecificData.get().deepCopy(RiskLimits.getClassSchema(), u.getLimits());
            e.setLimits(new LimitsUpdate(u.getKey(), l, u.getOffset()));
        }
        return e;
    }

    @Override
    public BroadcastEvent createInstance() {
        return new BroadcastEvent();
    }

    @Override
    public TypeSerializer<BroadcastEvent> duplicate() {
        return new BroadcastEventSerializer();
    }

    @Override
    public TypeSerializerSnapshot<BroadcastEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The layout of {@link BroadcastEventSerializer}; see {@link LayoutSnapshot}. */
    public static final class Snapshot extends LayoutSnapshot<BroadcastEvent> {

        public Snapshot() {
        }

        @Override
        protected String currentLayout() {
            return layoutOf(record("BroadcastEvent", List.of("market", "limits")), record("MarketSnapshot", SNAPSHOT_FIELDS),
                    record("SmileParams", SMILE_FIELDS), record("OptionIv", OPTION_FIELDS), record("LinearMark", LINEAR_FIELDS),
                    record("LimitsUpdate", List.of("key", "offset", "limits")), "RiskLimits(avro)");
        }

        @Override
        protected TypeSerializer<BroadcastEvent> currentSerializer() {
            return new BroadcastEventSerializer();
        }
    }
}
