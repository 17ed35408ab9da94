package ${package};

import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A task function: named Java work that scheduler tasks run in-process
 * ({@code sched:submit -f hello -a '{"name":"Ada"}'}). Registered under the service property
 * {@code kumiki.function.name} ({@link TaskFunction#NAME}). Arguments and result are JSON;
 * an exception fails the task with its message, so make it one clear line.
 */
@Component(property = TaskFunction.NAME + "=" + HelloFunction.NAME)
public class HelloFunction implements TaskFunction {
    static final String NAME = "hello";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String apply(String jsonArguments, Context context) throws Exception {
        if (jsonArguments == null || jsonArguments.isBlank()) throw new IllegalArgumentException("give the arguments as JSON, e.g. {\"name\":\"Ada\"}");
        JsonNode args;
        try {
            args = JSON.readTree(jsonArguments);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the arguments are not JSON: " + e.getOriginalMessage());
        }
        JsonNode name = args.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) throw new IllegalArgumentException("\"name\" must be a non-empty string");
        int times = args.path("times").asInt(1);
        if (times < 1 || times > 1000) throw new IllegalArgumentException("\"times\" = " + args.get("times") + " must be 1 to 1000");
        StringBuilder greeting = new StringBuilder();
        for (int i = 0; i < times; i++) {
            if (context.isCancelled()) return null; // long work checks and returns soon
            greeting.append(i == 0 ? "" : " ").append("Hello, ").append(name.asText()).append('!');
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("greeting", greeting.toString());
        result.put("task", context.taskId());
        return JSON.writeValueAsString(result);
    }
}
