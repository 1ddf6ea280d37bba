package io.ballast.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority made at test time, and what TLS tests need from it, written as PKCS12 files
 * into a directory: a server key store (a certificate for {@code 127.0.0.1} and {@code localhost}, the
 * hosts the tests connect to), a client key store (for mutual TLS) and a trust store holding the CA.
 * EC P-256 keys, so that making all of it takes milliseconds. Nothing of it is ever committed.
 *
 * <p>A second instance is a CA the first one's clients do not trust: the untrusted-certificate tests.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final String SIGNATURE = "SHA256withECDSA";

    private final Path serverKeyStore;
    private final Path clientKeyStore;
    private final Path trustStore;
    private final String password;

    private TestCertificates(Path serverKeyStore, Path clientKeyStore, Path trustStore, String password) {
        this.serverKeyStore = serverKeyStore;
        this.clientKeyStore = clientKeyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /**
     * A new CA named {@code name}, with a server and a client certificate it signed, as
     * {@code <name>-server.p12}, {@code <name>-client.p12} and {@code <name>-trust.p12} in {@code dir}, every
     * store (and key) protected by {@code password}.
     */
    public static TestCertificates create(Path dir, String name, String password) {
        try {
            Files.createDirectories(dir);
            Instant now = Instant.now();
            KeyPair caKeys = keyPair();
            X500Name caName = new X500Name("CN=" + name + " test CA,O=Ballast tests");
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(), from(now), until(now), caName,
                    caKeys.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert = sign(ca, caKeys);

            KeyPair serverKeys = keyPair();
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, serial(), from(now), until(now),
                    new X500Name("CN=localhost,O=Ballast tests"), serverKeys.getPublic());
            server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate serverCert = sign(server, caKeys);

            KeyPair clientKeys = keyPair();
            X509v3CertificateBuilder client = new JcaX509v3CertificateBuilder(caName, serial(), from(now), until(now),
                    new X500Name("CN=ballast-job,O=Ballast tests"), clientKeys.getPublic());
            client.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate clientCert = sign(client, caKeys);

            char[] pw = password.toCharArray();
            KeyStore serverStore = emptyStore();
            serverStore.setKeyEntry("server", serverKeys.getPrivate(), pw, new Certificate[] {serverCert, caCert});
            KeyStore clientStore = emptyStore();
            clientStore.setKeyEntry("client", clientKeys.getPrivate(), pw, new Certificate[] {clientCert, caCert});
            KeyStore trust = emptyStore();
            trust.setCertificateEntry("ca", caCert);
            return new TestCertificates(write(serverStore, dir.resolve(name + "-server.p12"), pw),
                    write(clientStore, dir.resolve(name + "-client.p12"), pw),
                    write(trust, dir.resolve(name + "-trust.p12"), pw), password);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Could not make the test certificates: " + e, e);
        }
    }

    /** PKCS12: the server's key and its certificate chain (for 127.0.0.1 and localhost). */
    public Path serverKeyStore() {
        return serverKeyStore;
    }

    /** PKCS12: a client's key and certificate chain, for mutual TLS. */
    public Path clientKeyStore() {
        return clientKeyStore;
    }

    /** PKCS12: the CA's certificate alone. */
    public Path trustStore() {
        return trustStore;
    }

    /** The password of every store and key. */
    public String password() {
        return password;
    }

    /** A server's TLS context: the server key store, and the trust store to check client certificates with. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(serverKeyStore), password.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(trustStore));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not load the test certificates: " + e, e);
        }
    }

    private KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException, CertIOException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date from(Instant now) {
        return Date.from(now.minus(Duration.ofHours(1)));
    }

    private static Date until(Instant now) {
        return Date.from(now.plus(Duration.ofDays(2)));
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static Path write(KeyStore store, Path file, char[] password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }
}
