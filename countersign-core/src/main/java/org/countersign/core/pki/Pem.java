package org.countersign.core.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.countersign.core.bytes.SecretBytes;

/**
 * PEM text for certificates and private keys. Private-key PEM is a secret, so it travels as {@link SecretBytes}
 * (UTF-8 text) rather than {@code String}; pass it to {@code SealedFiles} to store it.
 */
public final class Pem {
    private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    public static String writeCertificate(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new PkiException("cannot encode certificate", e);
        }
    }

    /** Concatenated PEM blocks, in list order (leaf first for a chain file). */
    public static String writeCertificates(List<X509Certificate> certificates) {
        StringBuilder sb = new StringBuilder();
        certificates.forEach(c -> sb.append(writeCertificate(c)));
        return sb.toString();
    }

    /** All {@code CERTIFICATE} blocks in {@code pem}, in order; other blocks are ignored. */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            org.bouncycastle.util.io.pem.PemObject o;
            while ((o = parser.readPemObject()) != null) {
                if (o.getType().equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(o.getContent())));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new PkiException("malformed certificate PEM", e);
        }
        return out;
    }

    /** The first certificate in {@code pem}. */
    public static X509Certificate readCertificate(String pem) {
        List<X509Certificate> all = readCertificates(pem);
        if (all.isEmpty()) {
            throw new PkiException("no CERTIFICATE block found");
        }
        return all.get(0);
    }

    /** Unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). */
    public static SecretBytes writePrivateKey(PrivateKey key) {
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equals(key.getFormat())) {
            throw new PkiException("private key is not exportable as PKCS#8");
        }
        byte[] body = MIME.encode(der);
        byte[] head = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        System.arraycopy(tail, 0, all, head.length + body.length, tail.length);
        try {
            return SecretBytes.copyOf(all);
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(body, (byte) 0);
            Arrays.fill(all, (byte) 0);
        }
    }

    /**
     * Reads an unencrypted private key as written by {@link #writePrivateKey} or by openssl: PKCS#8
     * ({@code PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, an {@code EC PARAMETERS} block before it is skipped)
     * or PKCS#1 ({@code RSA PRIVATE KEY}). Encrypted keys are refused: decrypt them first, then seal the file.
     */
    public static PrivateKey readPrivateKey(SecretBytes pem) {
        byte[] text = pem.revealForCrypto();
        try (Reader r = new InputStreamReader(new ByteArrayInputStream(text), StandardCharsets.UTF_8);
             PEMParser parser = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new PkiException("encrypted private key PEM is not supported");
                }
                // anything else (EC PARAMETERS, certificates) is skipped
            }
            throw new PkiException("no private key found in PEM");
        } catch (IOException | RuntimeException e) {
            if (e instanceof PkiException p) {
                throw p;
            }
            throw new PkiException("malformed private key PEM", e);
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    /** SHA-256 of the DER certificate as upper-case hex pairs joined by colons, as browsers and openssl show it. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(h);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new PkiException("cannot fingerprint certificate", e);
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + new String(MIME.encode(der), StandardCharsets.US_ASCII)
                + "\n-----END " + type + "-----\n";
    }
}
