package org.countersign.server.oob;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Random identifiers with a type prefix: 128 bits, so knowing one id never helps to guess another. */
final class Ids {
    private static final Pattern SHAPE = Pattern.compile("(req|auth|enr)_[A-Za-z0-9_-]{22}");

    private Ids() {}

    static String request(SecureRandom r) {
        return "req_" + random(r);
    }

    static String authenticator(SecureRandom r) {
        return "auth_" + random(r);
    }

    static String enrolment(SecureRandom r) {
        return "enr_" + random(r);
    }

    static boolean wellFormed(String id, String prefix) {
        return id != null && id.startsWith(prefix + "_") && SHAPE.matcher(id).matches();
    }

    private static String random(SecureRandom r) {
        byte[] b = new byte[16];
        r.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
