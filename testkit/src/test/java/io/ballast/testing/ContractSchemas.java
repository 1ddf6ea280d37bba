package io.ballast.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.avro.Schema;

/**
 * The contract's Avro schemas as written in the {@code .avsc} files (which the schemas jar carries
 * under {@code avro/io/ballast/avro/}), parsed together so that named types resolve.
 * {@code schema.toString()} is then self-contained (Instrument, Side inlined): what a third-party
 * client without a multi-file parser needs. Unlike {@code Quote.getClassSchema()}, it has no
 * {@code avro.java.string} properties.
 */
public final class ContractSchemas {

    private static final String RESOURCE_DIR = "avro/io/ballast/avro/";
    /** Files that define types others use: parsed first. */
    private static final List<String> SHARED_TYPES = List.of("Side", "Instrument");

    private ContractSchemas() {
    }

    /** The record or enum {@code io.ballast.avro.<name>}, e.g. "Quote". */
    public static Schema schema(String name) {
        Schema.Parser parser = new Schema.Parser();
        for (String shared : SHARED_TYPES) {
            parse(parser, shared);
        }
        if (!SHARED_TYPES.contains(name)) {
            parse(parser, name);
        }
        Schema schema = parser.getTypes().get("io.ballast.avro." + name);
        if (schema == null) {
            throw new IllegalArgumentException("No contract type io.ballast.avro." + name);
        }
        return schema;
    }

    /** {@link #schema(String)} as self-contained JSON. */
    public static String selfContainedJson(String name) {
        return schema(name).toString();
    }

    private static void parse(Schema.Parser parser, String name) {
        String resource = RESOURCE_DIR + name + ".avsc";
        try (InputStream in = ContractSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No " + resource + " on the class path (ballast-schemas jar)");
            }
            parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + resource, e);
        }
    }
}
