package org.countersign.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.countersign.core.bytes.SecretBytes;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of PEM reading: certificates come from tenants (trusted attestation roots), from agents
 * and from operators' files, keys from operators' files. Reading either yields certificates (which write back to
 * PEM that reads to the same certificates) or a key, or throws {@link PkiException}; any other throwable is a
 * finding.
 */
@Tag("fuzz")
class PemFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void read(FuzzedDataProvider data) {
        boolean key = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        if (key) {
            try {
                PrivateKey k = Pem.readPrivateKey(SecretBytes.copyOf(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertThat(k).isNotNull();
            } catch (PkiException expected) {
                // the documented refusal
            }
            return;
        }
        List<X509Certificate> certificates;
        try {
            certificates = Pem.readCertificates(text);
        } catch (PkiException expected) {
            return;
        }
        assertThat(Pem.readCertificates(Pem.writeCertificates(certificates))).isEqualTo(certificates);
    }
}
