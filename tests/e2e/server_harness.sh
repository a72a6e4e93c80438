# Shared by the end-to-end scripts: start the real server on $work and talk
# to it as a principal. Expects $bin (binaries) and $work (a directory with
# server.textproto and pki/) to be set; sets $server_pid.

# Starts cellgate-server and waits until it has written its port.
start_server() {
  rm -f "$work/port"
  "$bin/cellgate-server" --config "$work/server.textproto" 2>>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$work/port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Stops the server with SIGTERM and waits for it.
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=""; }

# Runs the cellgate client as `principal` (its pki/<principal>.pem/.key).
as() { # principal, cellgate args...
  local who=$1; shift
  "$bin/cellgate" --server "localhost:$(cat "$work/port")" --ca "$work/pki/ca.pem" \
    --cert "$work/pki/$who.pem" --key "$work/pki/$who.key" "$@"
}
