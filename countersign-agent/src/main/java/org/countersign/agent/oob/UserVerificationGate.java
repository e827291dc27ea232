package org.countersign.agent.oob;

/**
 * How the authenticator makes sure its legitimate user is present before it uses its keys (X.1280 §9.2.3, C-S3;
 * it answers the stolen-authenticator and malware threats of §9.1.3 and §9.1.4). The gate is what opens the
 * {@link AuthenticatorStore}: {@link PinGate} asks for the PIN that is the key store's password; a phone app would
 * plug in a gate that runs the platform biometric prompt and then releases the store's password from a
 * hardware-backed key (Android {@code BiometricPrompt} with a {@code CryptoObject}, iOS Secure Enclave with
 * {@code .biometryCurrentSet}).
 */
@FunctionalInterface
public interface UserVerificationGate {

    /**
     * Verifies the user and opens the store.
     *
     * @throws OobException.WrongPin when the user failed verification and may try again
     * @throws OobException.Locked   when too many failures wiped the store
     */
    AuthenticatorStore.Unlocked unlock(AuthenticatorStore store) throws OobException;
}
