package org.countersign.server.remote;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.protect.KeyedTransform;
import org.countersign.biometrics.protect.ProtectedTemplate;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.biometrics.protect.TransformKey;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.AssociatedData;
import org.countersign.core.keys.KeyService;
import org.countersign.core.keys.SealedBlob;

/**
 * Makes and opens stored references (A-G6, A-S7, X.1279 §9.3): the template is transformed with a fresh per-reference
 * key into a non-invertible, renewable code (ISO/IEC 24745), then code and key are sealed apart under the key
 * service. Comparison happens in the protected domain; the raw template of the reference never exists again.
 */
public final class ReferenceVault {
    static final String PURPOSE = "remote-reference";

    private final KeyService keys;
    private final TemplateProtector protector;
    private final SecureRandom random;

    public ReferenceVault(KeyService keys, TemplateProtector protector, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.protector = Objects.requireNonNull(protector, "protector");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Protects and seals {@code raw}; the caller stores the result and drops the raw template. */
    public RemoteStore.Reference protect(String tenant, String user, String deviceType, Template raw, String source,
            Instant now) throws BiometricException {
        TransformKey key = TransformKey.generate(random);
        ProtectedTemplate code = protector.protect(raw, key);
        SealedBlob sealedCode = keys.seal(PURPOSE, referenceAd(tenant, user),
                SecretBytes.copyOf(code.encode().toByteArray()));
        SealedBlob sealedKey = keys.seal(PURPOSE, keyAd(tenant, user), key.secret());
        return new RemoteStore.Reference(tenant, user, deviceType, sealedCode.encode(), sealedKey.encode(),
                code.sourceFormat(), code.scheme(), source, now);
    }

    /** Score of a fresh probe against a stored reference, computed in the protected domain. */
    public double compare(RemoteStore.Reference ref, Template probe) throws BiometricException {
        return best(ref, List.of(probe));
    }

    /**
     * The best score of several probes against one reference. The reference is opened and the user's keyed
     * transform derived once for all of them (deriving it is the costly part of a comparison), not once a probe.
     */
    public double best(RemoteStore.Reference ref, List<Template> probes) throws BiometricException {
        SecretBytes code = keys.open(SealedBlob.decode(ref.sealedReference()), referenceAd(ref.tenantId(),
                ref.userId()));
        SecretBytes key = keys.open(SealedBlob.decode(ref.sealedTransformKey()), keyAd(ref.tenantId(), ref.userId()));
        try {
            ProtectedTemplate reference = ProtectedTemplate.decode(
                    ByteArray.copyOf(code.revealForCrypto()));
            KeyedTransform transform = protector.transformFor(TransformKey.of(key));
            double best = -1;
            for (Template probe : probes) {
                best = Math.max(best, protector.compare(probe, reference, transform));
            }
            return best;
        } finally {
            code.destroy();
        }
    }

    static AssociatedData referenceAd(String tenant, String user) {
        return new AssociatedData(tenant, user, "remote-reference");
    }

    static AssociatedData keyAd(String tenant, String user) {
        return new AssociatedData(tenant, user, "remote-transform-key");
    }
}
