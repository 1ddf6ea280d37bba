package io.ballast.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * https with basic auth in front of a plain-http server, as a registry is deployed behind a TLS-terminating,
 * authenticating gateway: Apicurio 2.x does basic auth only with Keycloak, so the tests put this in front of
 * the real registry, which stays what answers. A JDK {@link HttpsServer} on 127.0.0.1 with the server key
 * store given; a request without the right {@code Authorization: Basic} header is answered 401 (Confluent's
 * error body) and never forwarded; the others are forwarded, method, path, query, body, {@code Accept} and
 * {@code Content-Type}, and the answer returned as it is. With a client trust store it also requires
 * a client certificate signed by a CA in it (mutual TLS), checked in the handshake.
 */
public final class TlsAuthProxy implements AutoCloseable {

    private static final List<String> FORWARDED_HEADERS = List.of("Accept", "Content-Type");

    private final HttpsServer server;
    private final URI upstream;
    private final byte[] expectedAuthorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private TlsAuthProxy(HttpsServer server, URI upstream, String user, String password) {
        this.server = server;
        this.upstream = upstream;
        this.expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts the proxy on a free port of 127.0.0.1.
     *
     * @param upstream scheme, host and port of the server behind, e.g. {@code http://127.0.0.1:8081}
     * @param keyStore PKCS12 with the server's key and certificate chain; the key has the store's password
     */
    public static TlsAuthProxy start(URI upstream, Path keyStore, String keyStorePassword, String user, String password) {
        return start(upstream, keyStore, keyStorePassword, null, user, password);
    }

    /**
     * As {@link #start(URI, Path, String, String, String)}, and with {@code clientTrustStore} (PKCS12, the
     * key store's password; nullable) mutual TLS: only clients with a certificate signed by a CA in it
     * get past the handshake.
     */
    public static TlsAuthProxy start(URI upstream, Path keyStore, String keyStorePassword, Path clientTrustStore,
                                     String user, String password) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0), 0);
            SSLContext tls = serverContext(keyStore, keyStorePassword, clientTrustStore);
            boolean mutual = clientTrustStore != null;
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = tls.getDefaultSSLParameters();
                    p.setNeedClientAuth(mutual);
                    params.setSSLParameters(p);
                }
            });
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "tls-auth-proxy");
                t.setDaemon(true);
                return t;
            }));
            TlsAuthProxy proxy = new TlsAuthProxy(server, upstream, user, password);
            server.createContext("/", proxy::handle);
            server.start();
            return proxy;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot start the TLS proxy in front of " + upstream + ": " + e, e);
        }
    }

    /** {@code https://127.0.0.1:PORT}. */
    public String origin() {
        return "https://" + Ports.HOST + ":" + server.getAddress().getPort();
    }

    /** Requests forwarded so far. */
    public int forwarded() {
        return forwarded.get();
    }

    /** Requests refused for their credentials so far. */
    public int refused() {
        return refused.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(expectedAuthorization, auth.getBytes(StandardCharsets.UTF_8))) {
                refused.incrementAndGet();
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                reply(ex, 401, "application/vnd.schemaregistry.v1+json",
                        "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            URI target = upstream.resolve(ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : FORWARDED_HEADERS) {
                String value = ex.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(ex, 503, "text/plain", "interrupted".getBytes(StandardCharsets.UTF_8));
                return;
            } catch (IOException e) {
                reply(ex, 502, "text/plain", ("upstream: " + e).getBytes(StandardCharsets.UTF_8));
                return;
            }
            forwarded.incrementAndGet();
            reply(ex, answer.statusCode(), answer.headers().firstValue("Content-Type").orElse("application/json"),
                    answer.body());
        }
    }

    private static void reply(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static SSLContext serverContext(Path keyStore, String password, Path clientTrustStore)
            throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, password), password.toCharArray());
        TrustManagerFactory tmf = null;
        if (clientTrustStore != null) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(clientTrustStore, password));
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
