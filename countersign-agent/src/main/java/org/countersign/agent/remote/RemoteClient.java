package org.countersign.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.channel.ChannelKeys;
import org.countersign.core.client.ProblemDocument;
import org.countersign.core.srp.SrpClientSession;
import org.countersign.core.srp.SrpDigest;
import org.countersign.core.srp.SrpException;
import org.countersign.core.srp.SrpGroup;
import org.countersign.core.srp.SrpParameters;
import org.countersign.core.srp.SrpVerifier;

/**
 * The device side of the remote protocol's clear-text part: enrolment of the device and the SRP-6a handshake that
 * opens a {@link RemoteSession} (X.1279 §8.2.x step 2; A-G7). Everything after the handshake is sealed.
 */
public final class RemoteClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI server;
    private final HttpClient http;
    private final SecureRandom random;
    private final Clock clock;

    public RemoteClient(URI server, HttpClient http, SecureRandom random, Clock clock) {
        this.server = Objects.requireNonNull(server, "server");
        this.http = Objects.requireNonNull(http, "http");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public URI server() {
        return server;
    }

    /**
     * An HTTPS client that trusts only {@code caPem} when given (the verifier's own CA, printed at its first start),
     * or the JDK's trust store otherwise.
     */
    public static HttpClient httpClient(java.util.Optional<java.nio.file.Path> caPem) throws RemoteException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caPem.isPresent()) {
            try (var in = java.nio.file.Files.newInputStream(caPem.get())) {
                var ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
                java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("ca", ca);
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
                b.sslContext(ctx);
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw RemoteException.local("cannot use CA certificate " + caPem.get() + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    /**
     * Enrols this device with a one-time code the RP issued after authenticating the user its own way
     * (X.1279 §8.2.1 pre-condition). A fresh secret is drawn here and only its SRP verifier is sent.
     */
    public DeviceCredential enrol(String tenant, String enrolmentCode) throws RemoteException {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String deviceId = "d-" + ByteArray.copyOf(id).toBase64Url();
        SecretBytes secret = SecretBytes.random(32, random);
        SrpVerifier v = SrpVerifier.create(SrpParameters.DEFAULT, deviceId, secret, random);
        ObjectNode body = JSON.createObjectNode().put("tenant", tenant).put("enrolmentCode", enrolmentCode)
                .put("deviceId", deviceId).put("srpGroup", v.parameters().group().name())
                .put("srpHash", v.parameters().digest().name()).put("salt", v.salt().toBase64Url())
                .put("verifier", v.verifier().toBase64Url());
        JsonNode r = postJson("/v1/remote/devices", body);
        return new DeviceCredential(tenant, deviceId, r.path("userId").asText(), r.path("deviceType").asText(), secret);
    }

    /** The SRP-6a handshake (docs/srp.md): two round trips, then the channel keys per direction. */
    public RemoteSession login(DeviceCredential device) throws RemoteException {
        JsonNode offer = postJson("/v1/remote/sessions", JSON.createObjectNode().put("tenant", device.tenant())
                .put("deviceId", device.deviceId()));
        String sessionId = offer.path("sessionId").asText();
        SrpParameters params;
        try {
            params = new SrpParameters(SrpGroup.valueOf(offer.path("srpGroup").asText()),
                    SrpDigest.valueOf(offer.path("srpHash").asText()));
        } catch (IllegalArgumentException e) {
            throw RemoteException.local("server offered unknown SRP parameters");
        }
        if (params.isTestOnly()) {
            throw RemoteException.local("server offered a test-only SRP group");
        }
        SrpClientSession srp = SrpClientSession.start(params, device.deviceId(), device.secret(),
                ByteArray.fromBase64Url(offer.path("salt").asText()), random);
        ByteArray m1;
        try {
            m1 = srp.computeProof(ByteArray.fromBase64Url(offer.path("serverPublicB").asText()));
        } catch (SrpException e) {
            throw RemoteException.local("server's B refused: " + e.getMessage());
        }
        JsonNode opened = postJson("/v1/remote/sessions/" + sessionId + "/proof", JSON.createObjectNode()
                .put("clientPublicA", srp.clientPublicA().toBase64Url()).put("clientProofM1", m1.toBase64Url()));
        SecretBytes k;
        try {
            k = srp.verifyServer(ByteArray.fromBase64Url(opened.path("serverProofM2").asText()));
        } catch (SrpException e) {
            // The server did not prove it holds the verifier: never use this key (RFC 5054, docs/srp.md step 5).
            throw RemoteException.local("server proof M2 refused: " + e.getMessage());
        }
        ByteArray sid = ByteArray.fromBase64Url(sessionId);
        return new RemoteSession(this, device.deviceId(), sessionId, ChannelKeys.derive(k, sid), clock);
    }

    JsonNode postJson(String path, JsonNode body) throws RemoteException {
        HttpRequest req = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<byte[]> r = send(req);
        if (r.statusCode() / 100 != 2) {
            throw problem(r);
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw RemoteException.local("server answer is not JSON");
        }
    }

    /** Posts raw bytes; returns the raw response (status and body) without interpreting it. */
    public HttpResponse<byte[]> postBytes(String path, String clientId, byte[] body) throws RemoteException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (clientId != null) {
            b.header("Countersign-Client", clientId);
        }
        return send(b.build());
    }

    private HttpResponse<byte[]> send(HttpRequest req) throws RemoteException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw RemoteException.unreachable(server, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RemoteException.local("interrupted");
        }
    }

    static RemoteException problem(HttpResponse<byte[]> r) {
        return RemoteException.of(ProblemDocument.parse(r.statusCode(), r.body()));
    }
}
