package org.countersign.core.srp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * SRP-6a written out with BigInteger and MessageDigest only, following docs/srp.md, to check the BouncyCastle-based
 * sessions against something other than themselves.
 */
final class IndependentSrp {
    final BigInteger n;
    final BigInteger g;
    final String hash;
    final int width;

    IndependentSrp(BigInteger n, BigInteger g, String hash) {
        this.n = n;
        this.g = g;
        this.hash = hash;
        this.width = (n.bitLength() + 7) / 8;
    }

    static IndependentSrp of(SrpParameters p) {
        String h = p.digest() == SrpDigest.SHA1 ? "SHA-1" : "SHA-256";
        return new IndependentSrp(p.group().params().getN(), p.group().params().getG(), h);
    }

    byte[] pad(BigInteger v) {
        byte[] raw = v.toByteArray();
        int skip = raw[0] == 0 && raw.length > 1 ? 1 : 0;
        byte[] out = new byte[width];
        System.arraycopy(raw, skip, out, width - (raw.length - skip), raw.length - skip);
        return out;
    }

    byte[] h(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance(hash);
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    BigInteger hInt(byte[]... parts) {
        return new BigInteger(1, h(parts));
    }

    BigInteger k() {
        return hInt(pad(n), pad(g));
    }

    BigInteger x(byte[] salt, String identity, String password) {
        byte[] inner = h((identity + ":" + password).getBytes(StandardCharsets.UTF_8));
        return hInt(salt, inner);
    }

    BigInteger v(BigInteger x) {
        return g.modPow(x, n);
    }

    BigInteger bigA(BigInteger a) {
        return g.modPow(a, n);
    }

    BigInteger bigB(BigInteger b, BigInteger v) {
        return k().multiply(v).add(g.modPow(b, n)).mod(n);
    }

    BigInteger u(BigInteger bigA, BigInteger bigB) {
        return hInt(pad(bigA), pad(bigB));
    }

    /** Client view: S = (B - k·g^x)^(a + u·x). */
    BigInteger sClient(BigInteger bigB, BigInteger x, BigInteger a, BigInteger u) {
        BigInteger base = bigB.subtract(k().multiply(g.modPow(x, n))).mod(n);
        return base.modPow(a.add(u.multiply(x)), n);
    }

    /** Server view: S = (A·v^u)^b. */
    BigInteger sServer(BigInteger bigA, BigInteger v, BigInteger u, BigInteger b) {
        return bigA.multiply(v.modPow(u, n)).mod(n).modPow(b, n);
    }

    byte[] m1(BigInteger bigA, BigInteger bigB, BigInteger s) {
        return h(pad(bigA), pad(bigB), pad(s));
    }

    byte[] m2(BigInteger bigA, byte[] m1, BigInteger s) {
        return h(pad(bigA), pad(new BigInteger(1, m1)), pad(s));
    }

    byte[] key(BigInteger s) {
        return h(pad(s));
    }
}
