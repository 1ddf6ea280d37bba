package io.ballast.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;

/**
 * Runs Ballast's SQL files in a batch {@link TableEnvironment}, in a JVM of its own (OutputsSqlITCase): the
 * avro-confluent format's jar cannot share a classpath with flink-avro.
 *
 * <pre>
 * SqlRunnerMain OUT.json DDL.sql QUERIES.sql BOOTSTRAP REGISTRY_URL TABLE=TOPIC...
 * </pre>
 *
 * Runs the DDL file as it is, points each named table at the test's broker, registry and topic with
 * {@code ALTER TABLE ... SET}, bounded at the latest offsets, then runs every named query of the queries
 * file and writes {"query name": {"columns": [...], "rows": [[...], ...]}} to OUT.json. Values: numbers,
 * strings, booleans, null; timestamps as {@code toString()}; bytes as base64.
 */
public final class SqlRunnerMain {

    private SqlRunnerMain() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        // Kafka and Flink threads that linger must not keep this JVM alive.
        System.exit(status);
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 6) {
            throw new IllegalArgumentException("usage: OUT.json DDL.sql QUERIES.sql BOOTSTRAP REGISTRY_URL TABLE=TOPIC...");
        }
        Path out = Path.of(args[0]);
        SqlScript ddl = SqlScript.read(Path.of(args[1]));
        SqlScript queries = SqlScript.read(Path.of(args[2]));
        String bootstrap = args[3];
        String registry = args[4];

        // One cluster for all queries (a TableEnvironment would start one per query).
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build())) {
            cluster.start();
            TestStreamEnvironment.setAsContext(cluster, 1);
            try {
                runOn(TableEnvironment.create(EnvironmentSettings.inBatchMode()), out, ddl, queries, bootstrap,
                        registry, List.of(args).subList(5, args.length));
            } finally {
                TestStreamEnvironment.unsetAsContext();
            }
        }
    }

    private static void runOn(TableEnvironment tables, Path out, SqlScript ddl, SqlScript queries, String bootstrap,
                              String registry, List<String> tableTopics) throws Exception {
        for (SqlScript.Statement s : ddl.statements()) {
            tables.executeSql(s.sql());
        }
        for (String arg : tableTopics) {
            String[] tableTopic = arg.split("=", 2);
            tables.executeSql("ALTER TABLE `" + tableTopic[0] + "` SET ("
                    + "'topic' = '" + tableTopic[1] + "', "
                    + "'properties.bootstrap.servers' = '" + bootstrap + "', "
                    + "'value.avro-confluent.url' = '" + registry + "', "
                    + "'scan.bounded.mode' = 'latest-offset')");
        }

        ObjectMapper json = new ObjectMapper();
        ObjectNode results = json.createObjectNode();
        for (SqlScript.Statement q : queries.statements()) {
            if (q.name() == null) {
                throw new IllegalArgumentException("A query without a '-- name:' line: " + q.sql());
            }
            long started = System.nanoTime();
            TableResult result = tables.executeSql(q.sql());
            ObjectNode node = results.putObject(q.name());
            ArrayNode columns = node.putArray("columns");
            List<String> names = result.getResolvedSchema().getColumnNames();
            names.forEach(columns::add);
            ArrayNode rows = node.putArray("rows");
            try (CloseableIterator<Row> it = result.collect()) {
                while (it.hasNext()) {
                    Row row = it.next();
                    ArrayNode r = rows.addArray();
                    for (int c = 0; c < row.getArity(); c++) {
                        r.addPOJO(plain(row.getField(c)));
                    }
                }
            }
            System.out.printf("query %s: %d rows in %d ms%n", q.name(), rows.size(), (System.nanoTime() - started) / 1_000_000);
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), results);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }
}
