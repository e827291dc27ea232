package org.countersign.agent.local;

import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * How one agent instance runs.
 *
 * @param directory       where the device vault lives (one folder per credential)
 * @param deviceKeyFile   where the vault's sealing key lives; must lie outside {@code directory}, so that a copy of
 *                        the vault folder alone (backup, sync, a mis-set permission) opens nothing (SR-B-9). On a
 *                        phone this key belongs in the platform key store instead of a file.
 * @param rpId            the relying-party id this agent serves; challenges for other ids are refused (T.C.3)
 * @param serverKey       the Countersign tenant's challenge-signing key ({@code GET /v1/local/agent-key}), pinned
 *                        when the app is installed: challenges it did not sign are refused (SR-C-5)
 * @param targetFmr       false-match rate the comparison threshold is chosen for (27553-1 Annex C: FAR component)
 * @param maxFailures     consecutive failed local verifications before the credential locks
 * @param padThreshold    attack score at or above which a sample counts as a presentation attack
 * @param padApcer        APCER of the PAD at that threshold from an ISO/IEC 30107-3 evaluation, or null if unmeasured
 * @param padBpcer        BPCER likewise, or null
 */
public record AgentSettings(Path directory, Path deviceKeyFile, String rpId, PublicKey serverKey, double targetFmr,
        int maxFailures, double padThreshold, Double padApcer, Double padBpcer) {
    public AgentSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(deviceKeyFile, "deviceKeyFile");
        Objects.requireNonNull(rpId, "rpId");
        Objects.requireNonNull(serverKey, "serverKey");
        if (!(serverKey instanceof ECPublicKey)) {
            throw new IllegalArgumentException("serverKey must be the ECDSA P-256 key Countersign publishes");
        }
        if (deviceKeyFile.toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("deviceKeyFile must lie outside the vault directory");
        }
        if (!(targetFmr > 0 && targetFmr <= 1e-2)) {
            throw new IllegalArgumentException("targetFmr must lie in (0, 0.01]");
        }
        if (maxFailures < 1 || maxFailures > 20) {
            throw new IllegalArgumentException("maxFailures must lie in 1..20");
        }
    }

    /** FMR 1e-4, five attempts, the PAD's default threshold and no claimed PAD error rates. */
    public static AgentSettings defaults(Path directory, Path deviceKeyFile, String rpId, PublicKey serverKey) {
        return new AgentSettings(directory, deviceKeyFile, rpId, serverKey, 1e-4, 5, 0.5, null, null);
    }
}
