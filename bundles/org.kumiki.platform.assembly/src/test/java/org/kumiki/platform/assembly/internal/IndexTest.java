package org.kumiki.platform.assembly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The R5 index parser against malformed and hostile documents. */
class IndexTest {

    private static final URI BASE = URI.create("file:///repo/index.xml");
    private static final String HEAD = "<repository xmlns='http://www.osgi.org/xmlns/repository/v1.0.0' name='r' increment='7'>";

    private static String parseError(String xml) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Index.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), BASE, "repository x"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static String resource(String url, String sha) {
        return "<resource><capability namespace='osgi.identity'><attribute name='osgi.identity' value='a.b'/>"
                + "<attribute name='version' type='Version' value='1.2.3'/></capability>"
                + "<capability namespace='osgi.content'><attribute name='osgi.content' value='" + sha + "'/>"
                + "<attribute name='url' value='" + url + "'/><attribute name='size' type='Long' value='10'/></capability></resource>";
    }

    private static final String SHA = "ab".repeat(32);

    @Test
    void parsesResourcesAndReferrals() {
        Index i = Index.parse(new ByteArrayInputStream((HEAD + resource("bundles/a.b-1.2.3.jar", SHA) + "<referral url='features.xml'/></repository>")
                .getBytes(StandardCharsets.UTF_8)), BASE, "r");
        assertEquals("r", i.name);
        assertEquals(7, i.increment);
        assertEquals(List.of("features.xml"), i.referrals);
        Index.Res r = i.resources.get(0);
        assertEquals("a.b 1.2.3", r.toString());
        assertEquals(URI.create("file:///repo/bundles/a.b-1.2.3.jar"), r.url());
        assertTrue(r.hasContent());
    }

    @Test
    void malformedDocumentsFailWithOneLine() {
        assertTrue(parseError("<repository").startsWith("repository x is not a valid repository index: "));
        assertTrue(parseError("<html/>").contains("root element <html> is not <repository>"));
        assertTrue(parseError("").startsWith("repository x is not a valid repository index"));
        assertTrue(parseError(HEAD + "<resource/></repository>").contains("has no osgi.identity capability"));
        assertTrue(parseError(HEAD + resource("bundles/x.jar", "nothex") + "</repository>").contains("osgi.content is not a SHA-256"));
        assertTrue(parseError(HEAD.replace("'7'", "'seven'") + "</repository>").contains("increment 'seven' is not a number"));
        assertTrue(parseError(HEAD + "<resource><capability namespace='osgi.identity'><attribute name='osgi.identity' value='a'/>"
                + "<attribute name='version' type='Version' value='x.y'/></capability></resource></repository>").contains("'x.y' is not a Version"));
    }

    @Test
    void hostileDocumentsAreRefused() {
        // an external entity (XXE) or any DTD is refused before anything is read
        assertTrue(parseError("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>" + HEAD + "&x;</repository>")
                .startsWith("repository x is not a valid repository index"));
        // a jar url that leaves the repository folder
        assertTrue(parseError(HEAD + resource("../../etc/passwd", SHA) + "</repository>").contains("points outside the repository"));
        assertTrue(parseError(HEAD + resource("http://elsewhere.example/a.jar", SHA) + "</repository>").contains("points outside the repository"));
        assertTrue(parseError(HEAD + resource("bundles/a b.jar", SHA) + "</repository>").contains("does not parse"));
    }
}
