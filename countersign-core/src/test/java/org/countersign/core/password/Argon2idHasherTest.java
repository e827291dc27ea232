package org.countersign.core.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.testkit.TestVectors;
import org.junit.jupiter.api.Test;

class Argon2idHasherTest {
    // Small parameters keep the suite fast; the defaults are exercised once below.
    private final Argon2idHasher fast = new Argon2idHasher(64, 1, 1, new SecureRandom());

    private static SecretBytes s(String v) {
        return SecretBytes.copyOf(v.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rfc9106_5_3_argon2idTestVector() throws Exception {
        Properties v = new Properties();
        try (InputStream in = TestVectors.open(TestVectors.ARGON2ID_RFC9106)) {
            v.load(in);
        }
        HexFormat hex = HexFormat.of();
        byte[] tag = Argon2idHasher.derive(SecretBytes.copyOf(hex.parseHex(v.getProperty("password"))),
                hex.parseHex(v.getProperty("salt")), SecretBytes.copyOf(hex.parseHex(v.getProperty("secret"))),
                hex.parseHex(v.getProperty("associatedData")), Integer.parseInt(v.getProperty("memoryKiB")),
                Integer.parseInt(v.getProperty("passes")), Integer.parseInt(v.getProperty("lanes")),
                Integer.parseInt(v.getProperty("tagLength")));
        assertThat(hex.formatHex(tag)).isEqualTo(v.getProperty("tag"));
    }

    @Test
    void defaultHashHasThePhcShapeAndVerifies() {
        Argon2idHasher h = new Argon2idHasher();
        String phc = h.hash(s("1234"));
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(h.verify(s("1234"), phc)).isTrue();
        assertThat(h.verify(s("1235"), phc)).isFalse();
        assertThat(h.needsRehash(phc)).isFalse();
    }

    @Test
    void verifyUsesStoredParametersAndRejectsWrongSecret() {
        String phc = fast.hash(s("api-key-1"));
        assertThat(new Argon2idHasher().verify(s("api-key-1"), phc)).isTrue();
        assertThat(new Argon2idHasher().needsRehash(phc)).isTrue();
        assertThat(fast.verify(s("api-key-2"), phc)).isFalse();
        assertThat(fast.verify(s(""), phc)).isFalse();
        assertThat(fast.hash(s("api-key-1"))).isNotEqualTo(phc); // fresh salt
    }

    @Test
    void malformedPhcStringsAreFalseNeverExceptions() {
        String good = fast.hash(s("pin"));
        String[] bad = {
            null, "", "$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2g",
            good.replace("argon2id", "argon2d"), good.replace("v=19", "v=16"),
            good.replace("m=64", "m=99999999"), good.replace("m=64", "m=0"), good.replace("t=1", "t=0"),
            good.replace("p=1", "p=0"), good.substring(0, good.length() - 1) + "=", good + "$extra",
            good.substring(0, good.lastIndexOf('$')), "$argon2id$v=19$m=64,t=1,p=1$!!!!!!!!!!!$aGFzaGhhc2g",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$A", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAA",
        };
        for (String phc : bad) {
            assertThat(fast.verify(s("pin"), phc)).as(String.valueOf(phc)).isFalse();
        }
        assertThat(fast.verify(null, good)).isFalse();
        assertThat(fast.verify(s("pin"), good)).isTrue();
    }
}
