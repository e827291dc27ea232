package org.countersign.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A minimal HTTPS/1.1 keep-alive client whose connection leaves from a chosen loopback address (127.0.0.2, ...),
 * so that one test machine can act as several client addresses; the JDK's HttpClient cannot choose its source.
 */
public final class LoopbackClient implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    public record Reply(int status, String body, String retryAfter) {}

    public LoopbackClient(SSLContext tls, String sourceAddress, int port) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(sourceAddress, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setSoTimeout(30_000);
        socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.startHandshake();
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public Reply send(String method, String path, String token, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        if (token != null) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (json != null) {
            req.append("Content-Type: application/json\r\n");
        }
        req.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.split(" ")[1]);
        int length = 0;
        boolean chunked = false;
        String retryAfter = null;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("retry-after:")) {
                retryAfter = h.substring(12).trim();
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                content.write(in.readNBytes(size));
                line();
            }
            line();
        } else {
            content.write(in.readNBytes(length));
        }
        return new Reply(code, content.toString(StandardCharsets.UTF_8), retryAfter);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c == -1 && b.length() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
