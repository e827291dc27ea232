package org.countersign.core.srp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * Writes src/test/resources/vectors/srp-countersign-v1.json: run {@code main} from the test classpath. The values
 * come from the production sessions with fixed a, b and salt; {@code SrpTest} re-derives all of them independently.
 */
public final class SrpVectorGenerator {
    private SrpVectorGenerator() {}

    static byte[] seed(String label) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format", "countersign SRP-6a vectors v1");
        root.put("generated_by", "SrpVectorGenerator (test sources): production SrpClientSession/SrpServerSession with"
                + " a = SHA-256(\"countersign srp vector a\"), b = SHA-256(\"countersign srp vector b\"),"
                + " salt = SHA-256(\"countersign srp vector salt\"), all as unsigned big-endian integers/bytes;"
                + " definitions of M1, M2 and K in docs/srp.md; every value is re-derived with BigInteger and"
                + " MessageDigest by SrpTest");
        root.put("identity", "alice");
        root.put("password", "correct horse battery staple");
        ArrayNode vectors = root.putArray("vectors");
        HexFormat hex = HexFormat.of().withUpperCase();
        for (SrpGroup group : new SrpGroup[] {SrpGroup.RFC5054_2048, SrpGroup.RFC5054_3072}) {
            SrpParameters p = new SrpParameters(group, SrpDigest.SHA256);
            ByteArray salt = ByteArray.copyOf(seed("countersign srp vector salt"));
            BigInteger a = new BigInteger(1, seed("countersign srp vector a"));
            byte[] b = seed("countersign srp vector b");
            SecretBytes password = SecretBytes.copyOf("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
            SrpVerifier v = SrpVerifier.create(p, "alice", password, salt);
            SrpServerSession server = SrpServerSession.resume(v, SecretBytes.copyOf(b));
            SrpClientSession client = SrpClientSession.startWithPrivateValue(p, "alice", password, salt, a);
            ByteArray m1 = client.computeProof(server.serverPublicB());
            SrpServerProof proof = server.verifyClient(client.clientPublicA(), m1);
            SecretBytes k = client.verifyServer(proof.serverProofM2());
            ObjectNode o = vectors.addObject();
            o.put("group", group.name());
            o.put("hash", "SHA-256");
            o.put("salt", salt.toHex().toUpperCase());
            o.put("a", hex.formatHex(SrpCodec.fixed(a, 32)));
            o.put("b", hex.formatHex(b));
            o.put("v", v.verifier().toHex().toUpperCase());
            o.put("A", client.clientPublicA().toHex().toUpperCase());
            o.put("B", server.serverPublicB().toHex().toUpperCase());
            o.put("M1", m1.toHex().toUpperCase());
            o.put("M2", proof.serverProofM2().toHex().toUpperCase());
            o.put("K", hex.formatHex(k.revealForCrypto()));
        }
        System.out.println(json.writeValueAsString(root));
    }
}
