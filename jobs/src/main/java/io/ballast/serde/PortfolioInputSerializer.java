package io.ballast.serde;

import io.ballast.avro.Collateral;
import io.ballast.avro.internal.BookSummary;
import io.ballast.avro.internal.PortfolioInput;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * Serializes a {@link PortfolioInput} (a book's summary or a collateral change) between the inventory and
 * portfolio stages, field by field, instead of Flink's Avro serializer: one goes out on every mark of
 * every book while the portfolio is on. Layout: providerId, one flags byte (presence of summary, holding,
 * collateral); the summary: providerId, underlying, asOf, a flags byte (fill, presence of referencePrice,
 * scenarioSet, scenarioFills), then every value in schema order, ints as ints, doubles as raw bits, bytes
 * as a var-int length and the bytes; the holding (UTF-8); the collateral: providerId, venue, asset, amount,
 * updatedAt (epoch ms).
 *
 * <p>Written for the schemas whose fields are {@link #INPUT_FIELDS}, {@link #SUMMARY_FIELDS} and
 * {@link #COLLATERAL_FIELDS}: a test fails when a schema changes, so that this serializer changes with it.
 */
public final class PortfolioInputSerializer extends NetworkSerializer<PortfolioInput> {

    private static final long serialVersionUID = 1L;

    public static final PortfolioInputSerializer INSTANCE = new PortfolioInputSerializer();

    public static final List<String> INPUT_FIELDS = List.of("providerId", "summary", "holding", "collateral");
    public static final List<String> SUMMARY_FIELDS = List.of("providerId", "underlying", "asOf", "fill",
            "referencePrice", "netDelta", "dollarGamma", "vega", "theta", "optionValue", "spotValue", "linearPnl",
            "positions", "unpricedPositions", "realizedPnl", "unrealizedPnl", "fees", "explainTo", "explainTotal",
            "explainDelta", "explainGamma", "explainVega", "explainTheta", "columnAsOf", "scenarioSet", "scenarioFills");
    public static final List<String> COLLATERAL_FIELDS = List.of("providerId", "venue", "asset", "amount", "updatedAt");

    private static final int SUMMARY = 1;
    private static final int HOLDING = 1 << 1;
    private static final int COLLATERAL = 1 << 2;

    private static final int FILL = 1;
    private static final int REFERENCE_PRICE = 1 << 1;
    private static final int SCENARIO_SET = 1 << 2;
    private static final int SCENARIO_FILLS = 1 << 3;

    private PortfolioInputSerializer() {
    }

    @Override
    public void serialize(PortfolioInput in, DataOutputView out) throws IOException {
        Wire.writeString(out, in.getProviderId());
        BookSummary s = in.getSummary();
        String holding = in.getHolding();
        Collateral c = in.getCollateral();
        out.writeByte((s != null ? SUMMARY : 0) | (holding != null ? HOLDING : 0) | (c != null ? COLLATERAL : 0));
        if (s != null) {
            writeSummary(s, out);
        }
        if (holding != null) {
            Wire.writeString(out, holding);
        }
        if (c != null) {
            Wire.writeString(out, c.getProviderId());
            Wire.writeString(out, c.getVenue());
            Wire.writeString(out, c.getAsset());
            Wire.writeDouble(out, c.getAmount());
            out.writeLong(c.getUpdatedAt().toEpochMilli());
        }
    }

    private static void writeSummary(BookSummary s, DataOutputView out) throws IOException {
        Wire.writeString(out, s.getProviderId());
        Wire.writeString(out, s.getUnderlying());
        out.writeLong(s.getAsOf());
        Double price = s.getReferencePrice();
        ByteBuffer set = s.getScenarioSet();
        ByteBuffer fills = s.getScenarioFills();
        out.writeByte((s.getFill() ? FILL : 0) | (price != null ? REFERENCE_PRICE : 0)
                | (set != null ? SCENARIO_SET : 0) | (fills != null ? SCENARIO_FILLS : 0));
        if (price != null) {
            Wire.writeDouble(out, price);
        }
        Wire.writeDouble(out, s.getNetDelta());
        Wire.writeDouble(out, s.getDollarGamma());
        Wire.writeDouble(out, s.getVega());
        Wire.writeDouble(out, s.getTheta());
        Wire.writeDouble(out, s.getOptionValue());
        Wire.writeDouble(out, s.getSpotValue());
        Wire.writeDouble(out, s.getLinearPnl());
        out.writeInt(s.getPositions());
        out.writeInt(s.getUnpricedPositions());
        Wire.writeDouble(out, s.getRealizedPnl());
        Wire.writeDouble(out, s.getUnrealizedPnl());
        Wire.writeDouble(out, s.getFees());
        out.writeLong(s.getExplainTo());
        Wire.writeDouble(out, s.getExplainTotal());
        Wire.writeDouble(out, s.getExplainDelta());
        Wire.writeDouble(out, s.getExplainGamma());
        Wire.writeDouble(out, s.getExplainVega());
        Wire.writeDouble(out, s.getExplainTheta());
        out.writeLong(s.getColumnAsOf());
        if (set != null) {
            writeBytes(out, set);
        }
        if (fills != null) {
            writeBytes(out, fills);
        }
    }

    private static void writeBytes(DataOutputView out, ByteBuffer b) throws IOException {
        ByteBuffer view = b.duplicate();
        Wire.writeVarInt(out, view.remaining());
        if (view.hasArray()) {
            out.write(view.array(), view.arrayOffset() + view.position(), view.remaining());
        } else {
            byte[] copy = new byte[view.remaining()];
            view.get(copy);
            out.write(copy);
        }
    }

    private static ByteBuffer readBytes(DataInputView in) throws IOException {
        byte[] b = new byte[Wire.readVarInt(in)];
        in.readFully(b);
        return ByteBuffer.wrap(b);
    }

    @Override
    public PortfolioInput deserialize(DataInputView in) throws IOException {
        PortfolioInput p = new PortfolioInput();
        p.setProviderId(Wire.readString(in));
        int flags = in.readUnsignedByte();
        if ((flags & SUMMARY) != 0) {
            p.setSummary(readSummary(in));
        }
        if ((flags & HOLDING) != 0) {
            p.setHolding(Wire.readString(in));
        }
        if ((flags & COLLATERAL) != 0) {
            p.setCollateral(new Collateral(Wire.readString(in), Wire.readString(in), Wire.readString(in),
                    Wire.readDouble(in), Instant.ofEpochMilli(in.readLong())));
        }
        return p;
    }

    private static BookSummary readSummary(DataInputView in) throws IOException {
        BookSummary s = new BookSummary();
        s.setProviderId(Wire.readString(in));
        s.setUnderlying(Wire.readString(in));
        s.setAsOf(in.readLong());
        int flags = in.readUnsignedByte();
        s.setFill((flags & FILL) != 0);
        s.setReferencePrice((flags & REFERENCE_PRICE) != 0 ? Wire.readDouble(in) : null);
        s.setNetDelta(Wire.readDouble(in));
        s.setDollarGamma(Wire.readDouble(in));
        s.setVega(Wire.readDouble(in));
        s.setTheta(Wire.readDouble(in));
        s.setOptionValue(Wire.readDouble(in));
        s.setSpotValue(Wire.readDouble(in));
        s.setLinearPnl(Wire.readDouble(in));
        s.setPositions(in.readInt());
        s.setUnpricedPositions(in.readInt());
        s.setRealizedPnl(Wire.readDouble(in));
        s.setUnrealizedPnl(Wire.readDouble(in));
        s.setFees(Wire.readDouble(in));
        s.setExplainTo(in.readLong());
        s.setExplainTotal(Wire.readDouble(in));
        s.setExplainDelta(Wire.readDouble(in));
        s.setExplainGamma(Wire.readDouble(in));
        s.setExplainVega(Wire.readDouble(in));
        s.setExplainTheta(Wire.readDouble(in));
        s.setColumnAsOf(in.readLong());
        s.setScenarioSet((flags & SCENARIO_SET) != 0 ? readBytes(in) : null);
        s.setScenarioFills((flags & SCENARIO_FILLS) != 0 ? readBytes(in) : null);
        return s;
    }

    @Override
    public PortfolioInput copy(PortfolioInput from) {
        return SpecificData.get().deepCopy(PortfolioInput.getClassSchema(), from);
    }

    @Override
    public PortfolioInput createInstance() {
        return new PortfolioInput();
    }

    @Override
    public TypeSerializer<PortfolioInput> duplicate() {
        return this;
    }

    @Override
    public TypeSerializerSnapshot<PortfolioInput> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The layout of {@link PortfolioInputSerializer}; see {@link LayoutSnapshot}. */
    public static final class Snapshot extends LayoutSnapshot<PortfolioInput> {

        public Snapshot() {
        }

        @Override
        protected String currentLayout() {
            return layoutOf(record("PortfolioInput", INPUT_FIELDS), record("BookSummary", SUMMARY_FIELDS),
                    record("Collateral", COLLATERAL_FIELDS));
        }

        @Override
        protected TypeSerializer<PortfolioInput> currentSerializer() {
            return INSTANCE;
        }
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
