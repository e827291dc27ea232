package org.countersign.core.oob;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureEncoding;
import org.junit.jupiter.api.Test;

/** X.1280 §8.1–8.5 walked through with the core primitives only: what server and agent will each call. */
class X1280FlowTest {
    final SecureRandom random = new SecureRandom();

    @Test
    void X1280_8_flowFromRegistrationToSignedApproval() throws Exception {
        // §8.1 registration: verifier issues a verification key; authenticator registers a P-256 public key (SPKI).
        SecretBytes verificationKey = SecretBytes.random(32, random);
        SecretBytes keyOnPhone = SecretBytes.copyOf(verificationKey.revealForCrypto());
        EcP256Signer phoneKey = EcP256Signer.generate(random);
        EcP256PublicKey registered = EcP256PublicKey.fromSpki(phoneKey.publicKey().spki());

        // §8.2–8.3: verifier builds the offset, computes the code for the RP page, pushes the offset encoding.
        Offset offset = new Offset("203.0.113.10", "rp-session-91", "198.51.100.7", Optional.empty(), "Firefox",
                "133.0", "carol", Instant.parse("2026-04-01T08:00:00.250Z"));
        ServerAuthCode shownOnTerminal = ServerAuthCode.compute(verificationKey, offset, 6);
        ByteArray pushed = offset.encode();

        // phone: decode, compute, show; the user sees equal codes and approves (§8.4); the phone signs (§8.5).
        Offset received = Offset.decode(pushed);
        ServerAuthCode shownOnPhone = ServerAuthCode.compute(keyOnPhone, received, 6);
        assertThat(shownOnPhone.value()).isEqualTo(shownOnTerminal.value());
        ApprovalStatement statement = new ApprovalStatement("req-1", received.hash(), shownOnPhone.value(),
                ApprovalStatement.Decision.APPROVE, Instant.parse("2026-04-01T08:00:09Z"));
        ByteArray signature = phoneKey.sign(statement.encode(), SignatureEncoding.P1363);

        // verifier: decode what arrived, check it refers to this request and offset, check the signature.
        ApprovalStatement arrived = ApprovalStatement.decode(statement.encode());
        assertThat(arrived.offsetHash()).isEqualTo(offset.hash());
        assertThat(shownOnTerminal.matches(arrived.code())).isTrue();
        assertThat(registered.verify(arrived.encode(), signature, SignatureEncoding.P1363)).isTrue();

        // a statement for another decision does not carry over the signature
        ApprovalStatement flipped = new ApprovalStatement("req-1", arrived.offsetHash(), arrived.code(),
                ApprovalStatement.Decision.REJECT, arrived.signedAt());
        assertThat(registered.verify(flipped.encode(), signature, SignatureEncoding.P1363)).isFalse();
    }

    @Test
    void X1280_9_1_relayedLoginFromPhishingSiteShowsDifferentCode() {
        // A relaying proxy reaches the RP from its own address and session, so the offset the verifier pushes to
        // the phone differs from the victim's context, and so does the code the victim is asked to compare.
        SecretBytes key = SecretBytes.random(32, random);
        Offset victim = new Offset("203.0.113.10", "s-victim", "198.51.100.7", Optional.empty(), "Chrome", "131", "dave",
                Instant.parse("2026-04-01T08:00:00Z"));
        Offset proxy = new Offset("203.0.113.10", "s-proxy", "192.0.2.66", Optional.empty(), "Chrome", "131", "dave",
                Instant.parse("2026-04-01T08:00:00Z"));
        assertThat(ServerAuthCode.compute(key, proxy, 8)).isNotEqualTo(ServerAuthCode.compute(key, victim, 8));
    }
}
