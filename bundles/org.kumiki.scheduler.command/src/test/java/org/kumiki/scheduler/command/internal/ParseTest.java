package org.kumiki.scheduler.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.DependencyDTO;

class ParseTest {

    /** The message is one line and names the option and (a prefix of) the value. */
    static IllegalArgumentException rejects(String option, String value, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertTrue(m.contains(option), "names the option: " + m);
        String shown = Parse.shown(value);
        assertTrue(m.contains("'" + shown.substring(0, Math.min(20, shown.length()))), "names the value: " + m);
        return e;
    }

    // ---- memory

    @Test
    void memoryAcceptsPlainBytesAndBinaryUnits() {
        assertEquals(1048576L, Parse.memory("--mem", "1048576"));
        assertEquals(512L << 20, Parse.memory("--mem", "512M"));
        assertEquals(4L << 30, Parse.memory("--mem", "4G"));
        assertEquals(4L << 30, Parse.memory("--mem", "4g"));
        assertEquals(1024L << 10, Parse.memory("--mem", "1024K"));
        assertEquals(2L << 40, Parse.memory("--mem", "2T"));
        assertEquals(1L << 50, Parse.memory("--mem", "1P"));
        assertEquals(512L << 20, Parse.memory("--mem", "512MB"));
        assertEquals(512L << 20, Parse.memory("--mem", "512MiB"));
        assertEquals(100L, Parse.memory("--mem", "100B"));
        assertEquals(0L, Parse.memory("--mem", "0"));
        assertEquals(3L << 29, Parse.memory("--mem", "1.5G"));
        assertEquals(2L, Parse.memory("--mem", "1.1B"), "fractions round up to whole bytes");
        assertEquals(4L << 30, Parse.memory("--mem", " 4G "));
    }

    @Test
    void memoryAtTheLimitOfALong() {
        assertEquals(Long.MAX_VALUE, Parse.memory("--mem", String.valueOf(Long.MAX_VALUE)));
        assertEquals(7L << 60, Parse.memory("--mem", "7E"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12Q", "", " ", "-5", "-5G", "G", "4GG", "4 G B X", "1e9", "0x10", "4iB", "1,5G", "١٢M", "４G", "4G\u0000", "NaN",
            "Infinity", "4 GiBs", "+4G", "4.G", ".5G"})
    void memoryRejectsMalformedSizes(String v) {
        IllegalArgumentException e = rejects("--mem", v, () -> Parse.memory("--mem", v));
        assertTrue(e.getMessage().contains("512M"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999T", "8E", "9223372036854775808", "99999999999999999999999999999999999999999999999999", "16777216T"})
    void memoryRejectsOverflow(String v) {
        IllegalArgumentException e = rejects("--mem", v, () -> Parse.memory("--mem", v));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void memoryRejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> Parse.memory("--mem", null));
    }

    @Test
    void hugeValuesAreCutInMessages() {
        String v = "9".repeat(100_000) + "Q";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parse.memory("--mem", v));
        assertTrue(e.getMessage().length() < 300, "short message");
        assertTrue(e.getMessage().contains("..."), e.getMessage());
    }

    // ---- walltime

    @Test
    void walltimeAcceptsSlurmFormats() {
        assertEquals(30 * 60, Parse.walltime("--time", "30"));
        assertEquals(90 * 60, Parse.walltime("--time", "90"), "MM may exceed 59");
        assertEquals(10 * 60 + 5, Parse.walltime("--time", "10:05"));
        assertEquals(3600 + 30 * 60, Parse.walltime("--time", "1:30:00"));
        assertEquals(100 * 3600L, Parse.walltime("--time", "100:00:00"), "hours may exceed 23 without days");
        assertEquals(2 * 86400 + 12 * 3600, Parse.walltime("--time", "2-12"));
        assertEquals(2 * 86400 + 12 * 3600 + 30 * 60, Parse.walltime("--time", "2-12:30"));
        assertEquals(2 * 86400 + 12 * 3600 + 30 * 60 + 15, Parse.walltime("--time", "2-12:30:15"));
        assertEquals(0, Parse.walltime("--time", "0"));
        assertEquals(0, Parse.walltime("--time", "0:00:00"));
        assertEquals(0, Parse.walltime("--time", "UNLIMITED"));
        assertEquals(0, Parse.walltime("--time", "infinite"));
    }

    @Test
    void walltimeAcceptsSuffixedDurations() {
        assertEquals(90, Parse.walltime("--time", "90s"));
        assertEquals(300, Parse.walltime("--time", "5m"));
        assertEquals(7200, Parse.walltime("--time", "2h"));
        assertEquals(86400, Parse.walltime("--time", "1d"));
        assertEquals(7200, Parse.walltime("--time", "2H"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1:2:3:4", "-5", "-1:00", "", "  ", "abc", "1:60", "1:00:60", "1:60:00", "2-24", "2-12:60", "2-12:30:60", "1-", "-",
            ":", "1:", ":30", "1::2", "1-2-3", "5x", "5 m", "1.5h", "1e3", "٣", "３0", "1h30m", "--5", "5-", "+5", "0x1f", "1:2:3:4:5:6"})
    void walltimeRejectsMalformedTimes(String v) {
        rejects("--time", v, () -> Parse.walltime("--time", v));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807m", "9223372036854775807", "99999999999999999999999", "106751991167301-00", "9223372036854775807d",
            "1:9223372036854775807:00", "153722867280912931:00"})
    void walltimeRejectsOverflow(String v) {
        IllegalArgumentException e = rejects("--time", v, () -> Parse.walltime("--time", v));
        assertTrue(e.getMessage().contains("too large") || e.getMessage().contains("must be"), e.getMessage());
    }

    @Test
    void walltimeAtTheLimitOfALong() {
        assertEquals(Long.MAX_VALUE, Parse.walltime("--time", Long.MAX_VALUE + "s"));
    }

    // ---- timeouts

    @Test
    void timeoutsArePlainSecondsOrDurations() {
        assertEquals(30, Parse.timeoutSeconds("--timeout", "30"));
        assertEquals(0, Parse.timeoutSeconds("--timeout", "0"));
        assertEquals(300, Parse.timeoutSeconds("--timeout", "5m"));
        assertEquals(5400, Parse.timeoutSeconds("--timeout", "1:30:00"));
        IllegalArgumentException e = rejects("--timeout", "-5", () -> Parse.timeoutSeconds("--timeout", "-5"));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        rejects("--timeout", "soon", () -> Parse.timeoutSeconds("--timeout", "soon"));
        rejects("--timeout", "", () -> Parse.timeoutSeconds("--timeout", ""));
        rejects("--timeout", "99999999999999999999", () -> Parse.timeoutSeconds("--timeout", "99999999999999999999"));
    }

    // ---- dependencies

    @Test
    void dependenciesInSlurmSyntax() {
        List<DependencyDTO> d = Parse.dependencies("--dependency", "afterok:task-1:task-2,afterany:task-3,afternotok:task-4");
        assertEquals(4, d.size());
        assertEquals("task-1", d.get(0).taskId);
        assertEquals(DependencyType.AFTER_OK, d.get(0).type);
        assertEquals("task-2", d.get(1).taskId);
        assertEquals(DependencyType.AFTER_OK, d.get(1).type);
        assertEquals(DependencyType.AFTER_ANY, d.get(2).type);
        assertEquals(DependencyType.AFTER_NOT_OK, d.get(3).type);
        assertEquals(DependencyType.AFTER_OK, Parse.dependencies("-d", "AfterOK:7").get(0).type);
    }

    @Test
    void duplicateDependenciesAreDropped() {
        assertEquals(1, Parse.dependencies("-d", "afterok:a:a,afterok:a").size());
        assertEquals(2, Parse.dependencies("-d", "afterok:a,afterany:a").size());
    }

    @Test
    void dependenciesRoundTripForDisplay() {
        String s = "afterok:task-1:task-2,afterany:task-3,afternotok:task-4";
        assertEquals(s, Parse.dependencies(Parse.dependencies("-d", s)));
        assertEquals("", Parse.dependencies(List.of()));
        assertEquals("", Parse.dependencies((List<DependencyDTO>) null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"afterfoo:1", "after:1", "singleton", "afterok", "afterok:", "afterok::1", "afterok:1,", ",afterok:1", "", "1",
            "afterok:1?afterany:2", "afterok:a b", "afterok:a\tb", "afterok:a\u0000", "aftercorr:1", ":1", "afterok:1,,afterany:2", "ok:1",
            "afterök:1"})
    void dependenciesRejectMalformedInput(String v) {
        rejects("--dependency", v, () -> Parse.dependencies("--dependency", v));
    }

    @Test
    void unknownDependencyTypeIsNamed() {
        IllegalArgumentException e = rejects("--dependency", "afterfoo:1", () -> Parse.dependencies("--dependency", "afterfoo:1"));
        assertTrue(e.getMessage().contains("unknown dependency type 'afterfoo'"), e.getMessage());
        assertTrue(e.getMessage().contains("afterok"), e.getMessage());
    }

    @Test
    void unicodeTaskIdsArePassedOn() {
        assertEquals("タスク-1", Parse.dependencies("-d", "afterok:タスク-1").get(0).taskId);
    }

    // ---- labels and environment

    @Test
    void labelsAreKeyValueCommaLists() {
        Map<String, String> m = new LinkedHashMap<>();
        Parse.labels("--label", "project=alpha,stage=fit", m);
        Parse.labels("--label", "empty=", m);
        Parse.labels("--label", "eq=a=b", m);
        Parse.labels("--label", "ユーザー=花子", m);
        Parse.labels("--label", "project=beta", m);
        assertEquals(Map.of("project", "beta", "stage", "fit", "empty", "", "eq", "a=b", "ユーザー", "花子"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"novalue", "", " ", "=x", "a=1,", "a=1,,b=2", ",", "a b=1", "a=1,b", "a=\n", "k\u0000=v", " =v"})
    void labelsRejectMalformedInput(String v) {
        rejects("--label", v, () -> Parse.labels("--label", v, new LinkedHashMap<>()));
    }

    @Test
    void labelWithoutEqualsIsNamed() {
        IllegalArgumentException e = rejects("--label", "gpu", () -> Parse.labels("--label", "gpu", new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains("no '='"), e.getMessage());
    }

    @Test
    void environmentEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        Parse.environment("--env", "OMP_NUM_THREADS=4", m);
        Parse.environment("--env", "PATHS=/a,/b:/c", m);
        Parse.environment("--env", "EMPTY=", m);
        Parse.environment("--env", "X=a=b", m);
        Parse.environment("--env", "_U=ü", m);
        assertEquals(Map.of("OMP_NUM_THREADS", "4", "PATHS", "/a,/b:/c", "EMPTY", "", "X", "a=b", "_U", "ü"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOEQ", "", "=v", "1X=v", "A B=v", "Ä=v", "A-B=v", "A=v\u0000"})
    void environmentRejectsMalformedInput(String v) {
        rejects("--env", v, () -> Parse.environment("--env", v, new LinkedHashMap<>()));
    }

    // ---- integers

    @Test
    void integersInRange() {
        assertEquals(4, Parse.integer("--cpus", "4", 1, Integer.MAX_VALUE));
        assertEquals(4, Parse.integer("--cpus", "+4", 1, Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, Parse.integer("--cpus", "2147483647", 1, Integer.MAX_VALUE));
        assertEquals(-5, Parse.integer("--priority", "-5", Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, Parse.integer("--priority", "-2147483648", Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(0, Parse.integer("--gpus", "0", 0, Integer.MAX_VALUE));
        assertEquals(7, Parse.integer("--gpus", "007", 0, Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "four", "", "1.5", "2147483648", "99999999999999999999999", "1e3", "٤", "４", "0x4", "4 cores", "--4", "-"})
    void cpusRejectsBadValues(String v) {
        rejects("--cpus", v, () -> Parse.integer("--cpus", v, 1, Integer.MAX_VALUE));
    }

    @Test
    void negativeCountsAreNamed() {
        IllegalArgumentException e = rejects("--gpus", "-1", () -> Parse.integer("--gpus", "-1", 0, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        e = rejects("--priority", "-2147483649", () -> Parse.integer("--priority", "-2147483649", Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("between"), e.getMessage());
    }

    // ---- states

    @Test
    void statesAreCommaListsInAnyCase() {
        assertEquals(EnumSet.of(TaskState.RUNNING, TaskState.PENDING), Parse.states("--state", "running,PENDING"));
        assertEquals(EnumSet.of(TaskState.TIMED_OUT), Parse.states("--state", "timed-out"));
        assertEquals(EnumSet.of(TaskState.TIMED_OUT), Parse.states("--state", " TIMED_OUT "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DONE", "", "RUNNING,", ",RUNNING", "RUN", "RUNNİNG", "running;pending"})
    void unknownStatesListTheValidOnes(String v) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parse.states("--state", v));
        assertTrue(e.getMessage().contains("--state"), e.getMessage());
        for (TaskState s : TaskState.values()) assertTrue(e.getMessage().contains(s.name()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    // ---- JSON arguments

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "1", "-0.5e+10", "\"s\"", "true", "false", "null", "{\"a\": [1, 2, {\"b\": null}], \"c\": \"\\u00e9\\n\"}",
            " [ 1 , 2 ] ", "\"日本語 😀\"", "0", "[-1E3]"})
    void jsonArgumentsThatParse(String v) {
        assertEquals(v.strip(), Parse.json("--args", v));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "{a:1}", "{'a':1}", "[1,]", "[1 2]", "01", "1.", ".5", "+1", "NaN", "tru", "nul", "\"open",
            "\"bad\\x\"", "\"\\u12G4\"", "\"tab\there\"", "{\"a\" 1}", "{\"a\":}", "[1]]", "{} {}", "\u0000", "1e", "-", "[\"\\u00\"]"})
    void jsonArgumentsThatDoNot(String v) {
        IllegalArgumentException e = rejects("--args", v, () -> Parse.json("--args", v));
        assertTrue(v.isBlank() || e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parse.json("--args", deep));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
        String ok = "[".repeat(200) + "]".repeat(200);
        assertEquals(ok, Parse.json("--args", ok));
    }

    // ---- text and words

    @Test
    void textAndWords() {
        assertEquals("my run ü", Parse.text("--name", "my run ü"));
        assertEquals("gpu-a100", Parse.word("--partition", "gpu-a100"));
        rejects("--name", "", () -> Parse.text("--name", ""));
        rejects("--name", "a\nb", () -> Parse.text("--name", "a\nb"));
        rejects("--name", "a\u2028b", () -> Parse.text("--name", "a\u2028b"));
        rejects("--backend", "a b", () -> Parse.word("--backend", "a b"));
        rejects("--backend", "a\u00a0b", () -> Parse.word("--backend", "a\u00a0b"));
        rejects("--backend", "\t", () -> Parse.word("--backend", "\t"));
    }

    @Test
    void shownValuesStayOnOneLine() {
        assertEquals("a\\nb", Parse.shown("a\nb")); // the toolkit's one escaping (Text.oneLine)
        assertEquals("", Parse.shown(null));
        assertEquals("x".repeat(40) + "...", Parse.shown("x".repeat(41)));
        assertEquals("😀".repeat(40) + "...", Parse.shown("😀".repeat(50)), "cut at code points, not inside a surrogate pair");
    }
}
