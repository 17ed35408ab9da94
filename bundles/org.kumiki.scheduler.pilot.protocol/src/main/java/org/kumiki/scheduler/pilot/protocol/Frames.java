package org.kumiki.scheduler.pilot.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The pilot protocol's framing, for both sides (the container's scheduler.pilot and the
 * worker's scheduler.worker): a 4-byte big-endian length, then that many bytes of one UTF-8
 * JSON object. Frames over {@link #MAX} bytes are refused. {@link #hmac} answers the
 * container's challenge with the pilot's secret.
 */
public final class Frames {
    public static final int MAX = 16 << 20;
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Frames() {
    }

    public static ObjectNode read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n <= 0 || n > MAX) throw new IOException("frame of " + n + " bytes (1 to " + MAX + " allowed)");
        byte[] b = new byte[n];
        in.readFully(b);
        var node = MAPPER.readTree(b);
        if (node == null || !node.isObject()) throw new IOException("frame is not a JSON object");
        return (ObjectNode) node;
    }

    public static void write(DataOutputStream out, ObjectNode msg) throws IOException {
        byte[] b = MAPPER.writeValueAsBytes(msg);
        synchronized (out) {
            out.writeInt(b.length);
            out.write(b);
            out.flush();
        }
    }

    public static String hmac(byte[] secret, String nonce) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(nonce.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
