package io.ballast.domain;

import org.apache.avro.specific.SpecificRecordBase;

/** Copies of the books' state records. */
final class Records {

    private Records() {
    }

    /**
     * {@code to} with every field of {@code from}, shallow: the nested records and decimals are shared,
     * which is safe because stored records are never changed (the rule of {@link Table}). Field by field
     * through the record's own schema, so code compiled against one version of a state type copies every
     * field of a later one (the state-evolution tests run today's code with records of more fields).
     */
    static <T extends SpecificRecordBase> T copy(T from, T to) {
        int fields = from.getSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            to.put(i, from.get(i));
        }
        return to;
    }
}
