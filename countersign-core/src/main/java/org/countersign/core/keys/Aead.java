package org.countersign.core.keys;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.KeyServiceException.Reason;

/** AES-256-GCM with a fresh random 96-bit nonce per message; the only place in this package that runs a cipher. */
final class Aead {
    private Aead() {
    }

    static SealedBlob seal(String keyId, SecretBytes key, ByteArray aad, SecretBytes plaintext, SecureRandom random) {
        byte[] nonce = new byte[SealedBlob.NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] k = key.revealForCrypto();
        byte[] pt = plaintext.revealForCrypto();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(SealedBlob.TAG_LENGTH * 8, nonce));
            c.updateAAD(aad.toByteArray());
            return new SealedBlob(keyId, ByteArray.copyOf(nonce), ByteArray.copyOf(c.doFinal(pt)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(k, (byte) 0);
            Arrays.fill(pt, (byte) 0);
        }
    }

    static SecretBytes open(SecretBytes key, ByteArray aad, SealedBlob blob) {
        byte[] k = key.revealForCrypto();
        byte[] pt = null;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"),
                    new GCMParameterSpec(SealedBlob.TAG_LENGTH * 8, blob.nonce().toByteArray()));
            c.updateAAD(aad.toByteArray());
            pt = c.doFinal(blob.ciphertext().toByteArray());
            return SecretBytes.copyOf(pt);
        } catch (AEADBadTagException e) {
            throw new KeyServiceException(Reason.AUTHENTICATION_FAILED, "ciphertext or associated data altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(k, (byte) 0);
            if (pt != null) {
                Arrays.fill(pt, (byte) 0);
            }
        }
    }
}
