package io.ballast.avro;

import org.apache.avro.Schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The records of the wire contract (docs/CONTRACT.md) with their topics and directions, and the
 * self-contained schema text a registry holds for each: {@link Schema#toString()} of the generated
 * class, every named type inlined, exactly what the job registers under {@code <topic>-value}.
 *
 * <p>{@link #main} writes those texts to {@code <dir>/<Record>.avsc} at build time; they travel in the
 * {@code avsc} zip with {@code register-schemas.sh}, which registers them for registries run with the
 * job's {@code --registry.auto-register false}.
 */
public final class ContractSchemas {

    /** Whether Ballast reads or writes a topic. */
    public enum Direction { INPUT, OUTPUT }

    /** One record of the contract: its default topic (the job's {@code --topic.<topic>} default) and schema. */
    public record Entry(String topic, Direction direction, Schema schema) {

        /** The subject under the TopicNameStrategy. */
        public String subject() {
            return topic + "-value";
        }

        public String recordName() {
            return schema.getName();
        }
    }

    /** Every record of the contract, inputs first, in the order of CONTRACT.md's topic table. */
    public static final List<Entry> ALL = List.of(
            new Entry("quotes", Direction.INPUT, Quote.getClassSchema()),
            new Entry("trades", Direction.INPUT, Trade.getClassSchema()),
            new Entry("risk-limits", Direction.INPUT, RiskLimits.getClassSchema()),
            new Entry("collateral", Direction.INPUT, Collateral.getClassSchema()),
            new Entry("rebalance-signals", Direction.OUTPUT, RebalanceSignal.getClassSchema()),
            new Entry("inventory-risk", Direction.OUTPUT, RiskSnapshot.getClassSchema()),
            new Entry("vol-skew", Direction.OUTPUT, VolSkew.getClassSchema()),
            new Entry("rejected", Direction.OUTPUT, RejectedRecord.getClassSchema()),
            new Entry("portfolio-risk", Direction.OUTPUT, PortfolioRisk.getClassSchema()));

    private ContractSchemas() {
    }

    /** Writes {@code <Record>.avsc}, the registry text of each record, into the directory {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ContractSchemas <output directory>");
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (Entry e : ALL) {
            Files.writeString(dir.resolve(e.recordName() + ".avsc"), e.schema().toString() + "\n", StandardCharsets.UTF_8);
        }
    }
}
