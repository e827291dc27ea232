package org.countersign.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The published protocol test vectors, kept in this module as data (they are facts from the RFCs, so protocol
 * tests run anywhere, unlike the image sets of {@link TestData}): RFC 5054 Appendix B (SRP-6a), RFC 6287
 * Appendix C (OCRA), RFC 4226 Appendix D (HOTP), RFC 6238 Appendix B (TOTP, with erratum 2866's key lengths),
 * RFC 9106 §5.3 (Argon2id). The browser clients' JavaScript tests read the same files.
 */
public final class TestVectors {
    /** RFC 5054 Appendix B. */
    public static final String SRP_RFC5054 = "srp-rfc5054.json";
    /** RFC 6287 Appendix C, all 70 rows. */
    public static final String OCRA_RFC6287 = "ocra-rfc6287.json";
    /** RFC 4226 Appendix D. */
    public static final String HOTP_RFC4226 = "hotp-rfc4226.json";
    /** RFC 6238 Appendix B. */
    public static final String TOTP_RFC6238 = "totp-rfc6238.json";
    /** RFC 9106 §5.3, as Java properties (hex values). */
    public static final String ARGON2ID_RFC9106 = "argon2id-rfc9106.properties";

    private TestVectors() {}

    /** Opens one vector file; the caller closes the stream. */
    public static InputStream open(String name) {
        InputStream in = TestVectors.class.getResourceAsStream("vectors/" + name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("no test vector file named " + name));
        }
        return in;
    }
}
