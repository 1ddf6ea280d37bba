package io.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A small in-JVM server of the four Confluent Schema Registry endpoints Ballast uses, for unit tests
 * that need to count requests, inject failures and check headers. Integration tests use the real
 * Apicurio registry instead.
 */
public final class InMemoryConfluentRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final HttpServer server;
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> subjects = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(100);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile String requiredAuthorization;
    private final List<String> seenAuthorizations = new CopyOnWriteArrayList<>();
    private final boolean https;

    public InMemoryConfluentRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https = false;
        server.createContext("/", this::handle);
        server.start();
    }

    /** Over https with the server key of {@code tls}; {@code needClientAuth}: mutual TLS, trusted as {@code tls} trusts. */
    public InMemoryConfluentRegistry(SSLContext tls, boolean needClientAuth) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        server = s;
        https = true;
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return (https ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** The next {@code n} requests fail with {@code status}. */
    public void failNext(int n, int status) {
        failureStatus = status;
        failuresLeft.set(n);
    }

    void requireAuthorization(String value) {
        requiredAuthorization = value;
    }

    List<String> seenAuthorizations() {
        return seenAuthorizations;
    }

    /** Registers directly, without HTTP: the id. */
    public int register(String subject, Schema schema) {
        String canonical = new Schema.Parser().parse(schema.toString()).toString();
        for (Map.Entry<Integer, String> e : schemas.entrySet()) {
            if (e.getValue().equals(canonical) && subjects.getOrDefault(subject, List.of()).contains(e.getKey())) {
                return e.getKey();
            }
        }
        int id = nextId.getAndAdd(3); // ids are not consecutive, as with Apicurio
        schemas.put(id, canonical);
        subjects.computeIfAbsent(subject, s -> new CopyOnWriteArrayList<>()).add(id);
        return id;
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seenAuthorizations.add(String.valueOf(auth));
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                error(ex, failureStatus, 50001, "injected failure");
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                error(ex, 401, 40101, "Unauthorized");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            Matcher m;
            if ("GET".equals(method) && path.equals("/config")) {
                ObjectNode body = JSON.createObjectNode();
                body.put("compatibilityLevel", "BACKWARD");
                ok(ex, body);
            } else if ("GET".equals(method) && (m = BY_ID.matcher(path)).matches()) {
                String schema = schemas.get(Integer.parseInt(m.group(1)));
                if (schema == null) {
                    error(ex, 404, 40403, "Schema " + m.group(1) + " not found");
                    return;
                }
                ObjectNode body = JSON.createObjectNode();
                body.put("schema", schema);
                ok(ex, body);
            } else if ("GET".equals(method) && (m = LATEST.matcher(path)).matches()) {
                List<Integer> versions = subjects.get(m.group(1));
                if (versions == null || versions.isEmpty()) {
                    error(ex, 404, 40401, "Subject '" + m.group(1) + "' not found.");
                    return;
                }
                ok(ex, version(m.group(1), versions.size(), versions.get(versions.size() - 1)));
            } else if ("POST".equals(method) && (m = VERSIONS.matcher(path)).matches()) {
                Schema schema = new Schema.Parser().parse(readSchema(ex));
                ObjectNode body = JSON.createObjectNode();
                body.put("id", register(m.group(1), schema));
                ok(ex, body);
            } else if ("POST".equals(method) && (m = SUBJECT.matcher(path)).matches()) {
                String canonical = new Schema.Parser().parse(readSchema(ex)).toString();
                List<Integer> versions = subjects.getOrDefault(m.group(1), new ArrayList<>());
                for (int v = 0; v < versions.size(); v++) {
                    if (schemas.get(versions.get(v)).equals(canonical)) {
                        ok(ex, version(m.group(1), v + 1, versions.get(v)));
                        return;
                    }
                }
                error(ex, 404, 40403, "Schema not found");
            } else {
                error(ex, 404, 404, "No route " + method + " " + path);
            }
        }
    }

    private ObjectNode version(String subject, int version, int id) {
        ObjectNode body = JSON.createObjectNode();
        body.put("subject", subject);
        body.put("version", version);
        body.put("id", id);
        body.put("schema", schemas.get(id));
        return body;
    }

    private static String readSchema(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        return body.get("schema").asText();
    }

    private static void ok(HttpExchange ex, JsonNode body) throws IOException {
        send(ex, 200, body.toString());
    }

    private static void error(HttpExchange ex, int status, int code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_code", code);
        body.put("message", message);
        send(ex, status, body.toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", ConfluentRegistryClient.CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
