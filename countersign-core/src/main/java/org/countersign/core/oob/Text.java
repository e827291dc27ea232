package org.countersign.core.oob;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/** Shared value checks: bounded printable text and IP literals parsed without any name lookup. */
final class Text {
    private Text() {}

    /**
     * Text must be NFC (so one visible string has one encoding), free of control characters and unpaired
     * surrogates, and at most {@code maxUtf8} bytes.
     */
    static String printable(String field, String value, int maxUtf8, boolean allowEmpty) {
        if (value == null) {
            throw new OffsetFormatException(field + " is missing");
        }
        if (!allowEmpty && value.isEmpty()) {
            throw new OffsetFormatException(field + " is empty");
        }
        int[] cps = value.codePoints().toArray();
        for (int cp : cps) {
            int type = Character.getType(cp);
            // Format characters include bidi overrides, which could make shown text differ from what is hashed;
            // a lone surrogate cannot be encoded as UTF-8.
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE) {
                throw new OffsetFormatException(field + " has a control, format, private-use or lone surrogate character");
            }
        }
        if (!Normalizer.isNormalized(value, Normalizer.Form.NFC)) {
            throw new OffsetFormatException(field + " is not in Unicode NFC");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > maxUtf8) {
            throw new OffsetFormatException(field + " is longer than " + maxUtf8 + " UTF-8 bytes");
        }
        return value;
    }

    /** Printable ASCII only (ids that travel in URLs and headers). */
    static String ascii(String field, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new OffsetFormatException(field + " must have 1.." + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new OffsetFormatException(field + " must be printable ASCII without spaces");
            }
        }
        return value;
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal without DNS and returns its address bytes (4 or 16).
     * IPv4 must be four decimal parts without leading zeros (the JDK would also take legacy forms like
     * {@code 1.2.3}); IPv6 may not carry a zone id.
     */
    static byte[] ipBytes(String field, String literal) {
        if (literal == null || literal.isEmpty() || literal.length() > 45) {
            throw new OffsetFormatException(field + " is not an IP literal");
        }
        if (literal.indexOf(':') < 0) {
            String[] parts = literal.split("\\.", -1);
            if (parts.length != 4) {
                throw new OffsetFormatException(field + " is not an IPv4 literal");
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                        || (p.length() > 1 && p.charAt(0) == '0')) {
                    throw new OffsetFormatException(field + " is not an IPv4 literal");
                }
                int v = Integer.parseInt(p);
                if (v > 255) {
                    throw new OffsetFormatException(field + " is not an IPv4 literal");
                }
                out[i] = (byte) v;
            }
            return out;
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 128)) {
                throw new OffsetFormatException(field + " is not an IPv6 literal");
            }
        }
        try {
            // With a ':' present and only hex digits, colons and dots, the JDK parses the literal and never
            // resolves a name: an invalid literal throws instead.
            InetAddress a = InetAddress.getByName(literal);
            if (a instanceof Inet6Address six) {
                return six.getAddress();
            }
            if (a instanceof Inet4Address four) {
                // An IPv4-mapped IPv6 literal: keep it in its 16-byte form so the text the caller gave survives.
                byte[] out = new byte[16];
                out[10] = (byte) 0xff;
                out[11] = (byte) 0xff;
                System.arraycopy(four.getAddress(), 0, out, 12, 4);
                return out;
            }
            throw new OffsetFormatException(field + " is not an IP literal");
        } catch (UnknownHostException e) {
            throw new OffsetFormatException(field + " is not an IPv6 literal");
        }
    }

    /** Canonical text for address bytes: dotted quad, or the JDK's full IPv6 form. */
    static String ipText(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff)));
        }
        return sb.toString();
    }

    static String canonicalIp(String field, String literal) {
        return ipText(ipBytes(field, literal));
    }
}
