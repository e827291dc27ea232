package org.countersign.cli.pam;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/** The three relying-party calls a login needs (docs/oob-api.md): create a request, read its result, cancel it. */
final class VerifierApi {
    private final HttpClient http;
    private final URI base;
    private final String apiKey;

    /** Why a call did not give an answer; which one decides whether the configured fallback may apply. */
    abstract static sealed class Failure extends Exception permits Unreachable, Untrusted, Refused {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No connection, a timeout, or a gateway saying the verifier is down: the only case a fallback covers. */
    static final class Unreachable extends Failure {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** TLS failed: possibly someone in the middle, so never a reason to let anyone in. */
    static final class Untrusted extends Failure {
        Untrusted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The verifier answered with a problem document (RFC 9457). */
    static final class Refused extends Failure {
        final int status;
        final String type;

        Refused(int status, String type, String message) {
            super(message, null);
            this.status = status;
            this.type = type;
        }
    }

    VerifierApi(PamConfig config) throws PamConfig.Invalid {
        this.base = config.verifier();
        this.apiKey = config.apiKey();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout());
        if (config.ca().isPresent()) {
            b.sslContext(trusting(config.ca().get()));
        }
        this.http = b.build();
    }

    Map<String, Object> create(String body) throws Failure {
        return call("POST", "/v1/oob/requests", body, Duration.ofSeconds(30));
    }

    Map<String, Object> result(String requestId, int waitSeconds) throws Failure {
        return call("GET", "/v1/oob/requests/" + enc(requestId) + "?waitSeconds=" + waitSeconds, null,
                Duration.ofSeconds(waitSeconds + 15L));
    }

    Map<String, Object> cancel(String requestId, Duration timeout) throws Failure {
        return call("POST", "/v1/oob/requests/" + enc(requestId) + "/cancel", null, timeout);
    }

    private Map<String, Object> call(String method, String path, String body, Duration timeout) throws Failure {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json");
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (SSLException e) {
            throw new Untrusted("TLS to " + base.getHost() + " failed (" + e.getMessage() + ")", e);
        } catch (HttpConnectTimeoutException e) {
            throw new Unreachable("no connection to " + base.getHost() + " in time", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable(base.getHost() + " did not answer in time", e);
        } catch (ConnectException e) {
            throw new Unreachable("cannot connect to " + base.getHost() + ":" + port(), e);
        } catch (IOException e) {
            if (e.getCause() instanceof SSLException s) {
                throw new Untrusted("TLS to " + base.getHost() + " failed (" + s.getMessage() + ")", e);
            }
            throw new Unreachable("connection to " + base.getHost() + " failed (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 502 || status == 503 || status == 504) {
            throw new Unreachable(base.getHost() + " answered " + status + " (not available)", null);
        }
        Map<String, Object> json;
        try {
            json = Json.object(response.body());
        } catch (IllegalArgumentException e) {
            throw new Refused(status, "", base.getHost() + " answered " + status + " without JSON");
        }
        if (status / 100 != 2) {
            String type = text(json, "type");
            String detail = text(json, "detail").isEmpty() ? text(json, "title") : text(json, "detail");
            throw new Refused(status, type.substring(type.lastIndexOf('/') + 1),
                    detail.isEmpty() ? "the verifier answered " + status : detail);
        }
        return json;
    }

    private int port() {
        return base.getPort() > 0 ? base.getPort() : 443;
    }

    static String text(Map<String, Object> json, String key) {
        Object v = json.get(key);
        return v == null ? "" : v instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : v.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static SSLContext trusting(Path caPem) throws PamConfig.Invalid {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
            ts.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ts.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new PamConfig.Invalid("no certificate in " + caPem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new PamConfig.Invalid("cannot read the CA in " + caPem + ": " + e.getMessage());
        }
    }
}
