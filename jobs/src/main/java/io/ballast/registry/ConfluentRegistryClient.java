package io.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Redpanda
 * and Karapace). Thread-safe. Answers are cached: a schema id is fetched and parsed once per JVM, and
 * a schema is registered or looked up once per subject, so no record ever causes an HTTP call once its
 * schema is known. Unknown ids are remembered for {@link #NEGATIVE_CACHE_MILLIS}, so a flood of
 * records with a bogus id does not become a flood of requests.
 *
 * <p>Transient failures (I/O errors, timeouts, HTTP 5xx and 429) are retried with exponential backoff
 * and jitter; other 4xx answers and TLS failures (an untrusted certificate does not become trusted by
 * asking again) are not.
 *
 * <p>Security: https with the JVM's trust store or {@link RegistryConfig#trustStoreLocation()}, a client
 * certificate for mutual TLS ({@link RegistryConfig#keyStoreLocation()}), and basic auth, a fixed bearer
 * token, or a bearer token read from a file whenever the file changes ({@link RegistryConfig#bearerTokenFile()};
 * a request refused with HTTP 401 reads the file once more and is sent again when the token changed).
 */
public final class ConfluentRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    static final long NEGATIVE_CACHE_MILLIS = 30_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<RegistryConfig, ConfluentRegistryClient> SHARED = new ConcurrentHashMap<>();

    private final RegistryConfig config;
    private final HttpClient http;
    private final String authorization;
    private final BearerTokenFile tokenFile;

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Integer, Long> unknownIdsUntil = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final AtomicLong httpCalls = new AtomicLong();

    public ConfluentRegistryClient(RegistryConfig config) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (config.trustStoreLocation() != null || config.keyStoreLocation() != null) {
            b.sslContext(sslContext(config));
        }
        this.http = b.build();
        if (config.basicAuthUserInfo() != null) {
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                    config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
        } else if (config.bearerToken() != null) {
            this.authorization = "Bearer " + config.bearerToken();
        } else {
            this.authorization = null;
        }
        this.tokenFile = config.bearerTokenFile() == null ? null : new BearerTokenFile(Path.of(config.bearerTokenFile()));
    }

    /** One client (and so one cache) per configuration in this JVM. */
    public static ConfluentRegistryClient shared(RegistryConfig config) {
        return SHARED.computeIfAbsent(config, ConfluentRegistryClient::new);
    }

    public RegistryConfig config() {
        return config;
    }

    /** HTTP requests sent so far, retries included; for tests and metrics. */
    public long httpCalls() {
        return httpCalls.get();
    }

    /**
     * The writer schema with this id. The same {@link Schema} instance is returned for the same id,
     * which keeps Avro's resolver cache effective.
     *
     * @throws RegistryException with {@link RegistryException#isNotFound()} when the registry does
     *     not know the id; other RegistryExceptions when it cannot be asked
     */
    public Schema schemaById(int id) throws IOException {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Long until = unknownIdsUntil.get(id);
        if (until != null) {
            if (System.currentTimeMillis() < until) {
                throw new RegistryException("Schema id " + id + " is not known to the registry at "
                        + config.url(), 404, RegistryException.SCHEMA_NOT_FOUND);
            }
            unknownIdsUntil.remove(id);
        }
        JsonNode answer;
        try {
            answer = send(() -> get("/schemas/ids/" + id), "fetch schema id " + id);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                unknownIdsUntil.put(id, System.currentTimeMillis() + NEGATIVE_CACHE_MILLIS);
            }
            throw e;
        }
        Schema schema = parse(text(answer, "schema", "schema id " + id), "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    /**
     * The id of {@code schema} under {@code subject}: registered when auto-register is on; otherwise
     * the subject's latest version if it is this schema, else the version of the subject that is
     * exactly this schema.
     *
     * @throws RegistryException when auto-register is off and the subject has no such version
     */
    public int idFor(String subject, Schema schema) throws IOException {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        int id = config.autoRegister() ? register(subject, schema) : existingId(subject, schema);
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /**
     * {@code POST /subjects/{subject}/versions}: registers (or finds) the schema, returns its id.
     *
     * <p>Two writers registering the same new subject at once can collide: Apicurio's Confluent API then
     * answers the loser with HTTP 409 ("already exists") where Confluent's returns the id. A 409 is
     * therefore answered by looking the schema up, and registering once more if it is still not there.
     */
    public int register(String subject, Schema schema) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                JsonNode answer = send(() -> post("/subjects/" + encode(subject) + "/versions", schemaBody(schema)),
                        "register a schema under subject '" + subject + "'");
                return intField(answer, "id", "registration under '" + subject + "'");
            } catch (RegistryException e) {
                if (e.httpStatus() != 409 || attempt >= 2) {
                    throw e;
                }
                OptionalInt existing = lookup(subject, schema);
                if (existing.isPresent()) {
                    return existing.getAsInt();
                }
            }
        }
    }

    /** {@code GET /subjects/{subject}/versions/latest}. */
    public RegisteredSchema latest(String subject) throws IOException {
        JsonNode answer = send(() -> get("/subjects/" + encode(subject) + "/versions/latest"),
                "fetch the latest version of subject '" + subject + "'");
        int id = intField(answer, "id", "latest of '" + subject + "'");
        int version = answer.path("version").asInt(-1);
        Schema schema = parse(text(answer, "schema", "latest of '" + subject + "'"), "subject " + subject);
        return new RegisteredSchema(subject, id, version, schema);
    }

    /** {@code POST /subjects/{subject}}: the id of this exact schema under the subject, if any. */
    public OptionalInt lookup(String subject, Schema schema) throws IOException {
        try {
            JsonNode answer = send(() -> post("/subjects/" + encode(subject), schemaBody(schema)),
                    "look up a schema under subject '" + subject + "'");
            return OptionalInt.of(intField(answer, "id", "lookup under '" + subject + "'"));
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    private int existingId(String subject, Schema schema) throws IOException {
        try {
            RegisteredSchema latest = latest(subject);
            if (latest.schema().equals(schema)) {
                return latest.id();
            }
        } catch (RegistryException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
        OptionalInt id = lookup(subject, schema);
        if (id.isPresent()) {
            return id.getAsInt();
        }
        throw new RegistryException("Auto-register is off and subject '" + subject + "' at " + config.url()
                + " has no version equal to the schema of " + schema.getFullName()
                + "; register it first (POST /subjects/" + subject + "/versions) or turn auto-register on",
                404, RegistryException.SUBJECT_NOT_FOUND);
    }

    // ---------------------------------------------------------------- HTTP

    /**
     * {@code GET /config}, once, without retries beyond the configured ones: for the job's start, so that
     * an untrusted certificate or refused credentials stop it with one clear line instead of failing its
     * tasks later.
     *
     * @throws RegistryException with {@link RegistryException#isTlsFailure()} when the TLS handshake
     *     failed, with HTTP status 401 or 403 when the credentials were refused
     */
    public void checkAccess() throws IOException {
        send(() -> get("/config"), "read the registry's configuration");
    }

    /** How often the bearer token file has been read, 0 without one; for tests. */
    int tokenFileReads() {
        return tokenFile == null ? 0 : tokenFile.reads();
    }

    private HttpRequest.Builder request(String path) throws RegistryException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.url() + path))
                .timeout(config.readTimeout())
                .header("Accept", ACCEPT);
        if (authorization != null) {
            b.header("Authorization", authorization);
        } else if (tokenFile != null) {
            b.header("Authorization", "Bearer " + tokenFile.token());
        }
        return b;
    }

    private HttpRequest get(String path) throws RegistryException {
        return request(path).GET().build();
    }

    private HttpRequest post(String path, String body) throws RegistryException {
        return request(path)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    /** A request built anew for every attempt, so that each carries the bearer token of the moment. */
    @FunctionalInterface
    private interface Request {
        HttpRequest build() throws RegistryException;
    }

    private JsonNode send(Request request, String what) throws IOException {
        long backoff = config.retryBackoff().toMillis();
        long maxBackoff = config.maxRetryBackoff().toMillis();
        IOException last = null;
        boolean tokenReread = false;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 4 + 1));
                backoff = Math.min(maxBackoff, backoff * 2);
            }
            HttpResponse<String> response;
            HttpRequest built;
            try {
                built = request.build();
                httpCalls.incrementAndGet();
                response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while trying to " + what);
            } catch (SSLException e) {
                throw RegistryException.tls("The TLS handshake with the registry at " + config.url() + " failed"
                        + " (could not " + what + "): " + tlsReason(e), e);
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                last = new RegistryException("Could not " + what + " at " + config.url() + ": " + e, e);
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                try {
                    return JSON.readTree(response.body());
                } catch (IOException e) {
                    throw new RegistryException("Registry at " + config.url() + " answered " + what
                            + " with a body that is not JSON: " + abbreviate(response.body()), e);
                }
            }
            if (status == 401 && tokenFile != null && !tokenReread) {
                // The token may have been rotated since the file was last read: read it again, once.
                String sent = built.headers().firstValue("Authorization").orElse("");
                tokenReread = true;
                if (!sent.equals("Bearer " + tokenFile.reread())) {
                    attempt--;
                    continue;
                }
            }
            RegistryException error = errorOf(response, what);
            if (status >= 500 || status == 429) {
                last = error;
                continue;
            }
            throw error;
        }
        throw new RegistryException("Gave up after " + (config.maxRetries() + 1) + " attempts to " + what
                + ": " + last.getMessage(), last);
    }

    private RegistryException errorOf(HttpResponse<String> response, String what) {
        int code = -1;
        String message = abbreviate(response.body());
        try {
            JsonNode body = JSON.readTree(response.body());
            code = body.path("error_code").asInt(-1);
            if (body.hasNonNull("message")) {
                message = body.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not a Confluent error body: keep the raw text
        }
        return new RegistryException("Registry at " + config.url() + " refused to " + what + ": HTTP "
                + response.statusCode() + (code > 0 ? " error " + code : "") + ": " + message,
                response.statusCode(), code);
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while backing off");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static Schema parse(String json, String what) throws RegistryException {
        try {
            return new Schema.Parser().parse(json);
        } catch (SchemaParseException e) {
            throw new RegistryException("The registry returned an invalid Avro schema for " + what + ": "
                    + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String what) throws RegistryException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new RegistryException("Registry answer for " + what + " has no '" + field + "': "
                    + abbreviate(node.toString()), 200, -1);
        }
        return v.asText();
    }

    private static int intField(JsonNode node, String field, String what) throws RegistryException {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new RegistryException("Registry answer for " + what + " has no integer '" + field + "': "
                    + abbreviate(node.toString()), 200, -1);
        }
        return v.asInt();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** What went wrong in a TLS handshake, in words: the innermost cause says it best (e.g. PKIX path building failed). */
    private static String tlsReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.toString() : root.getMessage();
        if (reason.contains("PKIX") || reason.contains("certification path")) {
            return "the registry's certificate is not trusted (" + reason + "); give the trust store holding its CA"
                    + " with --registry.truststore.location";
        }
        if (reason.contains("No subject alternative") || reason.contains("No name matching")) {
            return "the registry's certificate does not name the host of the URL (" + reason + ")";
        }
        return reason;
    }

    /** The trust store (else the JVM's) and the key store for mutual TLS (else no client certificate). */
    private static SSLContext sslContext(RegistryConfig config) {
        TrustManager[] trust = null;
        KeyManager[] keys = null;
        if (config.trustStoreLocation() != null) {
            KeyStore store = load("trust store", config.trustStoreLocation(), config.trustStorePassword(),
                    config.trustStoreType());
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                trust = tmf.getTrustManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("Cannot use the registry trust store '" + config.trustStoreLocation()
                        + "': " + e.getMessage(), e);
            }
        }
        if (config.keyStoreLocation() != null) {
            KeyStore store = load("key store", config.keyStoreLocation(), config.keyStorePassword(), config.keyStoreType());
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, config.keyStorePassword() == null ? new char[0] : config.keyStorePassword().toCharArray());
                keys = kmf.getKeyManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("Cannot use the registry key store '" + config.keyStoreLocation()
                        + "' (its key's password must be the store's): " + e.getMessage(), e);
            }
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null); // null trust managers: the JVM's trust store
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot set up TLS for the registry: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String what, String location, String password, String type) {
        Path path = Path.of(location);
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows as "keystore password was incorrect" or a MAC failure: the message says it.
            throw new IllegalArgumentException("Cannot load the registry " + what + " '" + path + "' (type "
                    + type + "): " + e.getMessage(), e);
        }
    }

    /** A version of a subject. */
    public static final class RegisteredSchema {
        private final String subject;
        private final int id;
        private final int version;
        private final Schema schema;

        RegisteredSchema(String subject, int id, int version, Schema schema) {
            this.subject = subject;
            this.id = id;
            this.version = version;
            this.schema = schema;
        }

        public String subject() { return subject; }
        public int id() { return id; }
        public int version() { return version; }
        public Schema schema() { return schema; }
    }
}
