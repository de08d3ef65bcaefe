#!/bin/sh
# bootvm agent: run by the image's stub (/usr/local/sbin/bootvm-agent, see setup.sh) once the
# machine reached its multi-user runlevel (a systemd unit after multi-user.target, a sysvinit
# inittab "once" entry after rc 2), from the host's shared directory, which the stub mounted
# at /host (9p, tag "host"), with its output on the console. It serves the control port
# (virtio-serial "bootvm"): the host writes a line "N"; the agent runs /host/cmd/N.sh with
# /bin/sh, its standard output and error going to /host/cmd/N.out, and answers "N STATUS".
# It writes "ready" when it starts serving.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C.UTF-8
HOME=/root
export PATH LC_ALL HOME

die() {
	echo "bootvm-agent: $*"
	echo o >/proc/sysrq-trigger
	exit 1
}

port=
for i in $(seq 100); do
	for n in /sys/class/virtio-ports/*/name; do
		[ -r "$n" ] && [ "$(cat "$n")" = bootvm ] && port=/dev/$(basename "$(dirname "$n")")
	done
	[ -n "$port" ] && [ -c "$port" ] && break
	sleep 0.1
done
[ -c "$port" ] || die "no control port"
exec 3<>"$port"

echo "bootvm-agent: ready, uptime $(cut -d" " -f1 /proc/uptime) s"
echo ready >&3
while read -r n <&3; do
	case $n in
	*[!0-9]* | '') echo "bootvm-agent: bad request '$n'"; continue ;;
	esac
	(cd / && exec setsid -w /bin/sh "/host/cmd/$n.sh") >"/host/cmd/$n.out" 2>&1
	echo "$n $?" >&3
done
die "control port closed"
