package io.ballast.registry;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a schema registry that speaks the Confluent REST API. Immutable and serializable:
 * it travels with the job graph, and each task builds its own client from it.
 */
public final class RegistryConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final boolean autoRegister;
    private final String basicAuthUserInfo;
    private final String bearerToken;
    private final String trustStoreLocation;
    private final String trustStorePassword;
    private final String trustStoreType;
    private final String keyStoreLocation;
    private final String keyStorePassword;
    private final String keyStoreType;
    private final String bearerTokenFile;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;

    private RegistryConfig(Builder b) {
        this.url = stripTrailingSlash(Objects.requireNonNull(b.url, "url"));
        this.autoRegister = b.autoRegister;
        this.basicAuthUserInfo = b.basicAuthUserInfo;
        this.bearerToken = b.bearerToken;
        this.trustStoreLocation = b.trustStoreLocation;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.keyStoreLocation = b.keyStoreLocation;
        this.keyStorePassword = b.keyStorePassword;
        this.keyStoreType = b.keyStoreType;
        this.bearerTokenFile = b.bearerTokenFile;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
        check();
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    private void check() {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Registry URL '" + url + "' is not a valid URI: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "Registry URL '" + url + "' must be an absolute http:// or https:// URL");
        }
        int credentials = (basicAuthUserInfo != null ? 1 : 0) + (bearerToken != null ? 1 : 0)
                + (bearerTokenFile != null ? 1 : 0);
        if (credentials > 1) {
            throw new IllegalArgumentException("Registry credentials: set one of basic-auth user info, a bearer token"
                    + " or a bearer token file, not both");
        }
        if (basicAuthUserInfo != null && !basicAuthUserInfo.contains(":")) {
            throw new IllegalArgumentException(
                    "Registry basic-auth user info must be 'user:password' (no ':' found)");
        }
        positive("connect timeout", connectTimeout);
        positive("read timeout", readTimeout);
        positive("retry backoff", retryBackoff);
        positive("max retry backoff", maxRetryBackoff);
        if (maxRetries < 0) {
            throw new IllegalArgumentException("Registry retries must be >= 0, got " + maxRetries);
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("Registry " + what + " must be positive, got " + d);
        }
    }

    private static String stripTrailingSlash(String s) {
        String t = s.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    public String url() { return url; }
    public boolean autoRegister() { return autoRegister; }
    public String basicAuthUserInfo() { return basicAuthUserInfo; }
    public String bearerToken() { return bearerToken; }
    public String trustStoreLocation() { return trustStoreLocation; }
    public String trustStorePassword() { return trustStorePassword; }
    public String trustStoreType() { return trustStoreType; }
    /** Key store with the client's key and certificate, for mutual TLS; null: no client certificate. */
    public String keyStoreLocation() { return keyStoreLocation; }
    /** Password of the key store and of the key in it. */
    public String keyStorePassword() { return keyStorePassword; }
    public String keyStoreType() { return keyStoreType; }
    /** File holding the bearer token, read again whenever it changes; null: none. */
    public String bearerTokenFile() { return bearerTokenFile; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration readTimeout() { return readTimeout; }
    public int maxRetries() { return maxRetries; }
    public Duration retryBackoff() { return retryBackoff; }
    public Duration maxRetryBackoff() { return maxRetryBackoff; }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RegistryConfig)) {
            return false;
        }
        RegistryConfig that = (RegistryConfig) o;
        return autoRegister == that.autoRegister
                && maxRetries == that.maxRetries
                && url.equals(that.url)
                && Objects.equals(basicAuthUserInfo, that.basicAuthUserInfo)
                && Objects.equals(bearerToken, that.bearerToken)
                && Objects.equals(trustStoreLocation, that.trustStoreLocation)
                && Objects.equals(trustStorePassword, that.trustStorePassword)
                && Objects.equals(trustStoreType, that.trustStoreType)
                && Objects.equals(keyStoreLocation, that.keyStoreLocation)
                && Objects.equals(keyStorePassword, that.keyStorePassword)
                && Objects.equals(keyStoreType, that.keyStoreType)
                && Objects.equals(bearerTokenFile, that.bearerTokenFile)
                && connectTimeout.equals(that.connectTimeout)
                && readTimeout.equals(that.readTimeout)
                && retryBackoff.equals(that.retryBackoff)
                && maxRetryBackoff.equals(that.maxRetryBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, autoRegister, basicAuthUserInfo, bearerToken, trustStoreLocation,
                trustStoreType, keyStoreLocation, keyStoreType, bearerTokenFile, connectTimeout, readTimeout, maxRetries, retryBackoff, maxRetryBackoff);
    }

    /** Credentials are never printed. */
    @Override
    public String toString() {
        return "RegistryConfig{url=" + url + ", autoRegister=" + autoRegister
                + ", auth=" + (basicAuthUserInfo != null ? "basic" : bearerToken != null ? "bearer"
                        : bearerTokenFile != null ? "bearer from " + bearerTokenFile : "none")
                + ", trustStore=" + trustStoreLocation + ", keyStore=" + keyStoreLocation + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", retries=" + maxRetries + "}";
    }

    /** Builder with the defaults of the job's options. */
    public static final class Builder {
        private final String url;
        private boolean autoRegister = true;
        private String basicAuthUserInfo;
        private String bearerToken;
        private String trustStoreLocation;
        private String trustStorePassword;
        private String trustStoreType = "PKCS12";
        private String keyStoreLocation;
        private String keyStorePassword;
        private String keyStoreType = "PKCS12";
        private String bearerTokenFile;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private int maxRetries = 5;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Duration maxRetryBackoff = Duration.ofSeconds(5);

        private Builder(String url) {
            this.url = url;
        }

        public Builder autoRegister(boolean v) { this.autoRegister = v; return this; }
        public Builder basicAuthUserInfo(String v) { this.basicAuthUserInfo = v; return this; }
        public Builder bearerToken(String v) { this.bearerToken = v; return this; }
        public Builder trustStore(String location, String password, String type) {
            this.trustStoreLocation = location;
            this.trustStorePassword = password;
            if (type != null) {
                this.trustStoreType = type;
            }
            return this;
        }
        /** The client's key and certificate for mutual TLS; the key's password is the store's. */
        public Builder keyStore(String location, String password, String type) {
            this.keyStoreLocation = location;
            this.keyStorePassword = password;
            if (type != null) {
                this.keyStoreType = type;
            }
            return this;
        }
        public Builder bearerTokenFile(String v) { this.bearerTokenFile = v; return this; }
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { this.readTimeout = v; return this; }
        public Builder maxRetries(int v) { this.maxRetries = v; return this; }
        public Builder retryBackoff(Duration v) { this.retryBackoff = v; return this; }
        public Builder maxRetryBackoff(Duration v) { this.maxRetryBackoff = v; return this; }

        public RegistryConfig build() {
            return new RegistryConfig(this);
        }
    }
}
