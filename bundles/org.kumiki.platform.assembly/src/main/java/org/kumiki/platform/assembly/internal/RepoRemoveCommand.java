package org.kumiki.platform.assembly.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.kumiki.platform.api.assembly.Assembly;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code kumiki:repo-remove NAME|URL}: a Gogo {@link Function}, since a Java method cannot be named with a '-'. */
@Component(service = Function.class, property = {"osgi.command.scope=kumiki", "osgi.command.function=repo-remove"})
public class RepoRemoveCommand implements Function {

    private final Assembly assembly;

    @Activate
    public RepoRemoveCommand(@Reference Assembly assembly) {
        this.assembly = assembly;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        if (arguments.size() != 1 || "-h".equals(String.valueOf(arguments.get(0))) || "--help".equals(String.valueOf(arguments.get(0)))) {
            return "usage: kumiki:repo-remove NAME|URL   (kumiki:repos lists them; installed bundles stay)";
        }
        return "removed " + assembly.removeRepository(String.valueOf(arguments.get(0))).location;
    }
}
