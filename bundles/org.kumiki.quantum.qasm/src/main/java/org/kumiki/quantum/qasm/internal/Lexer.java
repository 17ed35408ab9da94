package org.kumiki.quantum.qasm.internal;

import java.util.ArrayList;
import java.util.List;

import org.kumiki.quantum.api.QasmException;

/** Splits OpenQASM text into tokens with 1-based line and column. */
final class Lexer {
    enum T { IDENT, INT, FLOAT, STRING, OP, EOF }

    static final class Tok {
        final T type;
        final String text;
        final int line, col;

        Tok(T type, String text, int line, int col) {
            this.type = type;
            this.text = text;
            this.line = line;
            this.col = col;
        }

        boolean is(String s) { return (type == T.OP || type == T.IDENT) && text.equals(s); }

        @Override
        public String toString() { return type == T.EOF ? "end of input" : "'" + text + "'"; }
    }

    private static final String[] OPS = {"->", "==", "!=", "<=", ">=", "&&", "||", "**", "++", "+=", "-=", "*=", "/=",
            ";", ",", "(", ")", "[", "]", "{", "}", "@", "+", "-", "*", "/", "^", "!", "=", "<", ">", ":", "~", "%", "&", "|", "$", "#"};

    static List<Tok> lex(String src) {
        List<Tok> out = new ArrayList<>();
        int i = 0, line = 1, col = 1, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '\n') { i++; line++; col = 1; continue; }
            if (Character.isWhitespace(c)) { i++; col++; continue; }
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int sl = line, sc = col;
                i += 2; col += 2;
                while (i < n && !(src.charAt(i) == '*' && i + 1 < n && src.charAt(i + 1) == '/')) {
                    if (src.charAt(i) == '\n') { line++; col = 1; } else col++;
                    i++;
                }
                if (i >= n) throw new QasmException(sl, sc, "unterminated comment");
                i += 2; col += 2;
                continue;
            }
            int start = i, sc = col;
            if (Character.isLetter(c) || c == '_' || c == 'π' || c == 'τ' || c == 'ℇ') {
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_' || src.charAt(i) == 'π' || src.charAt(i) == 'τ')) i++;
                out.add(new Tok(T.IDENT, src.substring(start, i), line, sc));
                col += i - start;
                continue;
            }
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
                boolean isFloat = false;
                while (i < n && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                if (i < n && src.charAt(i) == '.') {
                    isFloat = true;
                    i++;
                    while (i < n && Character.isDigit(src.charAt(i))) i++;
                }
                if (i < n && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (j < n && (src.charAt(j) == '+' || src.charAt(j) == '-')) j++;
                    if (j < n && Character.isDigit(src.charAt(j))) {
                        isFloat = true;
                        i = j;
                        while (i < n && Character.isDigit(src.charAt(i))) i++;
                    }
                }
                if (i < n && (Character.isLetter(src.charAt(i)) || src.charAt(i) == '_')) {
                    throw new QasmException(line, col + (i - start), "unexpected character '" + src.charAt(i) + "' in number");
                }
                out.add(new Tok(isFloat ? T.FLOAT : T.INT, src.substring(start, i).replace("_", ""), line, sc));
                col += i - start;
                continue;
            }
            if (c == '"' || c == '\'') {
                i++;
                while (i < n && src.charAt(i) != c && src.charAt(i) != '\n') i++;
                if (i >= n || src.charAt(i) != c) throw new QasmException(line, sc, "unterminated string");
                i++;
                out.add(new Tok(T.STRING, src.substring(start + 1, i - 1), line, sc));
                col += i - start;
                continue;
            }
            String op = null;
            for (String o : OPS) {
                if (src.startsWith(o, i)) { op = o; break; }
            }
            if (op == null) {
                throw new QasmException(line, col, "unexpected character '" + (Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c)) + "'");
            }
            out.add(new Tok(T.OP, op, line, sc));
            i += op.length();
            col += op.length();
        }
        out.add(new Tok(T.EOF, "", line, col));
        return out;
    }
}
