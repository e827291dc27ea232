package org.countersign.core.sig;

/** How an ECDSA signature (r, s) is written. */
public enum SignatureEncoding {
    /** IEEE P1363: r || s, 32 bytes each for P-256. What WebCrypto {@code sign()} returns. */
    P1363,
    /** ASN.1 DER {@code SEQUENCE { INTEGER r, INTEGER s }}. What the JDK, Android Keystore and X.509 use. */
    DER
}
