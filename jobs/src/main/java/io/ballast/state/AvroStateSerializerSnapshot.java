package io.ballast.state;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot;
import org.apache.flink.util.StringUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink's {@link AvroSerializerSnapshot}, written and read exactly as it is (so savepoints with either
 * restore into the other), that turns an incompatible restore into an {@link IncompatibleStateException}
 * naming the state, its type and every incompatibility Avro's schema resolution found (which field,
 * what type it had, what it has now). Flink alone fails with "The new state serializer ... must not be
 * incompatible with the old state serializer" and restarts the job for ever.
 *
 * <p>Compatibility is Flink's: the same schema, or one that can read the old (fields added with
 * defaults, removed, or promoted as Avro allows) is restored, migrating the state if needed.
 */
public final class AvroStateSerializerSnapshot<T> extends AvroSerializerSnapshot<T> {

    private static final Pattern FIELD = Pattern.compile("^/fields/(\\d+)");

    /** Where the state lives; null when this snapshot was read from a savepoint (it is not written). */
    private final String state;

    /** For Flink, which instantiates snapshots read from a savepoint. */
    public AvroStateSerializerSnapshot() {
        this.state = null;
    }

    AvroStateSerializerSnapshot(AvroSerializerSnapshot<T> of, Class<T> type, String state) {
        this.state = state;
        try {
            DataOutputSerializer out = new DataOutputSerializer(512);
            of.writeSnapshot(out);
            readSnapshot(of.getCurrentVersion(), new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()),
                    type.getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> previous) {
        TypeSerializerSchemaCompatibility<T> result = super.resolveSchemaCompatibility(previous);
        if (result.isIncompatible()) {
            throw new IncompatibleStateException(explain(previous));
        }
        return result;
    }

    private String explain(TypeSerializerSnapshot<T> previous) {
        Schema now = schemaOf(this);
        String where = "State '" + (state == null ? "?" : state) + "' (" + now.getFullName() + ")";
        String advice = ". A state type may only change compatibly (add fields with defaults; never rename or retype"
                + " one); restore with the version that wrote the state, or start without it.";
        if (!(previous instanceof AvroSerializerSnapshot)) {
            return where + " in the checkpoint or savepoint was written by " + previous.getClass().getName()
                    + ", not as Avro, and cannot be read by this version" + advice;
        }
        Schema then = schemaOf((AvroSerializerSnapshot<?>) previous);
        List<String> problems = new ArrayList<>();
        for (SchemaCompatibility.Incompatibility i
                : SchemaCompatibility.checkReaderWriterCompatibility(now, then).getResult().getIncompatibilities()) {
            problems.add(field(now, then, i.getLocation()) + i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
        }
        return where + " in the checkpoint or savepoint was written with a schema this version cannot read: "
                + String.join("; ", problems) + advice + " Schema in the savepoint: " + then + "; schema now: " + now;
    }

    /** "field 'x' (was "long", now "string"): " for a location inside a top-level field, else "". */
    private static String field(Schema now, Schema then, String location) {
        Matcher m = FIELD.matcher(location);
        if (now.getType() != Schema.Type.RECORD || !m.find()) {
            return "";
        }
        int index = Integer.parseInt(m.group(1));
        if (index >= now.getFields().size()) {
            return "";
        }
        Schema.Field f = now.getFields().get(index);
        Schema.Field before = then.getType() == Schema.Type.RECORD ? then.getField(f.name()) : null;
        return "field '" + f.name() + "' (" + (before == null ? "new" : "was " + before.schema()) + ", now " + f.schema()
                + "): ";
    }

    /** The schema a snapshot records, read from its own serialized form (the only public view of it). */
    static Schema schemaOf(AvroSerializerSnapshot<?> snapshot) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(512);
            snapshot.writeSnapshot(out);
            DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
            StringUtils.readString(in); // the runtime type
            return new Schema.Parser().parse(StringUtils.readString(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
