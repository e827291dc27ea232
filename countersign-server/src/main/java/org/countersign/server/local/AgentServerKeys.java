package org.countersign.server.local;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.AssociatedData;
import org.countersign.core.keys.KeyService;
import org.countersign.core.keys.SealedBlob;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.core.sig.SignatureFormatException;
import org.countersign.server.store.Jdbc;

/**
 * The per-tenant ECDSA P-256 key that signs challenges for the native agent (SR-C-5). Created on first use; when
 * two nodes race, the first insert wins and both read that row back, so every node signs with the same key.
 */
final class AgentServerKeys {
    static final String PURPOSE = "local-agent-server-key";

    private final Jdbc jdbc;
    private final KeyService keys;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, EcP256Signer> cache = new ConcurrentHashMap<>();

    AgentServerKeys(Jdbc jdbc, KeyService keys, SecureRandom random, Clock clock) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.random = random;
        this.clock = clock;
    }

    /** SPKI DER of the tenant's key, for the app to pin. */
    ByteArray publicKey(String tenantId) {
        return signer(tenantId).publicKey().spki();
    }

    ByteArray sign(String tenantId, ByteArray message) {
        return signer(tenantId).sign(message, SignatureEncoding.DER);
    }

    private EcP256Signer signer(String tenantId) {
        return cache.computeIfAbsent(tenantId, this::loadOrCreate);
    }

    private EcP256Signer loadOrCreate(String tenantId) {
        AssociatedData ad = new AssociatedData(tenantId, "agent-challenges", PURPOSE);
        if (load(tenantId, ad) == null) {
            KeyPair fresh;
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), random);
                fresh = g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK cannot make P-256 keys", e);
            }
            byte[] pkcs8 = fresh.getPrivate().getEncoded();
            String sealed = keys.seal(PURPOSE, ad, SecretBytes.copyOf(pkcs8)).toText();
            Arrays.fill(pkcs8, (byte) 0);
            byte[] spki = fresh.getPublic().getEncoded();
            jdbc.update("insert into local_agent_server_keys (tenant_id, public_key, private_key, created_at)"
                    + " values (?, ?, ?, ?) on conflict do nothing", ps -> {
                        ps.setString(1, tenantId);
                        ps.setBytes(2, spki);
                        ps.setString(3, sealed);
                        ps.setTimestamp(4, Timestamp.from(clock.instant()));
                    });
        }
        EcP256Signer s = load(tenantId, ad);
        if (s == null) {
            throw new IllegalStateException("agent server key missing after insert");
        }
        return s;
    }

    private EcP256Signer load(String tenantId, AssociatedData ad) {
        return jdbc.queryOne("select public_key, private_key from local_agent_server_keys where tenant_id = ?",
                ps -> ps.setString(1, tenantId), rs -> {
                    SecretBytes pkcs8 = keys.open(SealedBlob.fromText(rs.getString("private_key")), ad);
                    try {
                        ECPrivateKey k = (ECPrivateKey) KeyFactory.getInstance("EC")
                                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8.revealForCrypto()));
                        return EcP256Signer.of(k, EcP256PublicKey.fromSpki(ByteArray.copyOf(rs.getBytes("public_key"))));
                    } catch (GeneralSecurityException | SignatureFormatException e) {
                        throw new IllegalStateException("stored agent server key is unreadable", e);
                    } finally {
                        pkcs8.destroy();
                    }
                }).orElse(null);
    }
}
