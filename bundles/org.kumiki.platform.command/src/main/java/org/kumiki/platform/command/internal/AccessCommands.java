package org.kumiki.platform.command.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.AuthorizedKeyDTO;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.api.access.TokenDTO;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Token and key management (admin): {@code kumiki:tokens}, {@code kumiki:keys}; the helpers of
 * {@code kumiki:token-add} / {@code kumiki:token-remove} (Gogo cannot name a method with a '-', so
 * those two are {@link Function} components: {@link TokenAddCommand}, {@link TokenRemoveCommand}).
 */
@Component(service = Object.class, property = AccessControl.COMMAND_ROLES + "=*=admin")
@GogoCommand(scope = "kumiki", function = {"tokens", "keys"})
public class AccessCommands {

    static final String ADD_USAGE = "usage: kumiki:token-add NAME ROLE (ROLE: viewer, operator or admin; NAME: letters, digits, '.', '_', '@', '-')";
    static final String REMOVE_USAGE = "usage: kumiki:token-remove NAME";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile AccessAdmin admin;

    private AccessAdmin admin() {
        return admin(admin);
    }

    static AccessAdmin admin(AccessAdmin a) {
        if (a == null) throw new IllegalStateException("no AccessAdmin service: is bundle org.kumiki.platform installed and active?");
        return a;
    }

    static boolean help(List<Object> args) {
        return args.size() == 1 && ("-h".equals(String.valueOf(args.get(0))) || "--help".equals(String.valueOf(args.get(0))));
    }

    /** kumiki:token-add NAME ROLE */
    static String tokenAdd(AccessAdmin admin, List<Object> args) {
        if (help(args)) return ADD_USAGE;
        if (args.size() != 2) throw new IllegalArgumentException(ADD_USAGE);
        String name = String.valueOf(args.get(0));
        Role role = Role.parse(String.valueOf(args.get(1)));
        String token = admin(admin).addToken(name, role);
        return "token " + name + " (" + role.label() + "):\n" + token + "\n"
                + "It is shown only this once and is not stored (Kumiki keeps its SHA-256 digest): copy it now. "
                + "Send it as the header 'Authorization: Bearer TOKEN'.";
    }

    /** kumiki:token-remove NAME */
    static String tokenRemove(AccessAdmin admin, List<Object> args) {
        if (help(args)) return REMOVE_USAGE;
        if (args.size() != 1) throw new IllegalArgumentException(REMOVE_USAGE);
        String name = String.valueOf(args.get(0));
        if (!admin(admin).removeToken(name)) throw new IllegalArgumentException("no token named '" + Text.shown(name) + "' (kumiki:tokens lists them)");
        return "token " + name + " removed: it is refused from now on";
    }

    @Descriptor("List the bearer tokens: names and roles (never the tokens or their digests)")
    public String tokens() {
        List<TokenDTO> all = admin().tokens();
        if (all.isEmpty()) return "no tokens (kumiki:token-add NAME ROLE makes one)";
        TextTable t = new TextTable("NAME", "ROLE");
        for (TokenDTO d : all) t.row(Text.oneLine(d.name), d.role);
        return t.toString();
    }

    @Descriptor("List the SSH keys of state/access/authorized_keys: name, type, fingerprint, role")
    public String keys() {
        List<AuthorizedKeyDTO> all = admin().keys();
        if (all.isEmpty()) return "no SSH keys (add OpenSSH public keys to state/access/authorized_keys, e.g. 'role=operator ssh-ed25519 AAAA... alice')";
        TextTable t = new TextTable("NAME", "TYPE", "FINGERPRINT", "ROLE", "LINE");
        for (AuthorizedKeyDTO d : all) t.row(Text.oneLine(d.name), d.type, d.fingerprint, d.role, d.line);
        return t.toString();
    }
}
