package org.kumiki.platform.assembly.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Version;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * An OSGi R5 repository document ({@code http://www.osgi.org/xmlns/repository/v1.0.0}) parsed
 * into resources. No DTD, no external entities; a malformed document fails with one line.
 */
public final class Index {

    public static final String NS = "http://www.osgi.org/xmlns/repository/v1.0.0";
    public static final String CONTENT_NS = "osgi.content";
    public static final String FEATURE_TYPE = "kumiki.feature";

    public final String name;
    public final long increment;
    public final List<Res> resources;
    public final List<String> referrals;

    Index(String name, long increment, List<Res> resources, List<String> referrals) {
        this.name = name;
        this.increment = increment;
        this.resources = resources;
        this.referrals = referrals;
    }

    /** Parses a document; {@code base} is the URI relative {@code url}s are resolved against. */
    public static Index parse(InputStream in, URI base, String what) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            doc = b.parse(in);
        } catch (SAXException e) {
            throw new IllegalArgumentException(what + " is not a valid repository index: " + oneLine(e.getMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " could not be read: " + oneLine(e.getMessage()));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        Element root = doc.getDocumentElement();
        if (!"repository".equals(root.getLocalName()) || !NS.equals(root.getNamespaceURI())) {
            throw new IllegalArgumentException(what + " is not a repository index: root element <" + root.getNodeName()
                    + "> is not <repository> in namespace " + NS);
        }
        String name = root.getAttribute("name");
        long increment = 0;
        if (!root.getAttribute("increment").isEmpty()) {
            try {
                increment = Long.parseLong(root.getAttribute("increment"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": increment '" + root.getAttribute("increment") + "' is not a number");
            }
        }
        List<Res> resources = new ArrayList<>();
        List<String> referrals = new ArrayList<>();
        int n = 0;
        for (Element e : children(root)) {
            if ("resource".equals(e.getLocalName())) {
                n++;
                resources.add(resource(e, base, what + " resource " + n));
            } else if ("referral".equals(e.getLocalName())) {
                String url = e.getAttribute("url");
                if (url.isEmpty()) throw new IllegalArgumentException(what + ": <referral> without url");
                referrals.add(url);
            }
        }
        return new Index(name.isEmpty() ? base.toString() : name, increment, resources, referrals);
    }

    private static Res resource(Element e, URI base, String what) {
        Res r = new Res();
        for (Element c : children(e)) {
            String ns = c.getAttribute("namespace");
            if (ns.isEmpty()) throw new IllegalArgumentException(what + ": <" + c.getLocalName() + "> without namespace");
            Map<String, Object> attrs = new LinkedHashMap<>();
            Map<String, String> dirs = new LinkedHashMap<>();
            for (Element a : children(c)) {
                String an = a.getAttribute("name");
                if (an.isEmpty()) throw new IllegalArgumentException(what + ": <" + a.getLocalName() + "> without name in " + ns);
                if ("attribute".equals(a.getLocalName())) {
                    attrs.put(an, typed(a.getAttribute("type"), a.getAttribute("value"), what + " attribute " + an));
                } else if ("directive".equals(a.getLocalName())) {
                    dirs.put(an, a.getAttribute("value"));
                }
            }
            if ("capability".equals(c.getLocalName())) {
                r.caps.add(new Cap(r, ns, attrs, dirs));
            } else if ("requirement".equals(c.getLocalName())) {
                r.reqs.add(new Req(r, ns, attrs, dirs));
            }
        }
        Capability id = r.first(IdentityNamespace.IDENTITY_NAMESPACE);
        if (id == null || !(id.getAttributes().get(IdentityNamespace.IDENTITY_NAMESPACE) instanceof String)) {
            throw new IllegalArgumentException(what + " has no osgi.identity capability");
        }
        r.name = (String) id.getAttributes().get(IdentityNamespace.IDENTITY_NAMESPACE);
        Object v = id.getAttributes().get(IdentityNamespace.CAPABILITY_VERSION_ATTRIBUTE);
        r.version = v instanceof Version ? (Version) v : v == null ? Version.emptyVersion : parseVersion(v.toString(), what);
        Object t = id.getAttributes().get(IdentityNamespace.CAPABILITY_TYPE_ATTRIBUTE);
        r.type = t == null ? IdentityNamespace.TYPE_BUNDLE : t.toString();
        Object d = id.getAttributes().get("description");
        r.description = d == null ? "" : oneLine(d.toString());
        Capability content = r.first(CONTENT_NS);
        if (content != null) {
            Object sha = content.getAttributes().get(CONTENT_NS);
            Object url = content.getAttributes().get("url");
            if (!(sha instanceof String) || !((String) sha).matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(what + " (" + r.name + "): osgi.content is not a SHA-256");
            }
            if (!(url instanceof String) || ((String) url).isEmpty()) {
                throw new IllegalArgumentException(what + " (" + r.name + "): osgi.content has no url");
            }
            r.sha256 = ((String) sha).toLowerCase();
            r.url = Locations.resolveInside(base, (String) url, what + " (" + r.name + ")");
            Object size = content.getAttributes().get("size");
            r.size = size instanceof Long ? (Long) size : -1;
        }
        return r;
    }

    static Object typed(String type, String value, String what) {
        if (type == null || type.isEmpty() || type.equals("String")) return value;
        try {
            switch (type) {
                case "Version": return Version.parseVersion(value.trim());
                case "Long": return Long.valueOf(value.trim());
                case "Double": return Double.valueOf(value.trim());
                case "List<String>": return split(value, s -> s);
                case "List<Version>": return split(value, s -> Version.parseVersion(s.trim()));
                case "List<Long>": return split(value, s -> Long.valueOf(s.trim()));
                case "List<Double>": return split(value, s -> Double.valueOf(s.trim()));
                default: throw new IllegalArgumentException(what + ": unknown type '" + type + "'");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(what)) throw e;
            throw new IllegalArgumentException(what + ": '" + value + "' is not a " + type);
        }
    }

    private static <T> List<T> split(String value, java.util.function.Function<String, T> f) {
        List<T> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' && i + 1 < value.length()) {
                cur.append(value.charAt(++i));
            } else if (ch == ',') {
                out.add(f.apply(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(f.apply(cur.toString()));
        return Collections.unmodifiableList(out);
    }

    private static Version parseVersion(String v, String what) {
        try {
            return Version.parseVersion(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": version '" + v + "' does not parse");
        }
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        NodeList nl = e.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            if (nl.item(i).getNodeType() == Node.ELEMENT_NODE) out.add((Element) nl.item(i));
        }
        return out;
    }

    static String oneLine(String s) {
        if (s == null) return "";
        return s.replaceAll("[\\p{Cntrl}\\s]+", " ").trim();
    }

    /** A resource of a repository: a bundle (with content) or a feature (without). */
    public static final class Res implements Resource {
        final List<Capability> caps = new ArrayList<>();
        final List<Requirement> reqs = new ArrayList<>();
        String name;
        Version version;
        String type;
        String description;
        String sha256;
        URI url;
        long size;
        String repository;

        public String name() { return name; }
        public Version version() { return version; }
        public String type() { return type; }
        public String sha256() { return sha256; }
        public URI url() { return url; }
        public boolean isFeature() { return FEATURE_TYPE.equals(type); }
        public boolean isFragment() { return IdentityNamespace.TYPE_FRAGMENT.equals(type); }
        public boolean hasContent() { return sha256 != null; }

        Capability first(String ns) {
            for (Capability c : caps) if (c.getNamespace().equals(ns)) return c;
            return null;
        }

        @Override
        public List<Capability> getCapabilities(String namespace) {
            if (namespace == null) return Collections.unmodifiableList(caps);
            List<Capability> out = new ArrayList<>();
            for (Capability c : caps) if (c.getNamespace().equals(namespace)) out.add(c);
            return out;
        }

        @Override
        public List<Requirement> getRequirements(String namespace) {
            if (namespace == null) return Collections.unmodifiableList(reqs);
            List<Requirement> out = new ArrayList<>();
            for (Requirement c : reqs) if (c.getNamespace().equals(namespace)) out.add(c);
            return out;
        }

        @Override
        public String toString() {
            return name + " " + version;
        }
    }

    abstract static class Part {
        final Resource resource;
        final String namespace;
        final Map<String, Object> attributes;
        final Map<String, String> directives;

        Part(Resource resource, String namespace, Map<String, Object> attributes, Map<String, String> directives) {
            this.resource = resource;
            this.namespace = namespace;
            this.attributes = Collections.unmodifiableMap(attributes);
            this.directives = Collections.unmodifiableMap(directives);
        }

        public String getNamespace() { return namespace; }
        public Map<String, String> getDirectives() { return directives; }
        public Map<String, Object> getAttributes() { return attributes; }
        public Resource getResource() { return resource; }

        @Override
        public String toString() {
            return namespace + attributes + directives;
        }
    }

    /** A capability (of a repository resource or a synthetic one). */
    public static final class Cap extends Part implements Capability {
        public Cap(Resource r, String ns, Map<String, Object> a, Map<String, String> d) { super(r, ns, a, d); }

        @Override
        public boolean equals(Object o) { return this == o; }

        @Override
        public int hashCode() { return System.identityHashCode(this); }
    }

    /** A requirement (of a repository resource or a synthetic one). */
    public static final class Req extends Part implements Requirement {
        public Req(Resource r, String ns, Map<String, Object> a, Map<String, String> d) { super(r, ns, a, d); }

        String filter() { return directives.get(Namespace.REQUIREMENT_FILTER_DIRECTIVE); }

        @Override
        public boolean equals(Object o) { return this == o; }

        @Override
        public int hashCode() { return System.identityHashCode(this); }
    }

    @Override
    public String toString() {
        return name + " (" + resources.size() + " resources)";
    }

    static boolean same(Object a, Object b) { return Objects.equals(a, b); }
}
