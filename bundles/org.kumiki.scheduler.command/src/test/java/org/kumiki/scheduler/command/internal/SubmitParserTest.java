package org.kumiki.scheduler.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.dto.TaskSpec;

class SubmitParserTest {

    private static TaskSpec parse(String... args) {
        return SubmitParser.parse(args);
    }

    private static String rejected(String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SubmitParser.parse(args));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void everyOptionSetsItsField() {
        TaskSpec s = parse("-n", "fit", "-c", "4", "-g", "1", "-m", "8G", "-t", "2:00:00", "-d", "afterok:task-1:task-2", "-p", "-3", "-r", "2",
                "-b", "local", "--partition", "gpu", "-l", "project=alpha", "-e", "OMP_NUM_THREADS=4", "-w", "/scratch/run", "-o", "out.log",
                "--error", "err.log", "python", "fit.py");
        assertEquals("fit", s.name);
        assertEquals(4, s.resources.cpus);
        assertEquals(1, s.resources.gpus);
        assertEquals(8L << 30, s.resources.memoryBytes);
        assertEquals(7200, s.resources.walltimeSeconds);
        assertEquals(2, s.dependencies.size());
        assertEquals(-3, s.priority);
        assertEquals(2, s.retries);
        assertEquals("local", s.backend);
        assertEquals("gpu", s.partition);
        assertEquals(Map.of("project", "alpha"), s.labels);
        assertEquals(Map.of("OMP_NUM_THREADS", "4"), s.environment);
        assertEquals("/scratch/run", s.workingDirectory);
        assertEquals("out.log", s.stdout);
        assertEquals("err.log", s.stderr);
        assertEquals(List.of("python", "fit.py"), s.command);
        assertNull(s.function);
    }

    @Test
    void longOptionsAndEqualsForms() {
        TaskSpec s = parse("--name=a=b", "--cpus", "2", "--gpus=0", "--mem=512M", "--time=5m", "--dependency=afterany:x", "--priority=7",
                "--retries=0", "--backend=local", "--partition=p", "--label=a=1,b=2", "--env=K=V", "--workdir=/w", "--output=/o", "--error=/e",
                "sleep", "1");
        assertEquals("a=b", s.name);
        assertEquals(2, s.resources.cpus);
        assertEquals(512L << 20, s.resources.memoryBytes);
        assertEquals(300, s.resources.walltimeSeconds);
        assertEquals(DependencyType.AFTER_ANY, s.dependencies.get(0).type);
        assertEquals(7, s.priority);
        assertEquals(Map.of("a", "1", "b", "2"), s.labels);
        assertEquals(Map.of("K", "V"), s.environment);
        assertEquals("/e", s.stderr);
    }

    @Test
    void defaultsAreTheSpecDefaults() {
        TaskSpec s = parse("true");
        assertEquals(1, s.resources.cpus);
        assertEquals(0, s.resources.gpus);
        assertEquals(0, s.resources.memoryBytes);
        assertEquals(0, s.resources.walltimeSeconds);
        assertTrue(s.dependencies.isEmpty());
        assertNull(s.name);
        assertNull(s.backend);
    }

    @Test
    void optionsStopAtTheCommandSoItsOwnFlagsPassVerbatim() {
        TaskSpec s = parse("-n", "py", "python", "-c", "print(1)", "-n", "--mem", "x");
        assertEquals("py", s.name);
        assertEquals(1, s.resources.cpus);
        assertEquals(List.of("python", "-c", "print(1)", "-n", "--mem", "x"), s.command);
    }

    @Test
    void doubleDashEndsTheOptions() {
        assertEquals(List.of("-weird", "a"), parse("-c", "2", "--", "-weird", "a").command);
        assertEquals(List.of("--"), parse("--", "--").command);
    }

    @Test
    void argumentsKeepSpacesUnicodeAndEmptyStrings() {
        assertEquals(List.of("echo", "a b", "", "日本語", "😀"), parse("echo", "a b", "", "日本語", "😀").command);
    }

    @Test
    void repeatableOptionsAccumulate() {
        TaskSpec s = parse("-l", "a=1", "-l", "b=2,c=3", "-e", "X=1", "-e", "Y=2", "-d", "afterok:t1", "-d", "afterany:t2,afterok:t1", "run");
        assertEquals(Map.of("a", "1", "b", "2", "c", "3"), s.labels);
        assertEquals(Map.of("X", "1", "Y", "2"), s.environment);
        assertEquals(2, s.dependencies.size(), "the repeated afterok:t1 is dropped");
    }

    @Test
    void functionTasks() {
        TaskSpec s = parse("-n", "f", "-f", "kumiki.echo", "-a", "{\"x\": [1, 2]}");
        assertEquals("kumiki.echo", s.function);
        assertEquals("{\"x\": [1, 2]}", s.arguments);
        assertTrue(s.command.isEmpty());
        assertNull(parse("--function", "noargs").arguments);
    }

    @Test
    void malformedValuesNameTheOptionAndTheValue() {
        assertTrue(rejected("-c", "-1", "x").contains("--cpus '-1'"));
        assertTrue(rejected("-c", "four", "x").contains("--cpus 'four'"));
        assertTrue(rejected("-c", "0", "x").contains("--cpus '0'"));
        assertTrue(rejected("-g", "-2", "x").contains("--gpus '-2'"));
        assertTrue(rejected("--mem", "12Q", "x").contains("--mem '12Q'"));
        assertTrue(rejected("--mem", "99999999999T", "x").contains("--mem '99999999999T'"));
        assertTrue(rejected("--time", "1:2:3:4", "x").contains("--time '1:2:3:4'"));
        assertTrue(rejected("--time", "-5", "x").contains("--time '-5'"));
        assertTrue(rejected("-d", "afterfoo:1", "x").contains("--dependency 'afterfoo:1'"));
        assertTrue(rejected("-l", "nolabel", "x").contains("--label 'nolabel'"));
        assertTrue(rejected("-e", "NOEQ", "x").contains("--env 'NOEQ'"));
        assertTrue(rejected("-p", "99999999999", "x").contains("--priority '99999999999'"));
        assertTrue(rejected("-r", "-1", "x").contains("--retries '-1'"));
        assertTrue(rejected("-b", "", "x").contains("--backend ''"));
        assertTrue(rejected("-n", "", "x").contains("--name ''"));
        assertTrue(rejected("-n", "a\nb", "x").contains("--name 'a\\nb'"));
        assertTrue(rejected("-w", " ", "x").contains("--workdir ' '"));
        assertTrue(rejected("-f", "two words").contains("--function 'two words'"));
        assertTrue(rejected("-f", "f", "-a", " ").contains("--args ' '"));
        assertTrue(rejected("-f", "f", "-a", "{x:1}").contains("--args '{x:1}': not valid JSON"));
    }

    @Test
    void commandAndFunctionRules() {
        assertTrue(rejected().contains("no command"));
        assertTrue(rejected("-n", "x").contains("no command"));
        assertTrue(rejected("--").contains("no command"));
        assertTrue(rejected("").contains("COMMAND ''"));
        assertTrue(rejected("  ", "arg").contains("COMMAND '  '"));
        assertTrue(rejected("-f", "fn", "echo", "hi").contains("not both"));
        assertTrue(rejected("-a", "{}", "echo").contains("--args '{}' needs --function"));
        assertTrue(rejected("echo", "a\u0000b").contains("NUL"));
    }

    @Test
    void unknownMissingAndRepeatedOptions() {
        assertTrue(rejected("-x", "1", "echo").contains("unknown option '-x'"));
        assertTrue(rejected("--cpus4", "echo").contains("unknown option '--cpus4'"));
        assertTrue(rejected("--nope=1", "echo").contains("unknown option '--nope'"));
        assertTrue(rejected("-c").contains("needs a value"));
        assertTrue(rejected("-n", "a", "--mem").contains("--mem needs a value"));
        assertTrue(rejected("-c", "1", "-c", "2", "x").contains("more than once"));
        assertTrue(rejected("-ü", "x").contains("unknown option '-ü'"));
    }

    @Test
    void aLoneDashIsACommand() {
        assertEquals(List.of("-"), parse("-").command);
    }

    @Test
    void nullArgumentsAreTreatedAsEmpty() {
        assertTrue(rejected((String[]) null).contains("no command"));
        assertEquals(List.of("echo", ""), parse("echo", null).command);
    }

    @Test
    void helpIsRecognisedOnlyFirst() {
        assertTrue(SubmitParser.isHelp(new String[] {"--help"}));
        assertTrue(SubmitParser.isHelp(new String[] {"-h", "x"}));
        assertFalse(SubmitParser.isHelp(new String[] {"echo", "--help"}));
        assertFalse(SubmitParser.isHelp(new String[0]));
        assertFalse(SubmitParser.isHelp(null));
    }

    @Test
    void hugeArgumentListsAreFine() {
        String[] args = new String[100_002];
        args[0] = "-n";
        args[1] = "many";
        for (int i = 2; i < args.length; i++) args[i] = "a" + i;
        assertEquals(100_000, parse(args).command.size());
    }

    @Test
    void usageDescribesEveryOption() {
        for (SubmitParser.Opt o : SubmitParser.Opt.values()) {
            String form = (o.shortName == null ? "    " : o.shortName + ", ") + o.longName + " " + o.metavar;
            assertTrue(SchedulerCommands.SUBMIT_USAGE.contains(form), "usage mentions " + form);
        }
    }
}
