package org.kumiki.platform.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsolePagesTest {

    private final ConsolePages pages = new ConsolePages();

    private Http get(String pathInfo) throws Exception {
        Http h = new Http();
        h.pathInfo = pathInfo;
        pages.doGet(h.request(), h.response());
        return h;
    }

    @Test
    void theIndexAndItsScriptsAreServedWithAStrictPolicy() throws Exception {
        Http index = get("/");
        assertEquals(200, index.status);
        assertEquals("text/html;charset=utf-8", index.headers.get("Content-Type"));
        assertTrue(index.body().contains("<script src=\"console.js\""), index.body());
        assertTrue(index.headers.get("Content-Security-Policy").contains("script-src 'self'"));
        assertEquals("nosniff", index.headers.get("X-Content-Type-Options"));
        assertEquals("text/javascript;charset=utf-8", get("/console.js").headers.get("Content-Type"));
        Http echarts = get("/echarts.min.js");
        assertEquals(200, echarts.status);
        assertTrue(echarts.body.size() > 500_000, "ECharts is bundled: " + echarts.body.size());
    }

    @Test
    void theBarePathRedirectsToTheIndex() throws Exception {
        Http h = get(null);
        assertEquals(302, h.status);
        assertEquals("/console/", h.headers.get("Location"));
    }

    @Test
    void nothingButOnePlainFileOfThisBundleIsServed() throws Exception {
        for (String p : new String[] {"/../META-INF/MANIFEST.MF", "/..", "/.hidden.js", "/a/b.js", "/%2e%2e/x.js", "/console.js/",
                "/x\\..\\y.js", "/no-such.js", "/TokenSecurityProvider.class", "/index.html\0.js", "/" + "a".repeat(100) + ".js"}) {
            Http h = get(p);
            assertEquals(404, h.status, p);
            assertEquals(1, h.body().strip().lines().count(), h.body());
        }
        assertNull(ConsolePages.resourceName("/org/kumiki/platform/console/internal/ConsolePages.class"));
        assertEquals("index.html", ConsolePages.resourceName("/"));
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        Http h = new Http();
        h.pathInfo = "/console.css";
        h.method = "HEAD";
        pages.doHead(h.request(), h.response());
        assertEquals(200, h.status);
        assertEquals(0, h.body.size());
        assertTrue(Integer.parseInt(h.headers.get("Content-Length")) > 100);
    }
}
