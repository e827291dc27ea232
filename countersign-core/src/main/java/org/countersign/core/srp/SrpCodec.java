package org.countersign.core.srp;

import java.math.BigInteger;
import org.countersign.core.bytes.ByteArray;

/** Fixed-width big-endian encodings used on the wire and inside hashes (docs/srp.md). */
final class SrpCodec {
    private SrpCodec() {}

    /** PAD(x): unsigned big-endian, left-padded with zeros to the length of N (RFC 5054 §2.6). */
    static byte[] pad(BigInteger x, SrpParameters p) {
        return fixed(x, p.group().byteLength());
    }

    static byte[] fixed(BigInteger x, int length) {
        byte[] raw = x.toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        int len = raw.length - start;
        if (len > length) {
            throw new IllegalArgumentException("value wider than " + length + " bytes");
        }
        byte[] out = new byte[length];
        System.arraycopy(raw, start, out, length - len, len);
        return out;
    }

    /** Reads a public value that must not be wider than N. */
    static BigInteger publicValue(ByteArray bytes, SrpParameters p) throws SrpException {
        if (bytes == null || bytes.isEmpty() || bytes.length() > p.group().byteLength()) {
            throw new SrpException(SrpException.Reason.SRP_BAD_PUBLIC_VALUE, "public value has a bad length");
        }
        return new BigInteger(1, bytes.toByteArray());
    }

    static BigInteger proof(ByteArray bytes, SrpParameters p, SrpException.Reason reason) throws SrpException {
        if (bytes == null || bytes.length() != p.digest().length()) {
            throw new SrpException(reason, "proof must be " + p.digest().length() + " bytes");
        }
        return new BigInteger(1, bytes.toByteArray());
    }
}
