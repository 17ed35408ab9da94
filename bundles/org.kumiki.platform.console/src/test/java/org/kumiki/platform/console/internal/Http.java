package org.kumiki.platform.console.internal;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A request and a response recording what a servlet or provider did, without a mocking library. */
final class Http {
    final Map<String, String> requestHeaders = new HashMap<>();
    final Map<String, String> headers = new HashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    String method = "GET";
    String remote = "127.0.0.1";
    String pathInfo;
    boolean secure;
    int status = 200;

    String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(Http.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getHeader" -> requestHeaders.get(((String) a[0]).toLowerCase());
                    case "getMethod" -> method;
                    case "getRemoteAddr" -> remote;
                    case "getPathInfo" -> pathInfo;
                    case "getContextPath" -> "";
                    case "isSecure" -> secure;
                    case "toString" -> "request";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    HttpServletResponse response() {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(Http.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "setStatus" -> status = (Integer) a[0];
                        case "sendError" -> {
                            status = (Integer) a[0];
                            if (a.length > 1) {
                                body.write(((String) a[1]).getBytes(StandardCharsets.UTF_8));
                            }
                        }
                        case "setHeader" -> headers.put((String) a[0], (String) a[1]);
                        case "setContentType" -> headers.put("Content-Type", (String) a[0]);
                        case "setContentLength" -> headers.put("Content-Length", String.valueOf(a[0]));
                        case "getOutputStream" -> {
                            return out;
                        }
                        case "flushBuffer", "toString" -> {
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });
    }
}
