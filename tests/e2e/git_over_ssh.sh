#!/usr/bin/env bash
# End to end against a real sshd and real git (issue 12): a git host on
# 127.0.0.1 with per-repository deploy keys, and the vaultseal CLI as a user
# and a vault use it. register -> install the printed OpenSSH lines ->
# verify-registration --ownership ssh (verify, open, the git host probed with
# each key) -> vaultseal agent -> git clone; then (issue 13) a 2-of-3
# threshold registration whose config key two vaults' shares sign for with
# FROST in the agent -> git clone, with a key no process ever held whole.
#
# Usage: tests/e2e/git_over_ssh.sh [path/to/vaultseal]   (default:
# target/release/vaultseal, or $CARGO_TARGET_DIR/release/vaultseal).
# Needs sshd, ssh, ssh-keygen, git and git-shell (.ci/run installs
# openssh-server, openssh-client and git when missing). Every process is
# bounded by `timeout` and stopped by the EXIT trap; sshd listens on
# 127.0.0.1 only, on a free port, with its own host key and configuration in
# a temporary directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
vaultseal=${1:-${CARGO_TARGET_DIR:-$root/target}/release/vaultseal}
vaultseal=$(cd "$(dirname "$vaultseal")" && pwd)/$(basename "$vaultseal")
[ -x "$vaultseal" ] || { echo "e2e: no vaultseal binary at $vaultseal" >&2; exit 2; }
sshd=$(command -v sshd || echo /usr/sbin/sshd)
git_shell=$(command -v git-shell || echo "$(git --exec-path)/git-shell")
for tool in "$sshd" "$git_shell"; do
  [ -x "$tool" ] || { echo "e2e: $tool is missing" >&2; exit 2; }
done
for tool in ssh ssh-keygen git timeout; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vaultseal-e2e.XXXXXX")
chmod 700 "$work"
sshd_pid=""
agent_pid=""
cleanup() {
  local status=$?
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
  pkill -f -- "--socket $work/readme/run/" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ -f "$work/sshd.log" ]; then
    echo "--- sshd log" >&2
    tail -n 40 "$work/sshd.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
skipped=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAILED - $*" >&2; }
# Every command of the test is bounded. `--foreground`: on a signal, timeout
# signals its command only, not the whole process group (this script too).
t() { timeout --foreground 120 "$@"; }

cd "$work"
user=$(id -un)

# ---- the git host: two bare repositories, sshd on a free loopback port ----
mkdir -p repos/demo seed
for repo in config code; do
  git init -q --bare "repos/demo/$repo.git"
  git init -q "seed/$repo"
  echo "content of the $repo repository" > "seed/$repo/README"
  git -C "seed/$repo" add README
  git -C "seed/$repo" -c user.name=e2e -c user.email=e2e@example.invalid \
    commit -q -m "$repo: first commit"
  git -C "seed/$repo" push -q "$work/repos/demo/$repo.git" HEAD:refs/heads/main
  git --git-dir="repos/demo/$repo.git" symbolic-ref HEAD refs/heads/main
done

# The forced command of every deploy key: git-shell, for fetching that key's
# repository only (`git-upload-pack '/demo/config.git'`).
cat > git-wrapper <<EOF
#!/bin/sh
# \$1: the one repository this key may read, e.g. demo/config.git
case "\$SSH_ORIGINAL_COMMAND" in
  "git-upload-pack '/\$1'" | "git-upload-pack '\$1'")
    exec "$git_shell" -c "git-upload-pack '$work/repos/\$1'" ;;
esac
echo "this deploy key reads \$1 only" >&2
exit 1
EOF
chmod 755 git-wrapper

ssh-keygen -q -t ed25519 -N '' -C e2e-host -f host_key
: > authorized_keys
mkdir -p /run/sshd 2>/dev/null || true
start_sshd() {
  cat > sshd_config <<EOF
Port $1
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers $user
UsePAM no
LogLevel VERBOSE
EOF
  # -D: no daemon (its pid is ours); -e: log to standard error.
  timeout --foreground 900 "$sshd" -D -e -f "$work/sshd_config" 2> "$work/sshd.log" &
  sshd_pid=$!
  for _ in $(seq 100); do
    grep -q "Server listening on 127.0.0.1 port $1" sshd.log 2>/dev/null && return 0
    kill -0 "$sshd_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$sshd_pid" 2>/dev/null || true
  wait "$sshd_pid" 2>/dev/null || true
  sshd_pid=""
  return 1
}
port=""
for _ in $(seq 20); do
  candidate=$((20000 + RANDOM % 40000))
  if start_sshd "$candidate"; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "e2e: sshd did not start" >&2; cat sshd.log >&2; exit 1; }
echo "sshd on 127.0.0.1:$port (pid $sshd_pid)"

# The vault pins the host key.
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 host_key.pub)" > known_hosts
url() { echo "ssh://$user@127.0.0.1:$port/$1.git"; }
export GIT_SSH_COMMAND="ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
-o UserKnownHostsFile=$work/known_hosts -o ConnectTimeout=20"
export GIT_TERMINAL_PROMPT=0

# ---- the vault and the owner ----
vs() { t "$vaultseal" "$@"; }
vs vault keygen -o vault.key > /dev/null 2>&1
vs vault record -k vault.key --region local --endpoint https://vault.invalid -o vault.rec 2> /dev/null
vs owner keygen -o owner.key > /dev/null 2>&1
vs register --owner-key owner.key --name demo --to vault.rec \
  --config-repo demo/config --code-repo demo/code -o reg.pem > /dev/null
# A second registration whose keys will never be installed.
vs register --owner-key owner.key --name stray --to vault.rec \
  --config-repo demo/config --code-repo demo/code -o stray.pem > /dev/null

# The owner installs the printed lines as the git host's deploy keys.
for role in config code; do
  echo "restrict,command=\"$work/git-wrapper demo/$role.git\" $(cat "reg.pem.setup/$role.deploy-key.pub")" \
    >> authorized_keys
done

# ---- the vault verifies, opens, and asks the git host (--ownership ssh) ----
verify_ssh() { # registration, output directory
  vs verify-registration -i "$1" --records vault.rec -k vault.key -o "$2" \
    --ownership ssh --git-url "$(url '{repository}')" --known-hosts known_hosts
}
if verify_ssh reg.pem opened > verify.out 2>&1 && grep -q "^OK reg.pem" verify.out \
   && [ -s opened/config.deploy-key ] && [ -s opened/code.deploy-key ]; then
  ok "verify-registration --ownership ssh: both probes accepted, keys opened"
else
  fail "verify-registration --ownership ssh: $(cat verify.out)"
fi
# Keys never installed: the git host refuses the probe; nothing is written.
status=0
verify_ssh stray.pem opened-stray > stray.out 2>&1 || status=$?
if [ "$status" -eq 1 ] && grep -q "^INVALID stray.pem: OwnershipRefused: config repository demo/config" stray.out \
   && [ ! -e opened-stray ]; then
  ok "a registration whose keys were never installed: OwnershipRefused, nothing opened"
else
  fail "stray registration (status $status): $(cat stray.out)"
fi
# Another host key than the pinned one: refused too.
ssh-keygen -q -t ed25519 -N '' -f other_host_key
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 other_host_key.pub)" > wrong_known_hosts
status=0
vs verify-registration -i reg.pem --records vault.rec -k vault.key -o opened-wrong-host \
  --ownership ssh --git-url "$(url '{repository}')" --known-hosts wrong_known_hosts \
  > wrong-host.out 2>&1 || status=$?
if [ "$status" -eq 1 ] && grep -q "OwnershipRefused" wrong-host.out && [ ! -e opened-wrong-host ]; then
  ok "a git host whose key is not the pinned one: OwnershipRefused"
else
  fail "wrong host key (status $status): $(cat wrong-host.out)"
fi

# ---- the agent serves the opened config key ----
mkdir -m 700 agent
# Not through a shell function: `$!` must be the agent's (timeout's) pid.
timeout --foreground 600 "$vaultseal" agent --socket "$work/agent/sock" \
  opened/config.deploy-key > agent.env 2> agent.log &
agent_pid=$!
for _ in $(seq 100); do [ -s agent.env ] && break; sleep 0.1; done
# shellcheck disable=SC1091
. ./agent.env
[ "$SSH_AUTH_SOCK" = "$work/agent/sock" ] && ok "agent prints SSH_AUTH_SOCK" \
  || fail "agent.env: $(cat agent.env)"

if t git clone -q "$(url demo/config)" clone-config 2> clone-config.err \
   && [ "$(cat clone-config/README)" = "content of the config repository" ]; then
  ok "git clone of the config repository through the agent, content right"
else
  fail "git clone of the config repository: $(cat clone-config.err)"
fi

if t git clone -q "$(url demo/code)" clone-code 2> clone-code.err; then
  fail "the code repository was cloned with the config key"
else
  ok "the code repository cannot be cloned with the config key"
fi

# OpenSSH signs a file through the agent and verifies it.
echo "signed through the vaultseal agent" > message
if t ssh-keygen -q -Y sign -f opened/config.deploy-key.pub -n file message 2> sign.err; then
  echo "vault $(cut -d' ' -f1,2 opened/config.deploy-key.pub)" > allowed_signers
  if t ssh-keygen -Y verify -f allowed_signers -I vault -n file -s message.sig \
       < message > verify-sig.out 2>&1; then
    ok "ssh-keygen -Y sign through the agent, -Y verify accepts"
  else
    fail "ssh-keygen -Y verify: $(cat verify-sig.out)"
  fi
  echo "tampered" > message
  if t ssh-keygen -Y verify -f allowed_signers -I vault -n file -s message.sig \
       < message > /dev/null 2>&1; then
    fail "ssh-keygen -Y verify accepted a changed message"
  else
    ok "ssh-keygen -Y verify refuses a changed message"
  fi
else
  fail "ssh-keygen -Y sign: $(cat sign.err)"
fi

# Another user cannot use the keys even where the socket is reachable: with
# the directories and the socket opened up by hand, a client running as
# nobody is refused by the agent itself (its peer-credential check; Linux).
# Needs root, to run a client as another user (.ci/run runs as root).
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
  chmod 711 "$work" "$work/agent"
  chmod 666 "$work/agent/sock"
  if SSH_AUTH_SOCK="$work/agent/sock" t setpriv --reuid=65534 --regid=65534 --clear-groups \
       ssh-add -L > nobody.out 2>&1; then
    fail "a client running as nobody listed the keys: $(cat nobody.out)"
  elif grep -q 'refused a client of uid 65534' agent.log; then
    ok "a client running as another user is refused by the agent"
  else
    fail "nobody's client failed, but not by the agent's refusal: $(cat nobody.out) $(cat agent.log)"
  fi
  chmod 700 "$work" "$work/agent"
  chmod 600 "$work/agent/sock"
else
  skipped=$((skipped + 1)); echo "skipped - the peer check (needs root and setpriv)"
fi

# The agent stops on SIGTERM: status 0, socket removed.
kill -TERM "$agent_pid"
if wait "$agent_pid"; then ok "agent exits 0 on SIGTERM"; else fail "agent exit status $?"; fi
agent_pid=""
[ ! -e "$work/agent/sock" ] && ok "agent removed its socket" || fail "socket left behind"
[ "$(grep -c 'signed with' agent.log)" -ge 2 ] && ok "agent logged its signatures" \
  || fail "agent log: $(cat agent.log)"

# ---- a 2-of-3 threshold deploy key that no process ever held whole ----
# The owner deals the config and code keys 2-of-3 to three vaults (register
# --threshold 2); each vault verifies and writes its KEY SHARE files; an
# agent holding the shares of vaults 1 and 3 signs git's SSH authentication
# with FROST (for this sshd's user only), and git clones through it.
mkdir -m 700 shared
for v in 1 2 3; do
  vs vault keygen -o "shared/vault$v.key" > /dev/null 2>&1
  vs vault record -k "shared/vault$v.key" --region local --endpoint "https://vault$v.invalid" \
    -o "shared/vault$v.rec" 2> /dev/null
done
vs register --owner-key owner.key --name shared --threshold 2 \
  --to shared/vault1.rec --to shared/vault2.rec --to shared/vault3.rec \
  --config-repo shared/config --code-repo shared/code -o shared/reg.pem > shared/register.out
mkdir -p repos/shared
for repo in config code; do
  git clone -q --bare "repos/demo/$repo.git" "repos/shared/$repo.git"
  echo "restrict,command=\"$work/git-wrapper shared/$repo.git\" $(cat "shared/reg.pem.setup/$repo.deploy-key.pub")" \
    >> authorized_keys
done
# The git host's installed keys, as the vaults read them (the ssh probe
# needs a whole key, which no vault of a threshold registration has).
(echo "shared/config $(cat shared/reg.pem.setup/config.deploy-key.pub)";
 echo "shared/code $(cat shared/reg.pem.setup/code.deploy-key.pub)") > shared/installed.txt
for v in 1 3; do
  vs verify-registration -i shared/reg.pem --records shared/vault1.rec shared/vault2.rec \
    shared/vault3.rec -k "shared/vault$v.key" --ownership shared/installed.txt \
    -o "shared/opened$v" > "shared/verify$v.out" 2>&1 \
    || fail "threshold verify-registration as vault $v: $(cat "shared/verify$v.out")"
done
if grep -q "threshold: 2 of 3" shared/register.out && [ -s shared/opened1/config.key-share ] \
   && [ -s shared/opened3/config.key-share ] && [ ! -e shared/opened1/config.deploy-key ]; then
  ok "threshold registration: each vault opened its shares, no deploy key"
else
  fail "threshold registration: $(cat shared/register.out shared/verify1.out)"
fi
mkdir -m 700 shared/agent
timeout --foreground 600 "$vaultseal" agent --socket "$work/shared/agent/sock" \
  --registration shared/reg.pem --share shared/opened1/config.key-share \
  --share shared/opened3/config.key-share --ssh-user "$user" \
  > shared/agent.env 2> shared/agent.log &
agent_pid=$!
for _ in $(seq 100); do [ -s shared/agent.env ] && break; sleep 0.1; done
if SSH_AUTH_SOCK="$work/shared/agent/sock" t git clone -q "$(url shared/config)" shared/clone \
     2> shared/clone.err \
   && [ "$(cat shared/clone/README)" = "content of the config repository" ] \
   && grep -q "signed with" shared/agent.log; then
  ok "git clone with a 2-of-3 threshold key: two share holders signed with FROST"
else
  fail "threshold clone: $(cat shared/clone.err shared/agent.log)"
fi
# The holders sign only authentication as this user: ssh-keygen -Y sign
# (an SSHSIG) is refused.
echo "a file" > shared/message
if SSH_AUTH_SOCK="$work/shared/agent/sock" t ssh-keygen -q -Y sign \
     -f shared/reg.pem.setup/config.deploy-key.pub -n file shared/message 2> /dev/null; then
  fail "the threshold holders signed an SSHSIG their policy does not allow"
elif grep -q "refused to sign" shared/agent.log; then
  ok "the threshold holders refuse what their policy does not allow (an SSHSIG)"
else
  fail "SSHSIG refusal not logged: $(cat shared/agent.log)"
fi
# One share is not enough to serve the key.
if t "$vaultseal" agent --socket "$work/shared/agent/one" --registration shared/reg.pem \
     --share shared/opened1/config.key-share > /dev/null 2> shared/one.err; then
  fail "an agent served a threshold key from one share"
elif grep -q "fewer shares than the threshold" shared/one.err; then
  ok "one share of a 2-of-3 key is refused"
else
  fail "one share: $(cat shared/one.err)"
fi
kill -TERM "$agent_pid"
wait "$agent_pid" || true
agent_pid=""

# ---- the README's commands, as written ----
# The block of README.md's "Use the opened keys with git", run in a fresh
# directory with the same registration and vault files, the host name
# `git@git.example:22` being the only thing replaced (by this sshd).
mkdir -m 700 readme readme/run
cp reg.pem vault.rec vault.key readme/
cp known_hosts readme/git.example.known_hosts
awk '/^## Use the opened keys with git/ { section = 1 }
     section && /^```text$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$root/README.md" \
  | sed "s|git@git\.example:22|$user@127.0.0.1:$port|g" > readme/block.sh
readme_ran=0
if [ "$(grep -c 'vaultseal' readme/block.sh)" -ge 2 ] \
   && (cd readme && PATH="$(dirname "$vaultseal"):$PATH" XDG_RUNTIME_DIR="$work/readme/run" \
         t bash -euo pipefail block.sh > block.out 2>&1); then
  readme_ran=1
fi
# The block's last command stops its agent (`kill %1`), which then removes
# its socket; an agent left behind by a failed block is stopped here.
for _ in $(seq 50); do [ -e readme/run/vaultseal/agent.sock ] || break; sleep 0.1; done
left=0
pkill -f -- "--socket $work/readme/run/" && left=1
if [ "$readme_ran" -eq 1 ] && [ "$left" -eq 0 ] \
   && [ "$(cat readme/config/README)" = "content of the config repository" ] \
   && [ ! -e readme/run/vaultseal/agent.sock ]; then
  ok "the README's commands run as written: verify, open, probe, agent, clone"
else
  fail "the README's commands: $(cat readme/block.out 2>/dev/null)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
