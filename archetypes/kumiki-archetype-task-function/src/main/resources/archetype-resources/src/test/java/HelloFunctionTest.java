package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.spi.TaskFunction;

/** Unit tests: the function is a plain object, built with {@code new}. */
class HelloFunctionTest {
    final HelloFunction fn = new HelloFunction();

    @Test
    void greets() throws Exception {
        assertEquals("{\"greeting\":\"Hello, Ada! Hello, Ada!\",\"task\":\"t1\"}", fn.apply("{\"name\":\"Ada\",\"times\":2}", context(false)));
    }

    @Test
    void returnsSoonWhenCancelled() throws Exception {
        assertNull(fn.apply("{\"name\":\"Ada\"}", context(true)));
    }

    @Test
    void refusesBadArgumentsWithOneLine() {
        assertEquals("give the arguments as JSON, e.g. {\"name\":\"Ada\"}", assertThrows(IllegalArgumentException.class, () -> fn.apply(null, context(false))).getMessage());
        assertEquals("\"name\" must be a non-empty string", assertThrows(IllegalArgumentException.class, () -> fn.apply("{\"name\":3}", context(false))).getMessage());
        assertEquals("\"times\" = 0 must be 1 to 1000", assertThrows(IllegalArgumentException.class, () -> fn.apply("{\"name\":\"A\",\"times\":0}", context(false))).getMessage());
        String notJson = assertThrows(IllegalArgumentException.class, () -> fn.apply("{name", context(false))).getMessage();
        assertEquals(true, notJson.startsWith("the arguments are not JSON: ") && !notJson.contains("\n"), notJson);
    }

    static TaskFunction.Context context(boolean cancelled) {
        return new TaskFunction.Context() {
            @Override public String taskId() { return "t1"; }
            @Override public boolean isCancelled() { return cancelled; }
        };
    }
}
