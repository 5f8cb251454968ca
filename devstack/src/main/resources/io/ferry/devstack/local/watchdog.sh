#!/bin/sh
# Runs one server and ends it when the JVM that started it goes away.
# The JVM holds this script's stdin open; when the JVM closes it (a normal stop) or dies (even by
# SIGKILL), the read below sees end-of-file and the server gets STOP_SIGNAL.
# usage: watchdog.sh STOP_SIGNAL PID_FILE COMMAND [ARG...]
sig=$1
pidfile=$2
shift 2
exec 3<&0
"$@" </dev/null &
child=$!
echo "$child" > "$pidfile"
( while read -r _ <&3; do :; done; kill -"$sig" "$child" 2>/dev/null ) &
watcher=$!
exec 3<&-
wait "$child"
rc=$?
kill "$watcher" 2>/dev/null
exit $rc
