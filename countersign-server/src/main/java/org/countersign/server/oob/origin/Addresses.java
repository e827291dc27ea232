package org.countersign.server.oob.origin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/** IP literals only: a host name never reaches {@link InetAddress#getByName}, so no lookup leaves this machine. */
final class Addresses {
    private Addresses() {}

    static Optional<InetAddress> literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        boolean v6 = t.indexOf(':') >= 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || (v6 && (c == ':' || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return Optional.empty();
            }
        }
        if (!v6 && t.chars().filter(c -> c == '.').count() != 3) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName(t);
            // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket: place it as IPv4.
            byte[] b = a.getAddress();
            if (b.length == 16 && isMapped(b)) {
                return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
            }
            return Optional.of(a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
