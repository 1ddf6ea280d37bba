package io.ballast.serde;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.List;

/**
 * The snapshot of a stateless hand-written serializer: it records the byte layout the serializer
 * writes (the records and fields it covers, in order), and a restored serializer is compatible as is
 * only with the very same layout. Nothing else is configurable. Subclasses have a public no-arg
 * constructor, for Flink to instantiate them when reading a snapshot.
 *
 * <p>The snapshot (version 1) is the layout as a UTF string: {@code format<n> Record(field,...)...},
 * where n is {@link Wire#FORMAT}, the encoding of strings, doubles and so on.
 */
public abstract class LayoutSnapshot<T> implements TypeSerializerSnapshot<T> {

    private static final int VERSION = 1;

    /** The layout of the serializer this snapshot was taken of or read from. */
    private String layout;

    protected LayoutSnapshot() {
        this.layout = currentLayout();
    }

    /** The layout the current serializer writes. */
    protected abstract String currentLayout();

    /** A serializer writing {@link #currentLayout()}. */
    protected abstract TypeSerializer<T> currentSerializer();

    @Override
    public int getCurrentVersion() {
        return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeUTF(layout);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != VERSION) {
            throw new IOException(getClass().getName() + ": unknown snapshot version " + readVersion);
        }
        layout = in.readUTF();
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        if (!layout.equals(currentLayout())) {
            throw new IllegalStateException("Data written in layout " + layout + " cannot be read by this version, which writes "
                    + currentLayout());
        }
        return currentSerializer();
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
        return old.getClass() == getClass() && ((LayoutSnapshot<T>) old).layout.equals(layout)
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.incompatible();
    }

    /** {@code format<n> Record(field,...)Record(field,...)...}: each record is a name and its fields. */
    static String layoutOf(String... records) {
        return "format" + Wire.FORMAT + " " + String.join("", records);
    }

    /** {@code Record(field,field,...)} */
    static String record(String name, List<String> fields) {
        return name + "(" + String.join(",", fields) + ")";
    }
}
