package io.ballast.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JobManager's REST API, the one behind the web UI and {@code flink run}: jar upload and run, job
 * details, checkpoints, metrics. Plain JDK HTTP and Jackson; no Flink client classes, so what is tested
 * is the API as any operator or script sees it.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Running a jar runs the job's main in the JobManager, which checks the Kafka cluster first. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    FlinkRest(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** {@code GET path}; fails on anything but 2xx. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), REQUEST_TIMEOUT, path);
    }

    /** {@code GET path}, or null while the server does not answer or answers with an error. */
    public JsonNode getOrNull(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: GET " + path, e);
        }
    }

    /** {@code POST /jars/upload} (multipart, field {@code jarfile}, as the web UI and {@code flink run} send it): the jar id. */
    public String uploadJar(Path jar) {
        String boundary = "ballast-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                    HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the job jar " + jar, e);
        }
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body), RUN_TIMEOUT, "/jars/upload");
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException("Jar upload answered " + answer);
        }
        // The id is the stored file's name.
        return Path.of(answer.path("filename").asText()).getFileName().toString();
    }

    /** {@code POST /jars/{id}/run}: runs the jar's main in the JobManager, which submits the job; the job id. */
    public String runJar(String jarId, String entryClass, List<String> args, int parallelism) {
        Map<String, Object> request = Map.of("entryClass", entryClass, "programArgsList", args, "parallelism", parallelism);
        String path = "/jars/" + encode(jarId) + "/run";
        try {
            JsonNode answer = send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))), RUN_TIMEOUT, path);
            return answer.path("jobid").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code PATCH /jobs/{id}?mode=cancel}. */
    public void cancel(String jobId) {
        String path = "/jobs/" + jobId + "?mode=cancel";
        send(HttpRequest.newBuilder(base.resolve(path)).method("PATCH", HttpRequest.BodyPublishers.noBody()), REQUEST_TIMEOUT, path);
    }

    /** {@code GET /jobs/{id}}: state, state timestamps, vertices with their task counts by state. */
    public JsonNode job(String jobId) {
        return get("/jobs/" + jobId);
    }

    /** The names of the metrics {@code GET path} lists (e.g. {@code /jobs/{id}/vertices/{vid}/subtasks/metrics}). */
    public List<String> metricNames(String path) {
        List<String> names = new ArrayList<>();
        get(path).forEach(m -> names.add(m.path("id").asText()));
        return names;
    }

    /** {@code GET path?get=a,b}: one node per metric ({@code value}, or {@code min/max/avg/sum} when aggregated). */
    public JsonNode metrics(String path, List<String> names) {
        return get(path + "?get=" + encode(String.join(",", names)));
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout, String what) {
        try {
            HttpResponse<String> r = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(what + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " at " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + what, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
