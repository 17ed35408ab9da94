package org.kumiki.platform.console.internal;

import org.kumiki.platform.api.http.HttpClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Secures the Apache Felix Web Console (/system/console) with the platform's bearer tokens: only a
 * token of the {@code admin} role gets in, sent as {@code Authorization: Bearer <token>} or, from a
 * browser, as the password of Basic authentication (any user name). There is no admin/admin: the
 * distributions set {@code felix.webconsole.security.providers=kumiki}, so the Web Console answers
 * nothing until this provider is registered, and this provider outranks the console's built-in one.
 * Plain HTTP from another host is refused, as for the REST API.
 */
@Component(service = SecurityProvider.class, property = {
        SecurityProvider.PROPERTY_ID + "=" + TokenSecurityProvider.ID,
        "service.ranking:Integer=1000"})
public class TokenSecurityProvider implements SecurityProvider {

    /** The id the distributions name in {@code felix.webconsole.security.providers}. */
    public static final String ID = "kumiki";
    static final String REALM = "Kumiki Web Console (any user name, an admin token as password)";
    static final int MAX_HEADER = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(TokenSecurityProvider.class);

    private final AccessControl access;

    @Activate
    public TokenSecurityProvider(@Reference AccessControl access) {
        this.access = access;
    }

    @Override
    public Object authenticate(HttpServletRequest req, HttpServletResponse resp) {
        try {
            if (!req.isSecure() && !loopback(req.getRemoteAddr())) {
                refuse(resp, 403, "plain HTTP from another host is refused: use HTTPS (org.apache.felix.https.enable) or an SSH tunnel");
                return null;
            }
            String token;
            try {
                token = token(req.getHeader("Authorization"));
            } catch (IllegalArgumentException e) {
                challenge(resp, e.getMessage());
                return null;
            }
            if (token == null) {
                challenge(resp, "the web console needs an admin token: Basic authentication with any user name and the token as password, "
                        + "or Authorization: Bearer <token> (an admin makes one with kumiki:token-add NAME admin)");
                return null;
            }
            Optional<Caller> caller = access.byToken(token, Caller.CONSOLE);
            if (caller.isEmpty()) {
                LOG.info("web console: unknown token from {}", req.getRemoteAddr());
                challenge(resp, "unknown or removed token");
                return null;
            }
            Optional<String> refused = access.check(caller.get(), Role.ADMIN, "web console " + req.getMethod() + " /system/console");
            if (refused.isPresent()) {
                refuse(resp, 403, refused.get());
                return null;
            }
            return caller.get();
        } catch (IOException e) {
            LOG.debug("web console: could not answer {}: {}", req.getRemoteAddr(), e.toString());
            return null;
        }
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user instanceof Caller c && c.allows(Role.ADMIN);
    }

    @Override
    public void logout(HttpServletRequest req, HttpServletResponse resp) {
        // Basic authentication has no server-side session: the browser forgets it when closed
    }

    /**
     * The token of an {@code Authorization} header: {@code Bearer TOKEN} or {@code Basic
     * base64(USER:TOKEN)}; null when there is none.
     *
     * @throws IllegalArgumentException (one line) for a malformed header
     */
    static String token(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.length() > MAX_HEADER) {
            throw new IllegalArgumentException("the Authorization header is longer than " + MAX_HEADER + " characters");
        }
        String h = header.strip();
        int sp = h.indexOf(' ');
        String scheme = sp < 0 ? h : h.substring(0, sp);
        String value = sp < 0 ? "" : h.substring(sp + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("the Bearer authorization has no token");
            }
            return value;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the Basic authorization is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the Basic authorization has no ':' between user name and password");
            }
            String password = decoded.substring(colon + 1);
            return password.isEmpty() ? null : password;
        }
        throw new IllegalArgumentException("unsupported authorization scheme: use Basic (the token as password) or Bearer");
    }

    static boolean loopback(String addr) {
        return HttpClients.isLoopback(addr);
    }

    private static void challenge(HttpServletResponse resp, String line) throws IOException {
        resp.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        refuse(resp, 401, line);
    }

    private static void refuse(HttpServletResponse resp, int status, String line) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        resp.flushBuffer();
    }
}
