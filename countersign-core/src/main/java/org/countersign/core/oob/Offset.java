package org.countersign.core.oob;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;

/**
 * The X.1280 offset (§8.3): the context of one server-authentication request, from which verifier and
 * authenticator each compute the same code. Every field is validated when the record is built; IP addresses are
 * kept in canonical text (dotted quad, or eight lower-case hex groups) so equal addresses encode equally, and the
 * request time is truncated to milliseconds because the encoding carries milliseconds.
 *
 * <h2>Canonical encoding, version 1</h2>
 * <pre>
 *   magic   'C' 'S' 'O'           3 bytes
 *   version 0x01                   1 byte
 *   then eight fields in this order, each  tag (1 byte) | length (u16, big-endian) | value
 *     0x01 rpServerIp          address bytes, length 4 or 16
 *     0x02 rpSessionId         UTF-8, 1..512 bytes
 *     0x03 terminalPublicIp    address bytes, length 4 or 16
 *     0x04 terminalPrivateIp   address bytes, length 4 or 16; length 0 means absent
 *     0x05 browser             UTF-8, 1..128 bytes
 *     0x06 browserVersion      UTF-8, 1..64 bytes
 *     0x07 userId              UTF-8, 1..256 bytes
 *     0x08 requestTime         length 8, u64 big-endian milliseconds since the Unix epoch
 * </pre>
 * Decoding refuses another magic or version, tags out of order, lengths out of range and trailing bytes, then
 * re-validates the values, so each offset has exactly one encoding. {@link #hash()} is SHA-256 of it.
 *
 * @param rpServerIp        IP address of the relying-party server
 * @param rpSessionId       session id between the user terminal and the relying party
 * @param terminalPublicIp  public IP address of the user terminal as the relying party sees it
 * @param terminalPrivateIp private IP address of the user terminal, when the page could learn it
 * @param browser           browser name of the user terminal
 * @param browserVersion    browser version of the user terminal
 * @param userId            user id typed at the terminal (X.1280 §8.2)
 * @param requestTime       when the user asked for server authentication
 */
public record Offset(
        String rpServerIp,
        String rpSessionId,
        String terminalPublicIp,
        Optional<String> terminalPrivateIp,
        String browser,
        String browserVersion,
        String userId,
        Instant requestTime) {

    /** Current encoding version. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'C', 'S', 'O'};
    static final int MAX_SESSION_ID = 512;
    static final int MAX_BROWSER = 128;
    static final int MAX_BROWSER_VERSION = 64;
    static final int MAX_USER_ID = 256;

    public Offset {
        rpServerIp = Text.canonicalIp("rpServerIp", rpServerIp);
        rpSessionId = Text.printable("rpSessionId", rpSessionId, MAX_SESSION_ID, false);
        terminalPublicIp = Text.canonicalIp("terminalPublicIp", terminalPublicIp);
        Objects.requireNonNull(terminalPrivateIp, "terminalPrivateIp");
        terminalPrivateIp = terminalPrivateIp.map(ip -> Text.canonicalIp("terminalPrivateIp", ip));
        browser = Text.printable("browser", browser, MAX_BROWSER, false);
        browserVersion = Text.printable("browserVersion", browserVersion, MAX_BROWSER_VERSION, false);
        userId = Text.printable("userId", userId, MAX_USER_ID, false);
        Objects.requireNonNull(requestTime, "requestTime");
        if (requestTime.isBefore(Instant.EPOCH)) {
            throw new OffsetFormatException("requestTime before 1970");
        }
        requestTime = requestTime.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The version-1 canonical bytes (see the class comment). */
    public ByteArray encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(MAGIC);
        out.write(VERSION);
        field(out, 1, Text.ipBytes("rpServerIp", rpServerIp));
        field(out, 2, utf8(rpSessionId));
        field(out, 3, Text.ipBytes("terminalPublicIp", terminalPublicIp));
        field(out, 4, terminalPrivateIp.map(ip -> Text.ipBytes("terminalPrivateIp", ip)).orElse(new byte[0]));
        field(out, 5, utf8(browser));
        field(out, 6, utf8(browserVersion));
        field(out, 7, utf8(userId));
        field(out, 8, ByteBuffer.allocate(8).putLong(requestTime.toEpochMilli()).array());
        return ByteArray.copyOf(out.toByteArray());
    }

    /** SHA-256 of {@link #encode()}: what the OCRA question and the approval statement carry. */
    public ByteArray hash() {
        try {
            return ByteArray.copyOf(MessageDigest.getInstance("SHA-256").digest(encode().toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Strict inverse of {@link #encode()}. */
    public static Offset decode(ByteArray encoded) {
        Reader r = new Reader(encoded.toByteArray());
        r.magic(MAGIC, VERSION);
        String rpIp = Text.ipText(r.ip(1, false));
        String session = r.text(2, MAX_SESSION_ID);
        String pubIp = Text.ipText(r.ip(3, false));
        byte[] priv = r.ip(4, true);
        String br = r.text(5, MAX_BROWSER);
        String ver = r.text(6, MAX_BROWSER_VERSION);
        String user = r.text(7, MAX_USER_ID);
        byte[] time = r.field(8, 8, 8);
        r.end();
        long millis = ByteBuffer.wrap(time).getLong();
        return new Offset(rpIp, session, pubIp, priv.length == 0 ? Optional.empty() : Optional.of(Text.ipText(priv)),
                br, ver, user, Instant.ofEpochMilli(millis));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void field(ByteArrayOutputStream out, int tag, byte[] value) {
        if (value.length > 0xffff) {
            throw new OffsetFormatException("field too long");
        }
        out.write(tag);
        out.write(value.length >>> 8);
        out.write(value.length & 0xff);
        out.writeBytes(value);
    }

    /** Cursor over a tagged encoding; every failure is an {@link OffsetFormatException}. */
    static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        void magic(byte[] magic, int version) {
            if (data.length < magic.length + 1) {
                throw new OffsetFormatException("encoding too short");
            }
            for (int i = 0; i < magic.length; i++) {
                if (data[i] != magic[i]) {
                    throw new OffsetFormatException("wrong magic");
                }
            }
            if ((data[magic.length] & 0xff) != version) {
                throw new OffsetFormatException("unknown encoding version " + (data[magic.length] & 0xff));
            }
            pos = magic.length + 1;
        }

        byte[] field(int tag, int min, int max) {
            if (pos + 3 > data.length) {
                throw new OffsetFormatException("truncated before field " + tag);
            }
            if ((data[pos] & 0xff) != tag) {
                throw new OffsetFormatException("expected field " + tag + ", found " + (data[pos] & 0xff));
            }
            int len = ((data[pos + 1] & 0xff) << 8) | (data[pos + 2] & 0xff);
            pos += 3;
            if (len < min || len > max) {
                throw new OffsetFormatException("field " + tag + " has a bad length " + len);
            }
            if (pos + len > data.length) {
                throw new OffsetFormatException("field " + tag + " runs past the end");
            }
            byte[] v = java.util.Arrays.copyOfRange(data, pos, pos + len);
            pos += len;
            return v;
        }

        byte[] ip(int tag, boolean optional) {
            byte[] v = field(tag, optional ? 0 : 4, 16);
            if (v.length != 0 && v.length != 4 && v.length != 16) {
                throw new OffsetFormatException("field " + tag + " is not an IPv4 or IPv6 address");
            }
            return v;
        }

        String text(int tag, int max) {
            byte[] v = field(tag, 1, max);
            var decoder = StandardCharsets.UTF_8.newDecoder();
            try {
                return decoder.decode(ByteBuffer.wrap(v)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new OffsetFormatException("field " + tag + " is not UTF-8");
            }
        }

        String ascii(int tag, int min, int max) {
            byte[] v = field(tag, min, max);
            for (byte b : v) {
                if (b < 0x21 || b > 0x7e) {
                    throw new OffsetFormatException("field " + tag + " is not printable ASCII");
                }
            }
            return new String(v, StandardCharsets.US_ASCII);
        }

        void end() {
            if (pos != data.length) {
                throw new OffsetFormatException((data.length - pos) + " trailing bytes");
            }
        }
    }
}
