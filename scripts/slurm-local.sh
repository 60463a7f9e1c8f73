#!/usr/bin/env bash
# A real single-node Slurm (Debian 12: Slurm 22.05, slurmrestd API v0.0.38)
# on 127.0.0.1, for the bridge's tests. Everything it writes lives in one
# folder; every daemon it starts is stopped again by the PIDs it wrote.
#
#   scripts/slurm-local.sh install     install the Debian packages if missing;
#                                      exit 3 (and say SKIP) when they cannot be
#   scripts/slurm-local.sh start DIR   start munged, slurmctld, slurmd and
#                                      slurmrestd with their state in DIR (wiped
#                                      first); writes DIR/env (SLURM_CONF,
#                                      SLURMRESTD_URL, SLURM_JWT_FILE, SLURM_PARTITIONS)
#   scripts/slurm-local.sh stop DIR    stop what start started
#
# Ports: QS_SLURMCTLD_PORT (default 16817), QS_SLURMD_PORT (16818),
# QS_SLURMRESTD_PORT (16820). Needs root (slurmd runs jobs as their user).
# See TOOLCHAIN.md, "Real schedulers on loopback".
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(slurmctld slurmd slurmrestd munge slurm-client slurm-wlm-jwt-plugin curl)

installed() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
  done
}

install() {
  if installed; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "SKIP: Slurm packages are missing and installing them needs root" >&2
    exit 3
  fi
  log "installing ${PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1 || true
    if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null; then
      echo "SKIP: the Slurm packages (${PACKAGES[*]}) cannot be installed here" >&2
      exit 3
    fi
  fi
  installed || {
    echo "SKIP: the Slurm packages did not install" >&2
    exit 3
  }
}

# wait_for WHAT SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
  local what="$1" secs="$2"
  shift 2
  local i
  for i in $(seq 1 $((secs * 5))); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  die "$what did not come up within ${secs} s (logs in $DIR)"
}

start() {
  DIR="$(realpath -m "$1")"
  # munged and slurmrestd run as other users: every folder above DIR must
  # let them through.
  local up
  up="$(dirname "$DIR")"
  while [ "$up" != / ]; do
    [ "$(($(stat -c %a "$up") % 2))" = 1 ] || die "$up is not searchable by other users (munged, slurmrestd): chmod o+x it or use another folder"
    up="$(dirname "$up")"
  done
  stop_pids "$DIR" 2>/dev/null || true
  rm -rf "$DIR"
  mkdir -p "$DIR"/{state,spool,log,munge}
  # slurmrestd runs as nobody and reads slurm.conf.
  chmod 755 "$DIR"
  local host ctld_port slurmd_port rest_port
  host="$(hostname -s)"
  ctld_port="${QS_SLURMCTLD_PORT:-16817}"
  slurmd_port="${QS_SLURMD_PORT:-16818}"
  rest_port="${QS_SLURMRESTD_PORT:-16820}"

  # Our own munged on our own socket, so nothing else on the machine is
  # touched (the package's key is used read-only).
  chown munge:munge "$DIR/munge"
  chmod 755 "$DIR/munge"
  runuser -u munge -- /usr/sbin/munged --socket="$DIR/munge/munge.socket" \
    --pid-file="$DIR/munge/munged.pid" --seed-file="$DIR/munge/munged.seed" \
    --log-file="$DIR/munge/munged.log" --key-file=/etc/munge/munge.key
  wait_for munged 10 test -S "$DIR/munge/munge.socket"
  cat "$DIR/munge/munged.pid" >"$DIR/munged.pid"

  head -c 32 /dev/urandom >"$DIR/jwt.key"
  chmod 600 "$DIR/jwt.key"
  cat >"$DIR/slurm.conf" <<EOF
ClusterName=queuescope
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$DIR/jwt.key
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=86400
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid.file
SlurmdPidFile=$DIR/slurmd.pid.file
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SchedulerParameters=sched_interval=1
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=cpu Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=$host MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$DIR/slurm.conf"
  slurmctld -D -i >"$DIR/log/slurmctld.out" 2>&1 &
  echo $! >"$DIR/slurmctld.pid"
  wait_for slurmctld 30 scontrol ping
  slurmd -D -N "$host" >"$DIR/log/slurmd.out" 2>&1 &
  echo $! >"$DIR/slurmd.pid"
  wait_for slurmd 30 bash -c '[ "$(sinfo -h -o %T | head -n1)" = idle ]'
  SLURM_JWT=daemon slurmrestd -u nobody -g nogroup -s openapi/v0.0.38 -a rest_auth/jwt \
    "127.0.0.1:$rest_port" >"$DIR/log/slurmrestd.out" 2>&1 &
  echo $! >"$DIR/slurmrestd.pid"
  local token
  token="$(scontrol token username=root lifespan=86400 | sed -n 's/^SLURM_JWT=//p')"
  [ -n "$token" ] || die "scontrol token printed no token"
  (umask 077 && printf '%s\n' "$token" >"$DIR/jwt")
  wait_for slurmrestd 30 curl -sf -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token" \
    "http://127.0.0.1:$rest_port/slurm/v0.0.38/ping"
  cat >"$DIR/env" <<EOF
SLURM_CONF=$DIR/slurm.conf
SLURMRESTD_URL=http://127.0.0.1:$rest_port
SLURM_JWT_FILE=$DIR/jwt
SLURM_PARTITIONS=cpu,gpu
EOF
  log "Slurm is up: slurmrestd http://127.0.0.1:$rest_port (state in $DIR)"
}

# stop_pids DIR: ends the daemons start wrote PIDs for, newest first.
stop_pids() {
  local dir="$1" name
  for name in slurmrestd slurmd slurmctld munged; do
    [ -f "$dir/$name.pid" ] || continue
    end_pids "$(cat "$dir/$name.pid")"
    rm -f "$dir/$name.pid"
  done
}

case "${1:-}" in
  install) install ;;
  start)
    [ -n "${2:-}" ] || die "usage: $0 start DIR"
    install
    start "$2"
    ;;
  stop)
    [ -n "${2:-}" ] || die "usage: $0 stop DIR"
    stop_pids "$2"
    ;;
  *) die "usage: $0 install | start DIR | stop DIR" ;;
esac
