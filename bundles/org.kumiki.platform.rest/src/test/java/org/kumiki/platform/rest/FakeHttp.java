package org.kumiki.platform.rest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A request/response pair without a servlet container, for ApiServlet's unit tests. */
final class FakeHttp {

    String method = "GET";
    String pathInfo = "";
    String remote = "127.0.0.1";
    boolean secure;
    byte[] body = new byte[0];
    String contentType = "application/json";
    final Map<String, String> headers = new HashMap<>();
    final Map<String, String[]> params = new HashMap<>();

    int status = 200;
    final Map<String, String> respHeaders = new LinkedHashMap<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static FakeHttp call(String method, String path) {
        FakeHttp f = new FakeHttp();
        f.method = method;
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String kv : path.substring(q + 1).split("&")) {
                String[] p = kv.split("=", 2);
                f.params.merge(p[0], new String[] {p.length > 1 ? p[1] : ""}, (a, b) -> {
                    String[] c = new String[a.length + b.length];
                    System.arraycopy(a, 0, c, 0, a.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
            }
            path = path.substring(0, q);
        }
        f.pathInfo = path;
        return f;
    }

    FakeHttp token(String t) {
        headers.put("Authorization", "Bearer " + t);
        return this;
    }

    FakeHttp body(String json) {
        body = json.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    FakeHttp header(String k, String v) {
        headers.put(k, v);
        return this;
    }

    String text() {
        return out.toString(StandardCharsets.UTF_8);
    }

    FakeHttp run(ApiServlet s) throws Exception {
        s.service(request(), response());
        return this;
    }

    HttpServletRequest request() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        ServletInputStream sin = new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener l) {
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "getMethod": return method;
                case "getPathInfo": return pathInfo;
                case "getRemoteAddr": return remote;
                case "isSecure": return secure;
                case "getHeader": return headers.get((String) a[0]);
                case "getParameterValues": return params.get((String) a[0]);
                case "getParameter": { String[] v = params.get((String) a[0]); return v == null ? null : v[0]; }
                case "getInputStream": return sin;
                case "getContentType": return contentType;
                case "getContentLengthLong": return (long) body.length;
                case "getContentLength": return body.length;
                case "isAsyncStarted": return false;
                case "isAsyncSupported": return false;
                default: return null;
            }
        });
    }

    HttpServletResponse response() {
        ServletOutputStream sout = new ServletOutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "setStatus": status = (Integer) a[0]; return null;
                case "setHeader": respHeaders.put((String) a[0], (String) a[1]); return null;
                case "getOutputStream": return sout;
                case "isCommitted": return false;
                case "reset": respHeaders.clear(); out.reset(); return null;
                default: return null;
            }
        });
    }
}
