package org.kumiki.data.command.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.platform.text.Options;
import org.kumiki.platform.text.Text;

/** Parses {@code data:transfer [OPTIONS] SRC DST}. */
final class TransferArgs {

    static final String USAGE = "[OPTIONS] SRC DST\n"
            + "         SRC and DST are URIs (file:///data/x, sftp://user@host:22/path, https://host/file) or absolute paths.\n"
            + "         -r, --recursive          copy a folder and everything below it\n"
            + "         -s, --sync LEVEL         skip existing files: NONE (default), EXISTS, SIZE, MTIME, CHECKSUM\n"
            + "         -c, --checksum ALG       sha256 (default), xxh64, crc32c, none\n"
            + "             --no-verify          do not read the destination back to compare checksums\n"
            + "         -j, --concurrency N      files in flight at once\n"
            + "         -p, --streams N          parallel streams per large file\n"
            + "             --chunk SIZE         chunk size (restart granularity), e.g. 64M, 1.5G\n"
            + "         -b, --bwlimit RATE       bytes per second for the task, e.g. 50M or 1.5MiB/s\n"
            + "             --delete             delete destination files the source folder does not have\n"
            + "         -l, --label TEXT         a name for the task\n"
            + "             --id CLIENT_ID       idempotent submission: the same id returns the same task\n"
            + "             --retries N          attempts per file or chunk after the first\n"
            + "             --no-mtime           do not copy modification times\n"
            + "             --links MODE         symbolic links in source folders: skip (default, reported), copy (as links),\n"
            + "                                  follow (copy what they point to; loops refused)\n"
            + "             --no-wait            return after submitting instead of showing progress\n"
            + "         Long options also take --opt=VALUE. Example: data:transfer -r -c xxh64 /data/run1 sftp://me@archive/runs/run1";

    final TransferRequest request = new TransferRequest();
    boolean noWait;

    static boolean isHelp(String[] args) {
        return args != null && args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"));
    }

    static String uriText(String s) {
        if (s == null) throw new IllegalArgumentException("missing URI");
        return s.startsWith("/") ? Path.of(s).toUri().toString() + (s.endsWith("/") && !s.equals("/") ? "/" : "") : s;
    }

    static TransferArgs parse(String[] args) {
        TransferArgs a = new TransferArgs();
        TransferRequest r = a.request;
        boolean recursive = false;
        List<String> pos = new ArrayList<>();
        String[] in = args == null ? new String[0] : args;
        for (int i = 0; i < in.length; i++) {
            String arg = in[i] == null ? "" : in[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                pos.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                for (i++; i < in.length; i++) pos.add(in[i]);
                break;
            }
            String opt = arg, val = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                opt = arg.substring(0, eq);
                val = arg.substring(eq + 1);
            }
            switch (opt) {
                case "-r": case "--recursive": recursive = true; break;
                case "--no-verify": r.verify = false; break;
                case "--delete": r.deleteExtraneous = true; break;
                case "--no-mtime": r.preserveMtime = false; break;
                case "--no-wait": a.noWait = true; break;
                default: {
                    if (val == null) {
                        if (i + 1 >= in.length) throw new IllegalArgumentException("option " + Text.shown(opt) + " needs a value");
                        val = in[++i];
                    }
                    switch (opt) {
                        case "-s": case "--sync": r.syncLevel = val; break;
                        case "-c": case "--checksum": r.checksum = val; break;
                        case "-j": case "--concurrency": r.concurrency = Options.integer(opt, val, 1, 256); break;
                        case "-p": case "--streams": r.parallelStreams = Options.integer(opt, val, 1, 64); break;
                        case "--chunk": r.chunkSize = Options.size(opt, val); break;
                        case "-b": case "--bwlimit": r.bandwidthLimit = Options.rate(opt, val); break;
                        case "-l": case "--label": r.label = val; break;
                        case "--id": r.clientSubmissionId = val; break;
                        case "--links": r.links = val; break;
                        case "--retries": r.retries = Options.integer(opt, val, 0, 100); break;
                        default: throw new IllegalArgumentException("unknown option '" + Text.shown(opt) + "' (data:transfer --help)");
                    }
                }
            }
        }
        if (pos.size() != 2) throw new IllegalArgumentException("data:transfer needs SRC and DST (got " + pos.size() + " argument(s); data:transfer --help)");
        r.items.add(TransferItem.of(uriText(pos.get(0)), uriText(pos.get(1)), recursive));
        return a;
    }
}
