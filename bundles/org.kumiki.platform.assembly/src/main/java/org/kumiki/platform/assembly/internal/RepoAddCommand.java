package org.kumiki.platform.assembly.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.kumiki.platform.api.assembly.Assembly;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code kumiki:repo-add URL|PATH}: a Gogo {@link Function}, since a Java method cannot be named with a '-'. */
@Component(service = Function.class, property = {"osgi.command.scope=kumiki", "osgi.command.function=repo-add"})
public class RepoAddCommand implements Function {

    private final Assembly assembly;

    @Activate
    public RepoAddCommand(@Reference Assembly assembly) {
        this.assembly = assembly;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        if (arguments.size() != 1 || "-h".equals(String.valueOf(arguments.get(0))) || "--help".equals(String.valueOf(arguments.get(0)))) {
            return "usage: kumiki:repo-add URL|PATH   (an index.xml, or the folder holding it; file, http, https)";
        }
        return AssemblyCommands.repos(List.of(assembly.addRepository(String.valueOf(arguments.get(0)))));
    }
}
