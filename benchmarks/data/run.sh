#!/usr/bin/env bash
# Data movement benchmark: Kumiki's transfer engine against cp, rsync and scp, in one run.
#   benchmarks/data/run.sh [big_MiB] [small_files]      (defaults 2048 and 10000; needs root
#   for drop_caches, and scripts/services/sshd.sh running for the SFTP part)
# Environment: BENCH_PARTS (big,small,sftp: the parts to run), BENCH_SFTP_STREAMS (4),
# BENCH_CIPHER (aes128-gcm@openssh.com), BENCH_DIR, KB_OPTS (JVM options for Kumiki's process).
#
# Every copy goes to a new folder that is kept until the end, so each tool writes to fresh
# blocks (see MACHINE.md: rewriting just-freed blocks is ~5x faster on this disk); page caches
# are dropped before each copy; every timing includes making the copy durable (`sync` after
# cp/rsync/scp; Kumiki syncs itself and `sync` runs after it too). Kumiki figures are the task
# time inside the JVM (submit to SUCCEEDED); the JVM start is printed separately.
# Files live under $BENCH_DIR (default /var/tmp/kumiki-data-bench) and are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIG_MB=${1:-2048}
SMALL=${2:-10000}
DIR=${BENCH_DIR:-/var/tmp/kumiki-data-bench}
CIPHER=${BENCH_CIPHER:-aes128-gcm@openssh.com}
PARTS=${BENCH_PARTS:-big,small,sftp} # which parts to run
want() { [[ ",$PARTS," == *",$1,"* ]]; }
mod=bundles/org.kumiki.data.sftp
./mvnw -B -q -o install -DskipTests -f bundles/org.kumiki.data.api/pom.xml
./mvnw -B -q -o install -DskipTests -f bundles/org.kumiki.data/pom.xml
./mvnw -B -q -o install -DskipTests -f $mod/pom.xml
./mvnw -B -q -o -f $mod/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
CP="$mod/target/test-classes:$mod/target/classes:$(cat $mod/target/bench.cp)"
kumiki() { java -Xmx1g ${KB_OPTS:-} -cp "$CP" org.kumiki.data.sftp.internal.DataBenchmark "$@"; }

rm -rf "$DIR"; mkdir -p "$DIR/src/small" "$DIR/out"
trap 'rm -rf "$DIR"; [ -n "${REMOTE:-}" ] && rm -rf "$REMOTE"' EXIT
echo "== setup: ${BIG_MB} MiB file and $SMALL files of 4 KiB in $DIR (load: $(cut -d' ' -f1-3 /proc/loadavg))"
if want big || want sftp; then head -c $((BIG_MB << 20)) /dev/urandom > "$DIR/src/big.bin"; fi
python3 - "$DIR/src/small" "$SMALL" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(d, "d%02d" % (i % 100))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "f%05d" % i), "wb") as f:
        f.write(os.urandom(4096))
PY
sync
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
declare -A T
timed() { # name command...
  local name=$1; shift
  drop
  local t0 t1 t2 inner
  t0=$(now); "$@" >/tmp/kumiki-bench-$name.log 2>&1 || { echo "$name failed:"; cat /tmp/kumiki-bench-$name.log; exit 1; }; t1=$(now); sync; t2=$(now)
  inner=$(grep -o 'seconds=[0-9.]*' /tmp/kumiki-bench-$name.log | cut -d= -f2 || true)
  if [ -n "$inner" ]; then
    # Kumiki: task time inside the JVM plus the trailing sync (the JVM start is shown apart)
    T[$name]=$(awk "BEGIN{print $inner + $t2 - $t1}")
    printf '%-24s %8.2f s   (whole process incl. JVM start, warm-up transfer and sync %6.2f s)\n' "$name" "${T[$name]}" "$(awk "BEGIN{print $t2 - $t0}")"
  else
    T[$name]=$(awk "BEGIN{print $t2 - $t0}")
    printf '%-24s %8.2f s\n' "$name" "${T[$name]}"
  fi
}
ratio() { awk "BEGIN{printf \"%.2f\", ${T[$2]} / ${T[$1]}}"; } # peer/kumiki: >1 means Kumiki faster

kumiki hash 512
if want big; then
echo "== one ${BIG_MB} MiB file"
timed big_cp cp "$DIR/src/big.bin" "$DIR/out/cp.bin"
timed big_rsync rsync -a "$DIR/src/big.bin" "$DIR/out/rsync.bin"
timed big_kumiki_plain kumiki copy "$DIR/state1" "$DIR/src/big.bin" "$DIR/out/k-plain.bin" none false
timed big_kumiki_sha256 kumiki copy "$DIR/state2" "$DIR/src/big.bin" "$DIR/out/k-sha.bin" sha256 true
timed big_kumiki_crc32c kumiki copy "$DIR/state3" "$DIR/src/big.bin" "$DIR/out/k-crc.bin" crc32c true
cmp "$DIR/src/big.bin" "$DIR/out/k-sha.bin"
cmp "$DIR/src/big.bin" "$DIR/out/k-plain.bin"
echo "  cp/kumiki(plain) $(ratio big_kumiki_plain big_cp)   rsync/kumiki(plain) $(ratio big_kumiki_plain big_rsync)"
echo "  cp/kumiki(verified sha256) $(ratio big_kumiki_sha256 big_cp)   cp/kumiki(verified crc32c) $(ratio big_kumiki_crc32c big_cp)"
rm -f "$DIR"/out/*.bin
fi

if want small; then
echo "== $SMALL files of 4 KiB"
timed small_cp cp -r "$DIR/src/small" "$DIR/out/cp"
timed small_rsync rsync -a "$DIR/src/small" "$DIR/out/rsync"
timed small_kumiki_sha256 kumiki copy "$DIR/state4" "$DIR/src/small" "$DIR/out/k-sha" sha256 true
timed small_kumiki_crc32c kumiki copy "$DIR/state5" "$DIR/src/small" "$DIR/out/k-crc" crc32c true
timed small_kumiki_plain kumiki copy "$DIR/state7" "$DIR/src/small" "$DIR/out/k-plain" none false
diff -r "$DIR/src/small" "$DIR/out/k-sha" >/dev/null
diff -r "$DIR/src/small" "$DIR/out/k-crc" >/dev/null
diff -r "$DIR/src/small" "$DIR/out/k-plain" >/dev/null
echo "  rsync/kumiki(sha256) $(ratio small_kumiki_sha256 small_rsync)   cp/kumiki(sha256) $(ratio small_kumiki_sha256 small_cp)   rsync/kumiki(crc32c) $(ratio small_kumiki_crc32c small_rsync)   rsync/kumiki(plain) $(ratio small_kumiki_plain small_rsync)"
rm -rf "$DIR"/out/*
fi

ENVF=${KUMIKI_SSHD_DIR:-/var/lib/kumiki-sshd}/env
if want sftp && [ -f "$ENVF" ]; then
  . "$ENVF"
  REMOTE=$KUMIKI_SSHD_HOME/bench-$$
  mkdir -p "$REMOTE"; chown "$KUMIKI_SSHD_USER" "$REMOTE"
  SSHO=(-o BatchMode=yes -o UserKnownHostsFile="$KUMIKI_SSHD_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -i "$KUMIKI_SSHD_KEY" -c "$CIPHER")
  echo "== SFTP, one ${BIG_MB} MiB file, cipher $CIPHER, to the loopback sshd"
  timed sftp_scp scp -q "${SSHO[@]}" -P "$KUMIKI_SSHD_PORT" "$DIR/src/big.bin" "$KUMIKI_SSHD_USER@$KUMIKI_SSHD_HOST:$REMOTE/scp.bin"
  rm -f "$REMOTE/scp.bin"
  U="sftp://$KUMIKI_SSHD_USER@$KUMIKI_SSHD_HOST:$KUMIKI_SSHD_PORT$REMOTE"
  timed sftp_kumiki_plain kumiki copy "$DIR/state6" "$DIR/src/big.bin" "$U/k.bin" none false 8 "${BENCH_SFTP_STREAMS:-4}" "$KUMIKI_SSHD_KEY" "$KUMIKI_SSHD_KNOWN_HOSTS" "$CIPHER"
  cmp "$DIR/src/big.bin" "$REMOTE/k.bin"
  rm -f "$REMOTE/k.bin"
  echo "  scp/kumiki $(ratio sftp_kumiki_plain sftp_scp)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
