#!/usr/bin/env bash
# Speed comparison on one input, in one run: `vigil replay` (1 and 2 reader threads), mtail --one_shot with the
# programs in bench/mtail/, and goaccess on the nginx access log. Prints a Markdown table (docs/benchmarks.md).
#
#   bench/compare.sh [--lines N] [--corpus DIR] [--rounds N] [--out FILE] [--workdir DIR]
#
# A benchmark, not a test: it is not part of .ci/run. It exits non-zero with a one-line message when a tool is
# missing or a run failed or produced no output.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
progs="$root/bench/mtail"

lines=1000000
corpus=""
rounds=3
out=""
workdir=""

usage() {
  cat <<EOF
Usage: bench/compare.sh [--lines N] [--corpus DIR] [--rounds N] [--out FILE] [--workdir DIR]

Times, on the same files: vigil replay (--threads 1 and 2, full pattern pack), mtail --one_shot with the programs
in bench/mtail/, and goaccess on the nginx access log. Best of --rounds by wall time; prints a Markdown table.

  --lines N      lines of the generated realistic mixed corpus (default 1000000)
  --corpus DIR   use DIR/*.log instead of generating a corpus (goaccess reads DIR/nginx-access.log)
  --rounds N     timed rounds per tool, interleaved; the best (lowest wall time) is kept (default 3)
  --out FILE     also write the table (with the run's date, machine and load) to FILE
  --workdir DIR  keep the corpus and every tool's output in DIR (default: a temporary directory, removed)
EOF
}

die() { echo "compare.sh: $*" >&2; exit 1; }
note() { echo "compare.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --lines) lines="${2:?--lines needs a number}"; shift 2 ;;
    --lines=*) lines="${1#*=}"; shift ;;
    --corpus) corpus="${2:?--corpus needs a directory}"; shift 2 ;;
    --corpus=*) corpus="${1#*=}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --rounds=*) rounds="${1#*=}"; shift ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    --workdir) workdir="${2:?--workdir needs a directory}"; shift 2 ;;
    --workdir=*) workdir="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
# relative paths are taken from where the script was started (it works from the repository root)
abs() { case "$1" in ""|/*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
corpus="$(abs "$corpus")"; out="$(abs "$out")"; workdir="$(abs "$workdir")"
[[ "$lines" =~ ^[1-9][0-9]*$ ]] || die "--lines must be a positive integer, not '$lines'"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, not '$rounds'"

# --- tools -------------------------------------------------------------------------------------------------------
missing=()
command -v mtail >/dev/null || missing+=(mtail)
command -v goaccess >/dev/null || missing+=(goaccess)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null \
    || die "${missing[*]} missing and apt-get is not available: install them by hand (Debian/Ubuntu packages mtail, goaccess)"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "${missing[*]} missing: run as root or install them (apt-get install -y ${missing[*]})"
    sudo=(sudo)
  fi
  note "installing ${missing[*]} (apt-get install -y ${missing[*]}) …"
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
    # a fresh machine may have no package lists yet
    "${sudo[@]}" apt-get update -q >/dev/null 2>&1 || true
    "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || die "apt-get install -y ${missing[*]} failed"
  fi
fi
for t in mtail goaccess java awk; do
  command -v "$t" >/dev/null || die "$t is not installed"
done

# --- work directory and corpus -----------------------------------------------------------------------------------
if [ -n "$workdir" ]; then
  mkdir -p "$workdir"
  work="$(cd "$workdir" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-compare.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

cd "$root"
# Build the jar now (the launcher rebuilds it when it is missing or older than the sources), not inside a timed run.
./vigil --version >/dev/null || die "./vigil could not be built or started"

if [ -z "$corpus" ]; then
  corpus="$work/corpus"
  rm -rf "$corpus"
  note "generating a realistic mixed corpus of $lines lines in $corpus (./vigil bench --corpus-dir) …"
  # --rounds 0: one pass of vigil bench's own measurements after writing the corpus (kept in vigil-bench.txt)
  ./vigil bench --corpus-dir "$corpus" --lines "$lines" --rounds 0 >"$work/vigil-bench.txt" 2>&1 \
    || { tail -n 5 "$work/vigil-bench.txt" >&2; die "./vigil bench could not generate the corpus"; }
fi
[ -d "$corpus" ] || die "corpus directory not found: $corpus"
corpus="$(cd "$corpus" && pwd)"
files=("$corpus"/*.log)
[ -f "${files[0]}" ] || die "no *.log files in $corpus"
access="$corpus/nginx-access.log"
[ -f "$access" ] || die "no nginx-access.log in $corpus (goaccess reads the access log only)"

total_lines=$(cat "${files[@]}" | wc -l)
access_lines=$(wc -l <"$access")
logs_csv="$(IFS=,; echo "${files[*]}")"
[ "$total_lines" -gt 0 ] || die "the corpus in $corpus is empty"

# --- mtail programs must compile ---------------------------------------------------------------------------------
if ! mtail --compile_only --logtostderr --progs "$progs" >"$work/mtail-compile.log" 2>&1; then
  grep -vE '^I[0-9]{4} ' "$work/mtail-compile.log" | head -n 5 >&2 || true
  die "mtail could not compile the programs in $progs"
fi

# --- timed runs --------------------------------------------------------------------------------------------------
# run_once NAME CMD...: runs CMD with stdout/stderr in $work/NAME.out/.err (the stderr of each round is kept in
# NAME.round<r>.err), appends "wall cpu round" to $work/NAME.times
run_once() {
  local name="$1"; shift
  local tf="$work/$name.time" rc
  set +e
  { TIMEFORMAT='%3R %3U %3S'; time "$@" >"$work/$name.out" 2>"$work/$name.err"; } 2>"$tf"
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    tail -n 5 "$work/$name.err" >&2 || true
    die "$name exited with status $rc: $*"
  fi
  cp "$work/$name.err" "$work/$name.round$r.err"
  awk -v r="$r" '{ printf "%.3f %.3f %d\n", $1, $2 + $3, r }' "$tf" >>"$work/$name.times"
}

vigil_t1=(./vigil replay --format json --threads 1 "${files[@]}")
vigil_t2=(./vigil replay --format json --threads 2 "${files[@]}")
mtail_cmd=(mtail --one_shot --one_shot_format prometheus --logtostderr --progs "$progs" --logs "$logs_csv"
           --address 127.0.0.1 --port 0)
goaccess_cmd=(goaccess "$access" --log-format=COMBINED --no-progress -o "$work/goaccess.json")

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$work"/*.times "$work"/*.round*.err
for ((r = 1; r <= rounds; r++)); do
  note "round $r/$rounds: vigil --threads 1, vigil --threads 2, mtail, goaccess …"
  run_once vigil-t1 "${vigil_t1[@]}"
  run_once vigil-t2 "${vigil_t2[@]}"
  run_once mtail "${mtail_cmd[@]}"
  run_once goaccess "${goaccess_cmd[@]}"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- did each tool do its work? ----------------------------------------------------------------------------------
# vigil replay's summary on stderr: "vigil replay: 1,000,000 lines (…) · 1,000,000 parsed · … · 58,871 matches ·
# 32 alerts (…) · 12.05 s, 82,990 lines/s"
vigil_summary() {
  { grep -E '^vigil replay: ' "$work/$1.err" || true; } | tail -n 1
}
for n in vigil-t1 vigil-t2; do
  s="$(vigil_summary "$n")"
  [ -n "$s" ] || die "$n printed no summary line (see $work/$n.err)"
  [ -s "$work/$n.out" ] || die "$n raised no alert on $total_lines lines"
done
best() { sort -n "$work/$1.times" | head -n 1; }  # "wall cpu round" of the round with the lowest wall time
num() { tr -d ',' <<<"$1"; }
th() { awk -v x="$1" 'BEGIN { s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'; }
v_summary="$(vigil_summary vigil-t1)"
v_read="$(num "$(sed -E 's/^vigil replay: ([0-9,]+) lines.*/\1/' <<<"$v_summary")")"
v_matches="$(sed -E 's/.* ([0-9,]+) matches.*/\1/' <<<"$v_summary")"
v_alerts="$(wc -l <"$work/vigil-t1.out")"
[ "$v_read" = "$total_lines" ] || note "vigil read $v_read lines of $total_lines"
# the engine's own rate (first to last line, without JVM start), from the round kept in the table
engine_rate() { sed -E 's/.* ([0-9,]+) lines\/s.*/\1/' <<<"$(vigil_summary "$1.round$(best "$1" | cut -d' ' -f3)")"; }
sig_count=$(find "$root/patterns/signatures" -name '*.yml' | wc -l)
rule_count=$(find "$root/patterns/rules" -name '*.yml' | wc -l)

prom="$work/mtail.out"
m_matches=$(awk '/^signature_matches_total\{/ { s += $NF } END { print s + 0 }' "$prom")
m_hist=$(awk '/_count\{/ && $NF > 0 { n++ } END { print n + 0 }' "$prom")
[ "$m_matches" -gt 0 ] || die "mtail counted no signature match (see $prom and $work/mtail.err)"
[ "$m_hist" -gt 0 ] || die "mtail observed nothing in its histograms (see $prom)"
m_programs=$(find "$progs" -name '*.mtail' | wc -l)
m_regexes=$(grep -c 'signature_matches_total\["' "$progs"/*.mtail | awk -F: '{ s += $2 } END { print s }')
m_series=$(grep -c '^[a-z_]*{' "$prom" || true)

ga_total=$(grep -oE '"total_requests": *[0-9]+' "$work/goaccess.json" | head -n 1 | grep -oE '[0-9]+$' || true)
ga_valid=$(grep -oE '"valid_requests": *[0-9]+' "$work/goaccess.json" | head -n 1 | grep -oE '[0-9]+$' || true)
ga_failed=$(grep -oE '"failed_requests": *[0-9]+' "$work/goaccess.json" | head -n 1 | grep -oE '[0-9]+$' || true)
if [ -z "$ga_valid" ] || [ "$ga_valid" -eq 0 ]; then
  die "goaccess parsed no request (see $work/goaccess.json)"
fi
[ "$ga_total" = "$access_lines" ] || note "goaccess read $ga_total of $access_lines access-log lines"

{
  echo "mtail did its work ($m_series series; a few of them):"
  grep -E '^(signature_matches_total|auth_failures_total)\{' "$prom" | sort -t' ' -k2 -rn | head -n 6 | sed 's/^/  /'
  grep -E '_count\{' "$prom" | sed 's/^/  /'
  echo "goaccess: $ga_total requests read, $ga_valid valid, $ga_failed failed"
  echo "vigil: $v_summary"
  echo
} >&2

# --- table -------------------------------------------------------------------------------------------------------

row() {  # row TOOL WHAT LINES NAME
  local wall cpu
  read -r wall cpu _ <<<"$(best "$4")"
  awk -v tool="$1" -v what="$2" -v n="$3" -v w="$wall" -v c="$cpu" '
    function th(x,   s) {  # 1234567 -> 1,234,567
      s = sprintf("%.0f", x)
      while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
      return s
    }
    BEGIN { printf "| %s | %s | %s | %.2f | %.2f | %s | %s |\n", tool, what, th(n), w, c, th(n / w), th(n / c) }'
}
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
mem_gib="$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
report="$work/table.md"
{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) cores${cpu_model:+ ($cpu_model)}${mem_gib:+, $mem_gib GiB} ·" \
    "load average before $load_before, after $load_after · best of $rounds round$([ "$rounds" -eq 1 ] || echo s) · Vigil $commit," \
    "$(mtail --version 2>&1 | awk '{ print "mtail " $3; exit }'), $(goaccess --version 2>&1 | sed -nE '1s/^GoAccess - ([0-9.]*[0-9]).*/goaccess \1/p')," \
    "$(java -version 2>&1 | head -n 1 | sed -E 's/^[a-z]+ version "([^"]+)".*/Java \1/')"
  echo
  echo "Input: $corpus ($(th "$total_lines") lines in ${#files[@]} files; nginx access log $(th "$access_lines") lines)"
  echo
  echo "| tool | what it did | input lines | wall s | CPU s | lines/s (wall) | lines/s per CPU-second |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  row "vigil replay --threads 1" "full pack: $sig_count signatures + $rule_count windowed rules, alert lifecycle ($v_matches matches, $v_alerts alerts)" "$total_lines" vigil-t1
  row "vigil replay --threads 2" "the same, files read by 2 threads" "$total_lines" vigil-t2
  row "mtail --one_shot" "$m_programs programs: counters, 3 histograms, $m_regexes signature counters ($(th "$m_matches") matches); no windows, no alerts" "$total_lines" mtail
  row "goaccess" "nginx access log only: report to JSON ($(th "$ga_valid") valid, $(th "$ga_failed") failed)" "$ga_total" goaccess
  echo
  echo "Wall and CPU time are of the whole process (Vigil: JVM start and pattern pack load included). Vigil's own" \
    "count from first to last line: $(engine_rate vigil-t1) lines/s with 1 thread, $(engine_rate vigil-t2) lines/s with 2."
} >"$report"

cat "$report"
if [ -n "$out" ]; then
  cp "$report" "$out"
  note "table written to $out"
fi
