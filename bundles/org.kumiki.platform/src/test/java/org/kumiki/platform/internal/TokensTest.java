package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.Role;

/** The tokens file: NAME ROLE sha256:HEX, comments, and one refusal per hostile line. */
class TokensTest {

    @Test
    void aTokenIsFoundByItsDigestAndNothingElse() {
        List<String> lines = List.of("# tokens", "", Tokens.line("alice", Role.OPERATOR, "secret-a"), "  " + Tokens.line("bob", Role.ADMIN, "secret-b") + "  ");
        Tokens.Parsed p = Tokens.parse(lines);
        assertEquals(List.of(), p.problems());
        Tokens t = new Tokens(p.tokens());
        assertEquals("alice", t.find("secret-a").name());
        assertEquals(Role.OPERATOR, t.find("secret-a").role());
        assertEquals(Role.ADMIN, t.find("secret-b").role());
        assertNull(t.find("secret-c"));
        assertNull(t.find(""));
        assertNull(t.find(null));
        assertNull(t.find("x".repeat(Tokens.MAX_TOKEN_CHARS + 1)));
        assertTrue(Tokens.line("alice", Role.OPERATOR, "secret-a").matches("alice operator sha256:[0-9a-f]{64}"));
    }

    @Test
    void eachHostileLineIsRefusedWithItsNumberAndTheOthersAreKept() {
        String d = Tokens.line("x", Role.VIEWER, "t1").split(" ")[2];
        List<String> lines = List.of(
                "big viewer " + d + " " + "x".repeat(20_000),              // 1
                "carol superuser " + d,                                      // 2 bad role
                "dave viewer sha256:xyz",                                    // 3 bad digest
                "dave viewer md5:0123456789abcdef0123456789abcdef",         // 4 bad digest
                "-eve viewer " + d,                                          // 5 bad name
                "frank viewer",                                              // 6 two fields
                "alice admin " + d,                                          // 7 good
                "alice viewer " + Tokens.line("y", Role.VIEWER, "t2").split(" ")[2], // 8 duplicate name
                "george viewer " + d.toUpperCase().replace("SHA256", "sha256"));     // 9 same digest
        Tokens.Parsed p = Tokens.parse(lines);
        assertEquals(1, p.tokens().size());
        assertEquals("alice", p.tokens().get(0).name());
        String[] expect = {"line 1: longer than", "line 2: unknown role 'superuser'", "line 3: token 'dave': the digest",
            "line 4: token 'dave': the digest", "line 5: bad name '-eve'", "line 6: expected NAME ROLE sha256:HEX",
            "line 8: a token named 'alice' is already defined", "line 9: token 'george' has the same digest"};
        assertEquals(expect.length, p.problems().size(), String.join("\n", p.problems()));
        for (int i = 0; i < expect.length; i++) assertTrue(p.problems().get(i).startsWith(expect[i]), p.problems().get(i));
        assertNotNull(new Tokens(p.tokens()).find("t1"));
    }

    @Test
    void nameOfReadsOnlyWellFormedLines() {
        assertEquals("alice", Tokens.nameOf("alice viewer sha256:00"));
        assertNull(Tokens.nameOf("# alice viewer sha256:00"));
        assertNull(Tokens.nameOf("alice viewer"));
    }
}
