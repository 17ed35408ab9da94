package org.kumiki.platform.command.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.AccessAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code kumiki:token-add} (admin): a Gogo {@link Function}, since a Java method cannot be named with a '-'. */
@Component(service = Function.class, property = {"osgi.command.scope=kumiki", "osgi.command.function=token-add", AccessControl.COMMAND_ROLES + "=*=admin"})
public class TokenAddCommand implements Function {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile AccessAdmin admin;

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        return AccessCommands.tokenAdd(admin, arguments);
    }
}
