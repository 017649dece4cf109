#!/usr/bin/env bash
# Per-process throughput behind docs/operations.md: the real `seawarden`
# binary on the replay corpus (scripts/replay-corpus.py: the Danish Maritime
# Authority's national-feed sample, 993,548 messages, 1,508 vessels), with
# the full world (TeleGeography cables, Sodir pipelines, territorial seas,
# land). For each process: wall time, CPU time (user + system) and peak
# resident memory; messages per CPU-second is the figure to size with, since
# other work on the machine inflates wall times but not CPU times. The
# baseline of the same run is `seawarden decode --format none`.
#
#   scripts/ops-sizing.sh [SEAWARDEN_BINARY] [CORPUS.nmea]
#
# Needs nats-server 2.10+ on PATH (or $SEAWARDEN_NATS_SERVER) for the bus
# figures, /usr/bin/time, python3. Writes only under a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(realpath "${1:-target/release/seawarden}")"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
CORPUS="${2:-$WORK/dma_1M.nmea}"
[ -e "$CORPUS" ] || python3 scripts/replay-corpus.py "$CORPUS" >/dev/null
D=../shared/data
WORLD=(--infra $D/infrastructure/telegeography/cable-geo.json
       --infra $D/infrastructure/sodir/pipLine_wgs84.geojson
       --zones $D/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson
       --land $D/boundaries/natural_earth/ne_10m_land.json.gz)
N=$("$BIN" decode --format none --stats "$CORPUS" 2>&1 | sed -nE 's/^messages[^0-9]*([0-9]+).*/\1/p' | head -1)
N=${N:-993548}
echo "binary $BIN; corpus $CORPUS ($N messages); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %8s %9s %12s %8s\n' process wall_s cpu_s peak_MiB msgs/cpu_s vs_decode

# run NAME CMD...: time one process; prints its line and sets CPU.
BASE=""
run() {
  local name="$1"; shift
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  report "$name" "$(cat "$WORK/t")"
}
report() {
  local name="$1"; read -r wall user sys kib <<<"$2"
  CPU=$(python3 -c "print($user + $sys - ${SUB:-0})")
  local rate ratio
  rate=$(python3 -c "print(f'{$N / max($CPU, 1e-9):,.0f}')")
  if [ -z "$BASE" ]; then BASE=$CPU; fi
  ratio=$(python3 -c "print(f'{$BASE / max($CPU, 1e-9):.3f}')")
  printf '%-34s %8.2f %8.2f %9.0f %12s %8s\n' "$name" "$wall" "$CPU" "$((kib / 1024))" "$rate" "$ratio"
}

SUB=0 run "decode --format none (baseline)" "$BIN" decode --format none "$CORPUS"
# Loading the world is paid once per process start; measured alone and
# subtracted from the per-message figures of processes that load it.
/usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$BIN" replay /dev/null "${WORLD[@]}" >/dev/null 2>&1
read -r _ u s _ <"$WORK/t"; WORLD_CPU=$(python3 -c "print($u + $s)")
echo "(world load: $WORLD_CPU s CPU per process, subtracted below where marked *)"
SUB=$WORLD_CPU run "replay, all detectors *" "$BIN" replay "$CORPUS" "${WORLD[@]}" --alerts "$WORK/alerts.jsonl"
SUB=0 run "ingest --data (journal+archive)" "$BIN" ingest --data "$WORK/store" --quiet "$CORPUS"
ARCH=$(du -sb "$WORK/store/archive/positions" | cut -f1); JRNL=$(du -sb "$WORK/store/journal" | cut -f1)
SUB=$WORLD_CPU run "replay --data (detect+store) *" "$BIN" replay --data "$WORK/store2" "$CORPUS" "${WORLD[@]}"

if NATS="${SEAWARDEN_NATS_SERVER:-$(command -v nats-server || true)}" && [ -n "$NATS" ]; then
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$NATS" -js -a 127.0.0.1 -p "$PORT" -sd "$WORK/nats" >/dev/null 2>&1 &
  NPID=$!
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
  URL="nats://127.0.0.1:$PORT"
  P=3
  PIDS=()
  for k in $(seq 0 $((P - 1))); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/t$k" "$BIN" bus detect --bus "$URL" --partition "$k" --partitions $P "${WORLD[@]}" >/dev/null 2>"$WORK/e$k" &
    PIDS+=($!)
  done
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/ta" "$BIN" bus detect --bus "$URL" --area "${WORLD[@]}" >/dev/null 2>"$WORK/ea" &
  PIDS+=($!)
  sleep 3
  START=$(date +%s.%N)
  SUB=0 run "bus ingest ($P partitions)" "$BIN" bus ingest --bus "$URL" --partitions $P "$CORPUS"
  for p in "${PIDS[@]}"; do wait "$p"; done
  END=$(date +%s.%N)
  # Each ship partition sees about 1/P of the messages: their rate is
  # given for the partitions together (sum of their CPU, max of their wall
  # and memory).
  for k in $(seq 0 $((P - 1))); do
    read -r w u s m <"$WORK/t$k"; echo "  ship partition $k: wall $w s, CPU $(python3 -c "print(f'{$u + $s - $WORLD_CPU:.2f}')") s (world load subtracted), peak $((m / 1024)) MiB"
  done
  SUM=$(cat "$WORK"/t[0-9]* | awk -v P=$P -v W="$WORLD_CPU" '{w = $1 > w ? $1 : w; c += $2 + $3; m = $4 > m ? $4 : m} END {print w, c - (P - 1) * W, 0, m}')
  SUB=$WORLD_CPU report "bus detect, $P ship partitions *" "$SUM"
  SUB=$WORLD_CPU report "bus detect, area stage *" "$(cat "$WORK/ta")"
  read -r -a ST <"/proc/$NPID/stat"
  NCPU=$(python3 -c "print((${ST[13]} + ${ST[14]}) / $(getconf CLK_TCK))")
  echo "nats-server: $NCPU s CPU = $(python3 -c "print(f'{$N / max($NCPU, 1e-9):,.0f}')") msgs/cpu_s; cluster wall time from ingest start to the last worker's end: $(python3 -c "print(f'{$END - $START:.2f}')") s"
  "$BIN" bus alerts --bus "$URL" --out "$WORK/bus-alerts.jsonl" 2>/dev/null
  echo "alert events: replay $(wc -l <"$WORK/alerts.jsonl"), bus $(wc -l <"$WORK/bus-alerts.jsonl")"
  echo "JetStream file storage after the run (observations twice: partition and all, plus alerts): $(du -sb "$WORK/nats" | cut -f1) bytes = $(python3 -c "print(f'{$(du -sb "$WORK/nats" | cut -f1) / $N:.1f}')") bytes/message"
  kill $NPID
else
  echo "no nats-server: bus figures skipped"
fi
python3 -c "print(f'archive: {$ARCH} bytes = {$ARCH / $N:.2f} bytes/message; journal: {$JRNL} bytes = {$JRNL / $N:.1f} bytes/message ({$JRNL / $(stat -c %s "$CORPUS") * 100:.0f} % of the raw file)')"
