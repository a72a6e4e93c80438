#!/usr/bin/env python3
"""Turns the JSON of `make bench` into the tables of docs/performance.md
(issue #8: cellgate, baseline, ratio per target) and an SVG chart of the
growth curves. Standard library only.

  python3 tests/bench/bench_report.py build/bench-results [--svg growth.svg]

Reads engine.json, load.json, e2e.json (Google Benchmark, medians of the
repetitions), throughput.txt and throughput-fresh.txt (the last line of cellgate-load is JSON) and
machine-before.txt / machine-after.txt from the results directory.
"""
import json
import math
import os
import sys

SIZES = [100_000, 1_000_000, 10_000_000]
CELLS = [100, 1000, 10000, 50000]
UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def load_medians(path):
    """run_name -> median entry (real time and counters), times in ms."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            print(f"(skipping {path}: not complete JSON: {e})", file=sys.stderr)
            return {}
    out = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b["run_name"]
        scale = UNIT_MS[b.get("time_unit", "ns")]
        entry = dict(b)
        entry["real_ms"] = b["real_time"] * scale
        entry["cpu_ms"] = b["cpu_time"] * scale
        out[name] = entry
    return out


def find(results, prefix):
    for name, entry in results.items():
        if name.startswith(prefix) and (name == prefix or name[len(prefix)] == "/"):
            return entry
    return None


def ms(entry):
    return None if entry is None else entry["real_ms"]


def fmt_ms(v):
    if v is None:
        return "–"
    if v < 0.1:
        return f"{v * 1000:,.3g} µs"
    if v >= 1000:
        return f"{v / 1000:,.2f} s"
    if v >= 10:
        return f"{v:,.1f} ms"
    return f"{v:,.2f} ms"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:,.1f}×"


def engine_section(engine, rows):
    sql = find(engine, f"BM_SqlGroupBy/keyed/{rows}")
    plain = find(engine, f"BM_SqlGroupBy/plain/{rows}")
    e1 = find(engine, f"BM_EngineTable/{rows}/1/0")
    e2 = find(engine, f"BM_EngineTable/{rows}/2/0")
    l2 = find(engine, f"BM_EngineTable/{rows}/2/1")
    bw = [find(engine, f"BM_ReadBandwidth/{rows}/{t}") for t in (1, 2)]
    bw = [b for b in bw if b is not None]
    best = max(bw, key=lambda b: b["bytes_per_second"]) if bw else None
    bound = None
    if best is not None:
        bound = best["bytes_scanned"] / best["bytes_per_second"] * 1e3
    best = min((x for x in (e1, e2) if x is not None), key=ms, default=None)
    label = "2 threads" if best is e2 else "1 thread"
    lines = [f"| figure ({rows:,} records) | cellgate | baseline | ratio |", "|---|---:|---:|---:|"]
    lines.append(f"| 3-D table with margins, 2 threads vs SQLCipher GROUP BY | {fmt_ms(ms(e2))} | "
                 f"{fmt_ms(ms(sql))} | {fmt_ratio(ms(sql), ms(e2))} faster |")
    lines.append(f"| same, 1 thread vs SQLCipher GROUP BY | {fmt_ms(ms(e1))} | {fmt_ms(ms(sql))} | "
                 f"{fmt_ratio(ms(sql), ms(e1))} faster |")
    lines.append(f"| same, 2 threads vs plain SQLite GROUP BY | {fmt_ms(ms(e2))} | {fmt_ms(ms(plain))} | "
                 f"{fmt_ratio(ms(plain), ms(e2))} faster |")
    lines.append(f"| same, best of 1 and 2 threads ({label}) vs memory-bandwidth bound "
                 f"(bytes scanned / best read rate of 1 or 2 threads) | "
                 f"{fmt_ms(ms(best))} | {fmt_ms(bound)} | {fmt_ratio(ms(best), bound)} of the bound |")
    if e1 is not None and bw:
        probe = find(engine, f"BM_ReadBandwidth/{rows}/1")
        lines.append(f"| same in CPU time, 1 thread vs the 1-thread read of the same bytes | "
                     f"{fmt_ms(e1['cpu_ms'])} | {fmt_ms(probe['cpu_ms'])} | "
                     f"{fmt_ratio(e1['cpu_ms'], probe['cpu_ms'])} |")
    lines.append(f"| with the two largest values per cell (magnitude rules), 2 threads | {fmt_ms(ms(l2))} | "
                 f"{fmt_ms(ms(e2))} | {fmt_ratio(ms(l2), ms(e2))} |")
    cpu = [f"{name} {fmt_ms(x['cpu_ms'])}" for name, x in (("engine 1 thread", e1), ("SQLCipher", sql))
           if x is not None]
    if cpu:
        lines.append("")
        lines.append("CPU time of the calling thread: " + ", ".join(cpu) + ".")
    return "\n".join(lines)


def e2e_section(e2e, engine, rows):
    end = find(e2e, f"BM_EndToEnd/{rows}")
    only = find(e2e, f"BM_EngineOnly/{rows}")
    sql = find(engine, f"BM_SqlGroupBy/keyed/{rows}")
    lines = [f"| figure ({rows:,} records) | cellgate | baseline | ratio |", "|---|---:|---:|---:|"]
    lines.append(f"| release through gRPC + mTLS, protection, ledger, durable audit vs SQLCipher GROUP BY | "
                 f"{fmt_ms(ms(end))} | {fmt_ms(ms(sql))} | {fmt_ratio(ms(sql), ms(end))} faster |")
    lines.append(f"| same vs the engine alone | {fmt_ms(ms(end))} | {fmt_ms(ms(only))} | "
                 f"{fmt_ratio(ms(end), ms(only))} |")
    if end is not None and "repeat_ms" in end:
        lines.append(f"| the same query again (answered as released) | {fmt_ms(end['repeat_ms'])} | "
                     f"{fmt_ms(ms(end))} | {fmt_ratio(end['repeat_ms'], ms(end))} |")
    return "\n".join(lines)


def load_section(load, rows):
    ingest = find(load, f"BM_IngestParseEncode/{rows}")
    imp = find(load, f"BM_SqlcipherImport/{rows}")
    opened = find(load, f"BM_OpenAndLoad/{rows}")
    lines = [f"| figure ({rows:,} records) | cellgate | baseline | ratio |", "|---|---:|---:|---:|"]
    if ingest is not None and imp is not None:
        lines.append(f"| CSV parse and encode vs `sqlcipher` `.import` | "
                     f"{fmt_ms(ms(ingest))} ({ingest['items_per_second'] / 1e6:.2f} M rows/s) | "
                     f"{fmt_ms(ms(imp))} ({imp['items_per_second'] / 1e6:.2f} M rows/s) | "
                     f"{fmt_ratio(ms(imp), ms(ingest))} faster |")
        lines.append(f"| encrypted commit of the version (after parsing) | {fmt_ms(ingest['commit_s'] * 1e3)} | – | – |")
    if opened is not None:
        lines.append(f"| open the store and load the version into memory | {fmt_ms(ms(opened))} "
                     f"(CPU {fmt_ms(opened['cpu_s'] * 1e3)}) | 2 s (target) | "
                     f"{ms(opened) / 2000:.0%} of it |")
        col = opened["column_bytes"]
        lines.append(f"| resident memory of the loaded version vs its columns at stored width | "
                     f"{opened['rss_loaded'] / 2**20:,.0f} MiB | {col / 2**20:,.0f} MiB | "
                     f"{opened['rss_per_column_byte']:.2f}× (record keys: "
                     f"{opened['record_key_bytes'] / 2**20:,.0f} MiB of it) |")
    return "\n".join(lines)


def throughput_section(paths):
    """One row block per cellgate-load output: mostly repeats, every query new."""
    lines = ["| figure | cellgate | target | ratio |", "|---|---:|---:|---:|"]
    for path in paths:
        if not os.path.exists(path):
            lines.append(f"| (no {os.path.basename(path)}) | | | |")
            continue
        with open(path) as f:
            found = [l for l in f.read().splitlines() if l.startswith("{")]
        if not found:
            lines.append(f"| (no JSON line in {os.path.basename(path)}) | | | |")
            continue
        t = json.loads(found[-1])
        kind = "every query a new table" if t.get("fresh") else "small tables, mostly repeats"
        lines += [
            f"| audited releases per second, {t['clients']} clients, {kind} | "
            f"{t['releases_per_second']:,.0f} | 2,000 | {t['releases_per_second'] / 2000:.2f}× |",
            f"| errors ({kind}) | {t['errors']} | 0 | |",
            f"| latency p50 / p90 / p99 ({kind}) | {t['p50_ms']:.1f} / {t['p90_ms']:.1f} / "
            f"{t['p99_ms']:.1f} ms | | |",
        ]
    return "\n".join(lines)


def protect_section(e2e):
    lines = ["| cells | secondary suppression + audit | threshold rule alone | primary | secondary |",
             "|---:|---:|---:|---:|---:|"]
    for n in CELLS:
        p = find(e2e, f"BM_Protect/{n}")
        t = find(e2e, f"BM_ThresholdOnly/{n}")
        if p is None:
            continue
        lines.append(f"| {int(p['cells']):,} | {fmt_ms(ms(p))} | {fmt_ms(ms(t))} | {int(p['primary']):,} | "
                     f"{int(p['secondary']):,} |")
    return "\n".join(lines)


def growth_series(engine, load, e2e):
    """name -> [(rows, ms)] for the chart."""
    series = {
        "engine, 2 threads": [(r, ms(find(engine, f"BM_EngineTable/{r}/2/0"))) for r in SIZES],
        "engine, 1 thread": [(r, ms(find(engine, f"BM_EngineTable/{r}/1/0"))) for r in SIZES],
        "memory-bandwidth bound": [],
        "SQLCipher GROUP BY": [(r, ms(find(engine, f"BM_SqlGroupBy/keyed/{r}"))) for r in SIZES],
        "plain SQLite GROUP BY": [(r, ms(find(engine, f"BM_SqlGroupBy/plain/{r}"))) for r in SIZES],
        "end to end (gRPC, protection, audit)": [(r, ms(find(e2e, f"BM_EndToEnd/{r}"))) for r in SIZES],
        "ingest parse + encode": [(r, ms(find(load, f"BM_IngestParseEncode/{r}"))) for r in SIZES],
        "sqlcipher .import": [(r, ms(find(load, f"BM_SqlcipherImport/{r}"))) for r in SIZES],
        "open + load version": [(r, ms(find(load, f"BM_OpenAndLoad/{r}"))) for r in SIZES],
    }
    for r in SIZES:
        bw = [find(engine, f"BM_ReadBandwidth/{r}/{t}") for t in (1, 2)]
        bw = [b for b in bw if b is not None]
        if bw:
            best = max(bw, key=lambda b: b["bytes_per_second"])
            series["memory-bandwidth bound"].append((r, best["bytes_scanned"] / best["bytes_per_second"] * 1e3))
    protect = {
        "secondary suppression + audit": [(n, ms(find(e2e, f"BM_Protect/{n}"))) for n in CELLS],
        "threshold rule alone": [(n, ms(find(e2e, f"BM_ThresholdOnly/{n}"))) for n in CELLS],
    }
    clean = lambda s: {k: [(x, y) for x, y in v if y] for k, v in s.items() if any(y for _, y in v)}
    return clean(series), clean(protect)


COLORS = ["#1f4e9c", "#6fa8dc", "#555555", "#d62728", "#ff9f1c", "#2ca02c", "#9467bd", "#e377c2",
          "#8c564b", "#17becf"]


def panel(svg, x0, y0, w, h, title, xlabel, series, xs, notes=None):
    ys = [y for pts in series.values() for _, y in pts]
    if not ys:
        return
    lo = 10 ** math.floor(math.log10(min(ys)))
    hi = 10 ** math.ceil(math.log10(max(ys)))
    xlo, xhi = math.log10(min(xs)), math.log10(max(xs))
    px = lambda x: x0 + 60 + (math.log10(x) - xlo) / (xhi - xlo) * (w - 80)
    py = lambda y: y0 + h - 40 - (math.log10(y) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (h - 70)
    svg.append(f'<text x="{x0 + w / 2}" y="{y0 + 16}" text-anchor="middle" font-weight="bold">{title}</text>')
    decade = lo
    while decade <= hi * 1.0001:
        y = py(decade)
        svg.append(f'<line x1="{x0 + 60}" y1="{y:.1f}" x2="{x0 + w - 20}" y2="{y:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{x0 + 55}" y="{y + 4:.1f}" text-anchor="end">{fmt_ms(decade)}</text>')
        decade *= 10
    for x in xs:
        svg.append(f'<line x1="{px(x):.1f}" y1="{y0 + 30}" x2="{px(x):.1f}" y2="{y0 + h - 40}" stroke="#eee"/>')
        svg.append(f'<text x="{px(x):.1f}" y="{y0 + h - 24}" text-anchor="middle">{x:,}</text>')
    svg.append(f'<text x="{x0 + w / 2}" y="{y0 + h - 6}" text-anchor="middle">{xlabel}</text>')
    for i, (name, pts) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        dash = ' stroke-dasharray="5,4"' if "bound" in name or "alone" in name else ""
        path = " ".join(f"{'M' if j == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for j, (x, y) in enumerate(pts))
        svg.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for x, y in pts:
            svg.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
        # The legend goes below the plot, two columns.
        lx = x0 + 60 + (i % 2) * (w - 80) / 2
        ly = y0 + h + 8 + (i // 2) * 15
        svg.append(f'<line x1="{lx:.1f}" y1="{ly - 4}" x2="{lx + 20:.1f}" y2="{ly - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        svg.append(f'<text x="{lx + 25:.1f}" y="{ly}">{name}</text>')
    for x, y, text in notes or []:
        svg.append(f'<text x="{px(x) - 6:.1f}" y="{py(y) + 16:.1f}" text-anchor="end" fill="#d62728">{text}</text>')


def write_svg(path, rows_series, cell_series, note, cell_notes):
    w, h, legend = 560, 400, 90
    total = h + legend + 20
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * w}" height="{total}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{2 * w}" height="{total}" fill="white"/>']
    panel(svg, 0, 0, w, h, "Time by records (median, log–log)", "seu records", rows_series, SIZES)
    panel(svg, w, 0, w, h, "Protection time by table size (1,000,000 records)", "cells", cell_series,
          CELLS, cell_notes)
    svg.append(f'<text x="10" y="{total - 6}" fill="#555">{note}</text>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = argv[1]
    svg_path = argv[argv.index("--svg") + 1] if "--svg" in argv else None
    engine = load_medians(os.path.join(out, "engine.json"))
    load = load_medians(os.path.join(out, "load.json"))
    e2e = load_medians(os.path.join(out, "e2e.json"))
    machine = []
    for name in ("machine-before.txt", "machine-after.txt"):
        p = os.path.join(out, name)
        if os.path.exists(p):
            machine.append(open(p).read().strip().replace("\n", ", "))
    print("Machine: " + " … ".join(machine) + "\n")
    for rows in SIZES:
        if find(engine, f"BM_EngineTable/{rows}/2/0") is None:
            continue
        print(f"### Engine, {rows:,} records\n\n{engine_section(engine, rows)}\n")
        print(f"### End to end, {rows:,} records\n\n{e2e_section(e2e, engine, rows)}\n")
        print(f"### Loading and memory, {rows:,} records\n\n{load_section(load, rows)}\n")
    print(f"### Throughput\n\n{throughput_section([os.path.join(out, f) for f in ('throughput.txt', 'throughput-fresh.txt')])}\n")
    print(f"### Protection by table size\n\n{protect_section(e2e)}\n")
    if svg_path:
        rows_series, cell_series = growth_series(engine, load, e2e)
        cell_notes = []
        for n in CELLS:
            p = find(e2e, f"BM_Protect/{n}")
            if p is not None and p.get("over_budget"):
                cell_notes.append((n, ms(p), "over the 30 s budget"))
        write_svg(svg_path, rows_series, cell_series,
                  "make bench; " + (machine[0] if machine else ""), cell_notes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
