package org.kumiki.platform.api.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Bearer tokens and loopback clients, checked one way by every HTTP front-end. */
public final class HttpClients {

    private HttpClients() {
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header; the scheme is case-insensitive
     * (RFC 9110 11.1) and may be followed by spaces or tabs. Null for another scheme, none or an
     * empty token.
     */
    public static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int sp = 0;
        while (sp < h.length() && h.charAt(sp) != ' ' && h.charAt(sp) != '\t') {
            sp++;
        }
        if (sp == 0 || sp == h.length() || !h.substring(0, sp).equalsIgnoreCase("Bearer")) {
            return null;
        }
        String token = h.substring(sp).trim();
        return token.isEmpty() ? null : token;
    }

    /**
     * Whether a client address (as {@code ServletRequest#getRemoteAddr} gives it: an IPv4 or IPv6
     * literal, IPv6 possibly in brackets) is on the loopback interface. A name is never looked up:
     * anything that is not an address literal is not loopback.
     */
    public static boolean isLoopback(String addr) {
        if (addr == null || addr.isEmpty()) {
            return false;
        }
        String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
        if (a.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return a.startsWith("127.");
        }
        if (!a.matches("[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(a).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
