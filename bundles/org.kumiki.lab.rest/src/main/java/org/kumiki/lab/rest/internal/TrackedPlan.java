package org.kumiki.lab.rest.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;

/** A plan that tells the uid of the first run it opens (the engine's answer to OPEN_RUN). */
final class TrackedPlan implements Plan {

    private final Plan plan;
    final CompletableFuture<String> firstRun = new CompletableFuture<>();
    private Msg last;

    TrackedPlan(Plan plan) {
        this.plan = plan;
    }

    @Override
    public Msg next(Object response) throws Exception {
        if (last != null && last.command == Msg.Command.OPEN_RUN && response instanceof String uid) {
            firstRun.complete(uid);
        }
        last = plan.next(response);
        return last;
    }

    @Override
    public Map<String, List<Object>> plannedSetpoints() {
        return plan.plannedSetpoints();
    }

    @Override
    public Set<String> devices() {
        return plan.devices();
    }

    @Override
    public String name() {
        return plan.name();
    }
}
