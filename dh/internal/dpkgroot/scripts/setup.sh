# Set up a throwaway root. Run by dpkgroot as the init process (pid 1) of a
# fresh mount and pid namespace; $1 is an empty host directory to build it in.
# Prints "ready" once the root is usable, then stays alive as the reaper of
# every orphaned process inside (daemons started by start-stop-daemon).
set -eu
d=$1
m=$d/merged

# Nothing mounted here may propagate back to the host.
mount --make-rprivate /

# Everything the root writes lives on this tmpfs, which only exists in this
# namespace; it disappears when the namespace's last process exits.
mount -t tmpfs -o mode=0700 dpkgroot "$d"
mkdir "$d/lower" "$d/upper" "$d/work" "$m"
# A non-recursive bind of / is exactly what overlayfs sees as its lower layer
# (no submounts); dpkgroot reads it when it compares snapshots.
mount --bind / "$d/lower"
mount -t overlay dpkgroot -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$m"

mount -t proc -o nosuid,nodev,noexec proc "$m/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$m/sys"

# A minimal /dev: the usual character devices, private ptys and shm.
mount -t tmpfs -o mode=0755,nosuid dev "$m/dev"
for n in null zero full random urandom tty; do
	: >"$m/dev/$n"
	mount --bind "/dev/$n" "$m/dev/$n"
done
mkdir "$m/dev/pts" "$m/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$m/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$m/dev/shm"
ln -s pts/ptmx "$m/dev/ptmx"
ln -s /proc/self/fd "$m/dev/fd"
ln -s /proc/self/fd/0 "$m/dev/stdin"
ln -s /proc/self/fd/1 "$m/dev/stdout"
ln -s /proc/self/fd/2 "$m/dev/stderr"

# A fresh /run has no /run/systemd/system, so invoke-rc.d and update-rc.d
# take the System V path.
mount -t tmpfs -o mode=0755,nosuid,nodev run "$m/run"
mkdir -m 1777 "$m/run/lock"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$m/tmp"

# Inside the root (so that symbolic links such as /sbin -> usr/sbin resolve
# there): claim runlevel 2, and allow every service action that invoke-rc.d
# would run on a System V host. invoke-rc.d puts an action in parentheses,
# "(start)", when the runlevel links say not to run it; exiting 0 for that
# too would start daemons that have no S link in rc2.d.
# shellcheck disable=SC2016 # $arg is for the inner shell
chroot "$m" /bin/sh -eu -c '
	rm -f /usr/sbin/policy-rc.d /sbin/runlevel
	cat >/usr/sbin/policy-rc.d <<"END"
#!/bin/sh
# dpkgroot: allow what the runlevel links allow, as on a host without a policy.
for arg; do
	case $arg in
	"("*")") exit 101 ;;
	esac
done
exit 0
END
	printf "#!/bin/sh\n# dpkgroot: the root is in runlevel 2.\necho N 2\n" >/sbin/runlevel
	chmod 0755 /usr/sbin/policy-rc.d /sbin/runlevel
'

echo ready
# Reap every child, including adopted orphans, so that a stopped daemon does
# not linger as a zombie that kill -0 and start-stop-daemon would see.
exec perl -e '$SIG{CHLD} = sub {}; while (1) { sleep 1 if waitpid(-1, 0) < 0 && $!{ECHILD} }'
