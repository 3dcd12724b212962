#!/usr/bin/env bash
# Samples a running soak every 5 s (docs/reliability.md, runs M to P): the
# server's CPU, the load generator's CPU and the machine's idle time (in
# cores), the server's RSS and what it read through read/pread (rchar of
# /proc/PID/io, in MB/s). Start it beside `bench/soak/run.sh`; it waits for
# the soak's server and ends with it.
#
#   bench/soak/run.sh > soak.log & bench/soak/sample.sh > sample.log
set -u
while true; do
  server=$(pgrep -f "yalu serve --bind 127.0.0.1:0" | head -1)
  [ -n "$server" ] && break
  sleep 1
done
generator=$(pgrep -f "deps/soak-" | head -1)
echo "server pid $server, load generator pid ${generator:-none}"
idle() { awk '/^cpu /{print $5 + $6}' /proc/stat; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rchar() { awk '/^rchar/{print $2}' "/proc/$server/io" 2>/dev/null || echo 0; }
cores() { echo "scale=2; ($2 - $1) / 500" | bc; }
s=$(ticks "$server"); g=$(ticks "${generator:-0}"); i=$(idle); r=$(rchar); t=0
while kill -0 "$server" 2>/dev/null; do
  sleep 5
  t=$((t + 5))
  [ -r "/proc/$server/stat" ] || break
  s2=$(ticks "$server"); g2=$(ticks "${generator:-0}"); i2=$(idle); r2=$(rchar)
  rss=$(awk '/VmRSS/{print $2}' "/proc/$server/status" 2>/dev/null)
  echo "$t s: server $(cores "$s" "$s2") gen $(cores "$g" "$g2") idle $(cores "$i" "$i2") cores, rss ${rss:-0} KiB, read $(((r2 - r) / 5000000)) MB/s"
  s=$s2; g=$g2; i=$i2; r=$r2
done
