package org.kumiki.lab.opcua.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Period;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * The installation's OPC UA client identity and its trust list, in one folder (the lab domain's
 * state folder, {@code state/lab/opcua}):
 * <ul>
 * <li>{@code client-key.pem}: the RSA 2048 private key (PKCS#8), generated on first use, mode 0600;
 * <li>{@code client-cert.der}: its self-signed certificate (application URI {@value #APPLICATION_URI},
 * valid 10 years): an OPC UA server's administrator adds this file to the server's trusted
 * certificates;
 * <li>{@code pki/trusted/}: the servers this installation trusts ({@code .der} or {@code .pem}
 * certificates, read at every connection attempt);
 * <li>{@code pki/rejected/}: the certificate of a server that was refused, to be moved to
 * {@code pki/trusted/} by whoever decides to trust it.
 * </ul>
 * No threads, nothing watched: the trust list is read when a connection is attempted.
 */
final class ClientSecurity {

    static final String APPLICATION_URI = "urn:kumiki:lab:opcua";
    static final String KEY = "client-key.pem";
    static final String CERT = "client-cert.der";

    final Path dir;
    final KeyPair keyPair;
    final X509Certificate certificate;

    private ClientSecurity(Path dir, KeyPair keyPair, X509Certificate certificate) {
        this.dir = dir;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    Path trusted() {
        return dir.resolve("pki/trusted");
    }

    Path rejected() {
        return dir.resolve("pki/rejected");
    }

    /** Loads the client key and certificate from {@code dir}, generating them on first use. */
    static synchronized ClientSecurity open(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir.resolve("pki/trusted"));
        Files.createDirectories(dir.resolve("pki/rejected"));
        Path key = dir.resolve(KEY);
        Path cert = dir.resolve(CERT);
        if (!Files.exists(key) || !Files.exists(cert)) {
            generate(key, cert);
        }
        X509Certificate c = readCertificate(cert);
        PrivateKey k = readKey(key);
        return new ClientSecurity(dir, new KeyPair(c.getPublicKey(), k), c);
    }

    private static void generate(Path key, Path cert) throws IOException, GeneralSecurityException {
        KeyPair kp = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate c;
        try {
            SelfSignedCertificateBuilder b = new SelfSignedCertificateBuilder(kp).setCommonName("Kumiki lab OPC UA driver")
                    .setOrganization("Kumiki").setApplicationUri(APPLICATION_URI).setValidityPeriod(Period.ofYears(10));
            String host = hostName();
            if (host != null) b.addDnsName(host);
            c = b.build();
        } catch (Exception e) {
            throw new GeneralSecurityException("cannot create the OPC UA client certificate: " + e.getMessage(), e);
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path tmpKey = key.resolveSibling(KEY + ".tmp");
        Files.deleteIfExists(tmpKey);
        try {
            Files.createFile(tmpKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmpKey);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmpKey + " (exists)", e);
        }
        Files.writeString(tmpKey, pem, StandardCharsets.US_ASCII);
        Path tmpCert = cert.resolveSibling(CERT + ".tmp");
        Files.write(tmpCert, c.getEncoded());
        Files.move(tmpCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes));
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int from = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int to = pem.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) throw new GeneralSecurityException(file + " is not a PKCS#8 PEM private key");
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + 27, to));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** The trusted server certificates ({@code pki/trusted/*.der|*.pem|*.crt}), read now. */
    List<X509Certificate> trustedCertificates() throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(trusted())) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (!(n.endsWith(".der") || n.endsWith(".pem") || n.endsWith(".crt"))) continue;
                try {
                    out.add(readCertificate(p));
                } catch (GeneralSecurityException | IOException e) {
                    // an unreadable file trusts nothing; the rejection line names the folder
                }
            }
        }
        return out;
    }

    /** A validator of server certificates against the trust list as it is now; refused ones go to {@code quarantine}. */
    CertificateValidator validator(MemoryCertificateQuarantine quarantine) throws IOException {
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(trustedCertificates());
        return new DefaultClientCertificateValidator(trust, quarantine);
    }

    /** Saves a refused server certificate under {@code pki/rejected/}, returning the file. */
    Path reject(X509Certificate c) throws IOException, GeneralSecurityException {
        byte[] der = c.getEncoded();
        String thumb = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
        Path f = rejected().resolve(thumb + ".der");
        Files.write(f, der);
        return f;
    }
}
