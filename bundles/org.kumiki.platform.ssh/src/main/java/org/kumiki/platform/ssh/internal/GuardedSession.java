package org.kumiki.platform.ssh.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

import org.apache.felix.gogo.runtime.Closure;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.CommandSessionImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.kumiki.platform.api.access.Role;

/**
 * A Gogo session whose command look-ups are checked. Gogo resolves every command it runs, at the
 * top level, in a pipe, in a closure, in {@code each} or {@code eval}, through
 * {@link CommandSessionImpl#get(String)} of the session the closure belongs to, and every method
 * call on an object through {@link CommandSessionImpl#invoke}: both are guarded here, so the
 * checks cover every path. The local console uses plain sessions and stays unrestricted.
 */
final class GuardedSession extends CommandSessionImpl {

    private final CommandGuard guard;

    GuardedSession(CommandProcessorImpl processor, InputStream in, OutputStream out, OutputStream err,
            CommandGuard guard) {
        super(processor, in, out, err);
        this.guard = guard;
    }

    @Override
    public Object get(String name) {
        if (name == null || variables.containsKey(name)) {
            return super.get(name);
        }
        if (".context".equals(name) && !guard.caller().allows(Role.ADMIN)) {
            return null; // the framework's BundleContext is for admins only
        }
        Object value = super.get(name);
        if (value instanceof Function f && !(value instanceof Closure) && !(value instanceof Checked)) {
            return new Checked(name, f);
        }
        return value;
    }

    @Override
    public Object invoke(Object target, String name, List<Object> args) throws Exception {
        Optional<String> refusal = guard.checkInvoke(target, name);
        if (refusal.isPresent()) {
            throw new SecurityException(refusal.get());
        }
        return super.invoke(target, name, args);
    }

    /** A command wrapped with its check, made when it is looked up and checked when it runs. */
    private final class Checked implements Function {
        private final String name;
        private final Function delegate;

        Checked(String name, Function delegate) {
            this.name = name;
            this.delegate = delegate;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) throws Exception {
            Optional<String> refusal = guard.check(name, arguments);
            if (refusal.isPresent()) {
                throw new SecurityException(refusal.get());
            }
            return delegate.execute(session, arguments);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
