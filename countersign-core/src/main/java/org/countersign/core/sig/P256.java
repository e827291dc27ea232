package org.countersign.core.sig;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECFieldFp;
import java.util.Arrays;

/** Domain parameters of NIST P-256 (secp256r1) and the checks that tie a key or signature to them. */
final class P256 {
    static final ECParameterSpec SPEC = load();
    static final BigInteger P = ((ECFieldFp) SPEC.getCurve().getField()).getP();
    static final BigInteger N = SPEC.getOrder();
    static final int FIELD_BYTES = 32;

    private P256() {}

    private static ECParameterSpec load() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks P-256", e);
        }
    }

    /** Same curve, generator, order and cofactor as P-256 (a key may carry explicit parameters). */
    static boolean isP256(ECParameterSpec s) {
        return s.getCurve().equals(SPEC.getCurve()) && s.getGenerator().equals(SPEC.getGenerator())
                && s.getOrder().equals(SPEC.getOrder()) && s.getCofactor() == SPEC.getCofactor();
    }

    /** y^2 = x^3 + ax + b (mod p) with coordinates in range; blocks invalid-curve attacks. */
    static boolean onCurve(ECPoint q) {
        if (q == null || q.equals(ECPoint.POINT_INFINITY)) {
            return false;
        }
        BigInteger x = q.getAffineX();
        BigInteger y = q.getAffineY();
        if (x.signum() < 0 || x.compareTo(P) >= 0 || y.signum() < 0 || y.compareTo(P) >= 0) {
            return false;
        }
        BigInteger a = SPEC.getCurve().getA();
        BigInteger b = SPEC.getCurve().getB();
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.pow(3).add(a.multiply(x)).add(b).mod(P);
        return left.equals(right);
    }

    static byte[] fixed(BigInteger v) {
        byte[] raw = v.toByteArray();
        if (raw.length == FIELD_BYTES) {
            return raw;
        }
        byte[] out = new byte[FIELD_BYTES];
        if (raw.length > FIELD_BYTES) {
            System.arraycopy(raw, raw.length - FIELD_BYTES, out, 0, FIELD_BYTES); // drop the sign byte
        } else {
            System.arraycopy(raw, 0, out, FIELD_BYTES - raw.length, raw.length);
        }
        return out;
    }

    /** Strict DER to P1363: one SEQUENCE of two minimal positive INTEGERs below n, nothing after. */
    static byte[] derToP1363(byte[] der) throws SignatureFormatException {
        int[] pos = {0};
        if (der.length < 8 || der.length > 72 || der[0] != 0x30) {
            throw bad("not a DER SEQUENCE of the right size");
        }
        pos[0] = 1;
        int seqLen = der[pos[0]++] & 0xff;
        if (seqLen >= 0x80 || seqLen != der.length - 2) {
            throw bad("SEQUENCE length does not match");
        }
        BigInteger r = integer(der, pos);
        BigInteger s = integer(der, pos);
        if (pos[0] != der.length) {
            throw bad("bytes after the SEQUENCE content");
        }
        byte[] out = new byte[64];
        System.arraycopy(fixed(r), 0, out, 0, 32);
        System.arraycopy(fixed(s), 0, out, 32, 32);
        return out;
    }

    private static BigInteger integer(byte[] der, int[] pos) throws SignatureFormatException {
        if (pos[0] + 2 > der.length || der[pos[0]] != 0x02) {
            throw bad("expected INTEGER");
        }
        int len = der[pos[0] + 1] & 0xff;
        pos[0] += 2;
        if (len == 0 || len > 33 || pos[0] + len > der.length) {
            throw bad("bad INTEGER length");
        }
        byte[] v = Arrays.copyOfRange(der, pos[0], pos[0] + len);
        pos[0] += len;
        if ((v[0] & 0x80) != 0) {
            throw bad("negative INTEGER");
        }
        if (len > 1 && v[0] == 0 && (v[1] & 0x80) == 0) {
            throw bad("INTEGER not minimally encoded");
        }
        BigInteger x = new BigInteger(1, v);
        if (x.signum() == 0 || x.compareTo(N) >= 0) {
            throw bad("r or s outside 1..n-1");
        }
        return x;
    }

    static byte[] p1363ToDer(byte[] p1363) {
        byte[] r = minimal(new BigInteger(1, Arrays.copyOfRange(p1363, 0, 32)));
        byte[] s = minimal(new BigInteger(1, Arrays.copyOfRange(p1363, 32, 64)));
        byte[] out = new byte[2 + 2 + r.length + 2 + s.length];
        out[0] = 0x30;
        out[1] = (byte) (out.length - 2);
        out[2] = 0x02;
        out[3] = (byte) r.length;
        System.arraycopy(r, 0, out, 4, r.length);
        out[4 + r.length] = 0x02;
        out[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, out, 6 + r.length, s.length);
        return out;
    }

    private static byte[] minimal(BigInteger v) {
        return v.toByteArray(); // two's complement: adds a 0x00 only when the top bit is set, as DER wants
    }

    private static SignatureFormatException bad(String why) {
        return new SignatureFormatException(SignatureFormatException.Reason.SIGNATURE_DER, "DER signature: " + why);
    }
}
