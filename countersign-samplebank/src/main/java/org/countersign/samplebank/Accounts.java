package org.countersign.samplebank;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The bank's own customer records, in memory (a sample: a restart forgets them). Passwords are kept only as
 * PBKDF2 hashes; after an out-of-band login the verifier may hand over a random replacement password (C-S5,
 * X.1280 Annex A), whose hash replaces the old one so a phished password stops working.
 */
final class Accounts {
    static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final int ITERATIONS = 210_000;

    static final class Account {
        final String userId;
        private volatile String passwordHash;
        volatile boolean passwordRenewed;

        Account(String userId, String passwordHash) {
            this.userId = userId;
            this.passwordHash = passwordHash;
        }
    }

    private final Map<String, Account> byId = new ConcurrentHashMap<>();
    private final SecureRandom random;

    Accounts(SecureRandom random) {
        this.random = random;
    }

    static boolean validUserId(String userId) {
        return userId != null && USER_ID.matcher(userId).matches();
    }

    /** Opens an account; empty when the id is taken. */
    Optional<Account> open(String userId, String password) {
        Account a = new Account(userId, hash(password));
        return byId.putIfAbsent(userId, a) == null ? Optional.of(a) : Optional.empty();
    }

    Optional<Account> get(String userId) {
        return Optional.ofNullable(byId.get(userId));
    }

    boolean checkPassword(String userId, String password) {
        Account a = byId.get(userId);
        // Hash even for unknown users so the answer time does not reveal which ids exist.
        String stored = a == null ? hash("unknown-user-padding") : a.passwordHash;
        return verify(password, stored) && a != null;
    }

    void setPassword(Account a, String password, boolean renewedByVerifier) {
        a.passwordHash = hash(password);
        a.passwordRenewed = renewedByVerifier;
    }

    private String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    private static boolean verify(String password, String stored) {
        String[] p = stored.split(":");
        byte[] expected = Base64.getDecoder().decode(p[2]);
        byte[] actual = pbkdf2(password == null ? "" : password, Base64.getDecoder().decode(p[1]), Integer.parseInt(p[0]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
