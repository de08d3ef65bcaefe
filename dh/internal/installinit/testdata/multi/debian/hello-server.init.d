#!/bin/sh
### BEGIN INIT INFO
# Provides:          hello-server
# Required-Start:    $remote_fs $syslog
# Required-Stop:     $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: hello-server test daemon
### END INIT INFO

case "$1" in
start|stop|restart|reload|force-reload|status) exit 0 ;;
*) echo "Usage: /etc/init.d/hello-server {start|stop|restart|reload|force-reload|status}" >&2; exit 3 ;;
esac
