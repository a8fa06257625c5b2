"""Turns the results of tests/bench/run (results.jsonl) into BENCHMARKS.md's tables
and a plot of p99 latency against archive size, one line per workload. Beside the
pgbench ceilings, workloads 1, 3 and 4 are compared with the floor of our stack
(tests/bench/floor.rs), in every round the run made, with the CPU time per request
of each server process.

    python report.py RESULTS --cores N --command CMD --markdown OUT.md --plot OUT.svg
                     [--copy-results COPY.jsonl]

The plot needs matplotlib; tests/bench/run installs a pinned one.
"""

import argparse
import datetime
import json
import shutil
import statistics
from pathlib import Path

# (workload key, label, pgbench ceiling it is measured against)
WORKLOADS = [
    ("by-id", "1. GET /v1/articles/{id}", "by-id"),
    ("by-slug", "2. GET /v1/articles/{slug}", "by-id"),
    ("embedded", "3. GET /v1/articles/{id}?include=quotes,related_links", "embedded"),
    ("first-page", "4. GET /v1/articles?limit=20", "first-page"),
    ("deep-page", "5. the same, a page ~50,000 rows deep (cursor)", None),
    ("tag", "6. GET /v1/articles?tag=X&limit=20", "first-page"),
    ("search", "7. GET /v1/articles?q=word&limit=20", None),
    ("speaker", "8. GET /v1/quotes?speaker=X", None),
    ("create", "9. POST /v1/articles (3 quotes, 3 links)", None),
]
SQLITE_WORKLOADS = [("by-id", "10. SQLite: workload 1"), ("first-page", "10. SQLite: workload 4"),
                    ("create", "10. SQLite: workload 9")]
# The workloads the floor serves, with their ceilings.
FLOOR_WORKLOADS = [("by-id", "1. by id", "by-id"), ("embedded", "3. with quotes and links", "embedded"),
                   ("first-page", "4. first page", "first-page")]
CEILINGS = [("by-id", "one article by primary key"), ("embedded", "article + quotes + links (3 statements)"),
            ("first-page", "first page of 20 published rows")]


def load(path):
    """All rows, the index of round 1 (the one of every workload; results written
    before rounds existed have none), and every round's rows by the same key."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    index, rounds = {}, {}
    for row in rows:
        key = (row["size"], row["backend"], row["workload"])
        if row.get("round", 1) == 1:
            index[key] = row
        rounds.setdefault(key, []).append(row)
    return rows, index, rounds


def cpu(row):
    return row.get("cpu_us_per_request") if row else None


def mean_rps(rows):
    return statistics.mean(r["rps"] for r in rows) if rows else None


def floor_table(size, index, rounds):
    """Newsdesk against the floor and against pgbench, round by round, then the
    ratio of the means."""
    out = ["| workload | round | Newsdesk req/s | floor req/s | Newsdesk / floor | Newsdesk / pgbench | "
           "floor / pgbench | Newsdesk CPU µs/req | floor CPU µs/req | CPU Newsdesk / floor | load avg (1 min) |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for key, label, ceiling in FLOOR_WORKLOADS:
        ours = {r.get("round", 1): r for r in rounds.get((size, "postgres", key), [])}
        floor = {r.get("round", 1): r for r in rounds.get((size, "floor", key), [])}
        top = index.get((size, "pgbench", ceiling))
        both = sorted(set(ours) & set(floor))
        if not both:
            continue

        def line(name, round_label, a_rps, b_rps, a_cpu, b_cpu, load):
            out.append(f"| {name} | {round_label} | {fmt(a_rps, 0)} | {fmt(b_rps, 0)} | {fmt(a_rps / b_rps, 2)} | "
                       f"{fmt(a_rps / top['rps'], 2) if top else ''} | {fmt(b_rps / top['rps'], 2) if top else ''} | "
                       f"{fmt(a_cpu)} | {fmt(b_cpu)} | {fmt(a_cpu / b_cpu, 2) if a_cpu and b_cpu else 'n/a'} | "
                       f"{load} |")

        for n in both:
            a, b = ours[n], floor[n]
            load = " / ".join(fmt(r.get("loadavg_1m"), 2) for r in (a, b))
            line(label, str(n), a["rps"], b["rps"], cpu(a), cpu(b), load)
        if len(both) > 1:
            a_rows, b_rows = [ours[n] for n in both], [floor[n] for n in both]
            a_cpu = [cpu(r) for r in a_rows if cpu(r)]
            b_cpu = [cpu(r) for r in b_rows if cpu(r)]
            line(label, "mean", mean_rps(a_rows), mean_rps(b_rows), statistics.mean(a_cpu) if a_cpu else None,
                 statistics.mean(b_cpu) if b_cpu else None, "")
    return out


def floor_means(size, rounds, key):
    """The mean req/s and CPU per request of Newsdesk and the floor over the rounds
    both ran, or None."""
    ours = {r.get("round", 1): r for r in rounds.get((size, "postgres", key), [])}
    floor = {r.get("round", 1): r for r in rounds.get((size, "floor", key), [])}
    both = sorted(set(ours) & set(floor))
    if not both:
        return None
    a_cpu = [cpu(ours[n]) for n in both if cpu(ours[n])]
    b_cpu = [cpu(floor[n]) for n in both if cpu(floor[n])]
    return (mean_rps([ours[n] for n in both]), mean_rps([floor[n] for n in both]),
            statistics.mean(a_cpu) if a_cpu else None, statistics.mean(b_cpu) if b_cpu else None)


def errors(row):
    return sum(row["errors"].values()) if "errors" in row else row.get("failed", 0)


def fmt(value, digits=1):
    return "n/a" if value is None else f"{value:,.{digits}f}"


def results_tables(sizes, index, rounds):
    out = []
    for size in sizes:
        out.append(f"### {size:,} articles\n")
        loads = [index.get((size, b, "load")) for b in ("postgres", "sqlite")]
        for backend, row in zip(("PostgreSQL", "SQLite"), loads):
            if row:
                out.append(f"- Load into {backend}: {row['loader']}")
        for backend in ("postgres", "sqlite"):
            ready = index.get((size, backend, "ready"))
            if ready:
                label = "PostgreSQL" if backend == "postgres" else "SQLite"
                out.append(f"- Start to ready ({label}, migrations applied), 5 starts: "
                           f"{', '.join(fmt(t) for t in ready['ready_ms'])} ms "
                           f"(median {fmt(statistics.median(ready['ready_ms']))} ms)")
        out.append("")
        out.append("| workload | req/s | p50 ms | p99 ms | p99.9 ms | errors | peak RSS MiB | CPU µs/req | ceiling "
                   "| ratio |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
        rows = [(key, label, "postgres", ceiling) for key, label, ceiling in WORKLOADS]
        rows += [(key, label, "sqlite", None) for key, label in SQLITE_WORKLOADS]
        for key, label, backend, ceiling in rows:
            row = index.get((size, backend, key))
            if not row:
                continue
            ceiling_row = index.get((size, "pgbench", ceiling)) if ceiling else None
            ratio = row["rps"] / ceiling_row["rps"] if ceiling_row else None
            out.append(f"| {label} | {fmt(row['rps'], 0)} | {fmt(row['p50_ms'], 2)} | {fmt(row['p99_ms'], 2)} | "
                       f"{fmt(row['p999_ms'], 2)} | {errors(row)} | {fmt(row['peak_rss_mib'])} | "
                       f"{fmt(cpu(row)) if cpu(row) else 'n/a'} | {ceiling or ''} | {fmt(ratio, 2) if ratio else ''} |")
        out.append("")
        floor = floor_table(size, index, rounds)
        if len(floor) > 2:
            out.append("Against the floor of the stack (`tests/bench/floor.rs`), on the same database while the "
                       "service ran; each round measures both, in alternating order. CPU is the server process's "
                       "user + system time over the measured window, per request; the load average is the "
                       "machine's at the end of each side's window (Newsdesk / floor).")
            out.append("")
            out.extend(floor)
            out.append("")
        lag = [r for r in rounds.get((size, "postgres", "event-lag"), []) + rounds.get((size, "sqlite", "event-lag"), [])]
        if lag:
            out.append("Event lag (`tests/bench/event_lag.py`): article creates offered at a fixed rate, each "
                       "timed from its request to its webhook's arrival at a local receiver (target: p99 ≤ 500 ms "
                       "at 200 writes/s, nothing lost).")
            out.append("")
            out.append("| backend | writes/s offered | achieved | p50 ms | p99 ms | max ms | lost | duplicates |")
            out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for r in lag:
                out.append(f"| {r['backend']} | {fmt(r['offered_rate'], 0)} | {fmt(r['achieved_rate'])} | "
                           f"{fmt(r['p50_ms'])} | {fmt(r['p99_ms'])} | {fmt(r['max_ms'])} | {r['lost']} | "
                           f"{r['duplicates']} |")
            out.append("")
        revisions = [index[(size, b, "revisions")] for b in ("postgres", "sqlite") if (size, b, "revisions") in index]
        if revisions:
            out.append("Revisions (`tests/bench/revisions.py`): 99 one-word edits of a 2,000-word article, what they "
                       "added to the revisions table per edit, and reading its revisions (targets: under 1 KB per "
                       "edit, revision 1 of 100 in under 20 ms).")
            out.append("")
            out.append("| backend | stored B/edit | on disk B/edit | revision 1 p50 / p99 ms | newest p99 ms | "
                       "page of 20 p99 ms |")
            out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
            for r in revisions:
                out.append(f"| {r['backend']} | {fmt(r['stored_bytes_per_edit'], 0)} | {fmt(r['disk_bytes_per_edit'], 0)} | "
                           f"{fmt(r['read_oldest']['p50_ms'])} / {fmt(r['read_oldest']['p99_ms'])} | "
                           f"{fmt(r['read_newest']['p99_ms'])} | {fmt(r['list_page_of_20']['p99_ms'])} |")
            out.append("")
        out.extend(compression_table(size, index))
        out.append("| pgbench ceiling | transactions/s | latency avg ms | failed |")
        out.append("| --- | ---: | ---: | ---: |")
        for key, label in CEILINGS:
            row = index.get((size, "pgbench", key))
            if row:
                out.append(f"| {key}: {label} | {fmt(row['rps'], 0)} | {fmt(row.get('latency_avg_ms'), 3)} | "
                           f"{row.get('failed', 0)} |")
        out.append("")
    return out


CODINGS = ["identity", "gzip", "br", "zstd"]


def compression_table(size, index):
    """The first page of 20 in each coding: its bytes, and the requests per second of
    the runs made back to back, against identity's."""
    out = []
    for backend, label in (("postgres", "PostgreSQL"), ("sqlite", "SQLite")):
        sizes = index.get((size, backend, "page-bytes"))
        runs = {c: index.get((size, backend, f"first-page-{c}")) for c in CODINGS}
        if not sizes or not runs["identity"]:
            continue
        if not out:
            out.append("The first page of 20 (`GET /v1/articles?limit=20`) in each coding, measured back to back:")
            out.append("")
            out.append("| backend | coding | bytes | of identity | req/s | of identity | p99 ms | CPU µs/req |")
            out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for coding in CODINGS:
            run, size_bytes = runs[coding], sizes["bytes"].get(coding)
            if not run or size_bytes is None:
                continue
            out.append(f"| {label} | {coding} | {size_bytes:,} | {size_bytes / sizes['bytes']['identity']:.0%} | "
                       f"{fmt(run['rps'], 0)} | {run['rps'] / runs['identity']['rps']:.0%} | "
                       f"{fmt(run['p99_ms'], 2)} | {fmt(cpu(run)) if cpu(run) else 'n/a'} |")
    return out + [""] if out else out


def ratio(index, size, workload, ceiling):
    row, top = index.get((size, "postgres", workload)), index.get((size, "pgbench", ceiling))
    return row["rps"] / top["rps"] if row and top else None


def p99(index, size, workload, backend="postgres"):
    row = index.get((size, backend, workload))
    return row["p99_ms"] if row else None


def targets_table(sizes, index, rows, rounds):
    main = 100_000 if 100_000 in sizes else sizes[-1]
    small, big = min(sizes), max(sizes)
    w5 = p99(index, main, "deep-page")
    w4 = p99(index, main, "first-page")
    growth = []
    if small != big:
        for key, _, _ in WORKLOADS:
            a, b = p99(index, small, key), p99(index, big, key)
            if a and b:
                growth.append((key, b / a))
    worst = max(growth, key=lambda g: g[1]) if growth else None
    all_errors = sum(errors(r) for r in rows if "errors" in r or "failed" in r)
    peak = max((r["peak_rss_mib"] for r in rows if "peak_rss_mib" in r and r["backend"] != "floor"), default=None)
    ready = [t for r in rows if r["workload"] == "ready" and r["size"] == main for t in r["ready_ms"]]

    def check(value, target, at_least):
        if value is None:
            return "not measured"
        return "met" if (value >= target if at_least else value <= target) else "**missed**"

    table = [
        ("workload 1 throughput / its pgbench ceiling", "≥ 0.50", ratio(index, main, "by-id", "by-id"), 0.50, True, 2),
        ("workload 2 throughput / the workload 1 ceiling", "≥ 0.45", ratio(index, main, "by-slug", "by-id"), 0.45,
         True, 2),
        ("workload 3 throughput / its pgbench ceiling", "≥ 0.50", ratio(index, main, "embedded", "embedded"), 0.50,
         True, 2),
        ("workload 4 throughput / the first-page ceiling", "≥ 0.50", ratio(index, main, "first-page", "first-page"),
         0.50, True, 2),
        ("workload 6 throughput / the first-page ceiling", "≥ 0.35", ratio(index, main, "tag", "first-page"), 0.35,
         True, 2),
        ("workload 5 p99 / workload 4 p99", "≤ 1.3", w5 / w4 if w5 and w4 else None, 1.3, False, 2),
        (f"workload 7 p99 at {big:,} articles (ms)", "≤ 50 ms", p99(index, big, "search"), 50, False, 1),
        (f"worst p99 at {big:,} / p99 at {small:,} ({worst[0] if worst else 'n/a'})", "≤ 1.5",
         worst[1] if worst else None, 1.5, False, 2),
        *floor_targets(main, rounds),
        ("errors in any run", "0", all_errors, 0, False, 0),
        ("service peak RSS under load (MiB, any run)", "≤ 100", peak, 100, False, 1),
        ("start to ready, migrations applied (median ms)", "≤ 300", statistics.median(ready) if ready else None, 300,
         False, 1),
    ]
    out = [f"Figures at {main:,} articles unless the row says otherwise.", "",
           "| figure | target | measured | verdict |", "| --- | --- | ---: | --- |"]
    for name, target, value, bound, at_least, digits in table:
        out.append(f"| {name} | {target} | {fmt(value, digits)} | {check(value, bound, at_least)} |")
    if growth:
        out.append("")
        out.append(f"p99 growth from {small:,} to {big:,} articles, per workload: "
                   + ", ".join(f"{key} {g:.2f}" for key, g in growth) + ".")
    return out


def floor_targets(size, rounds):
    """Issue 16's targets against the floor, on the means over the rounds."""
    out = []
    for key, label, _ in FLOOR_WORKLOADS:
        means = floor_means(size, rounds, key)
        if not means:
            continue
        a_rps, b_rps, a_cpu, b_cpu = means
        number = label.split(".")[0]
        out.append((f"workload {number} throughput / the floor's", "≥ 0.90", a_rps / b_rps, 0.90, True, 2))
        out.append((f"workload {number} CPU per request / the floor's", "≤ 1.15",
                    a_cpu / b_cpu if a_cpu and b_cpu else None, 1.15, False, 2))
    return out


def plot(sizes, index, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "newsdesk"  # stable ids: the SVG diffs cleanly
    fig, ax = plt.subplots(figsize=(9, 5.5))
    series = [(key, label, "postgres") for key, label, _ in WORKLOADS]
    series += [(key, label, "sqlite") for key, label in SQLITE_WORKLOADS]
    for key, label, backend in series:
        points = [(s, p99(index, s, key, backend)) for s in sizes]
        points = [(s, v) for s, v in points if v is not None]
        if points:
            style = "--" if backend == "sqlite" else "-"
            ax.plot([p[0] for p in points], [p[1] for p in points], style, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
    ax.set_xlabel("articles in the archive")
    ax.set_ylabel("p99 latency (ms, log scale)")
    ax.set_title("Newsdesk p99 latency by archive size (64 connections)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--cores", type=int, required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--plot", required=True)
    parser.add_argument("--copy-results")
    args = parser.parse_args()
    rows, index, rounds = load(args.results)
    sizes = sorted({r["size"] for r in rows})
    Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
    plot(sizes, index, args.plot)
    if args.copy_results:
        shutil.copyfile(args.results, args.copy_results)
    markdown = Path(args.markdown)
    text = markdown.read_text() if markdown.exists() else ""
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    generated = "\n".join([
        begin,
        f"Run on {datetime.date.today().isoformat()}, {args.cores} cores, with `{args.command}`. "
        f"Raw figures: `tests/bench/results/results.jsonl`.",
        "",
        "## Targets",
        "",
        *targets_table(sizes, index, rows, rounds),
        "",
        "## Results",
        "",
        f"![p99 latency by archive size]({Path(args.plot).resolve().relative_to(markdown.parent.resolve())})",
        "",
        *results_tables(sizes, index, rounds),
        end,
    ])
    if begin in text and end in text:
        text = text[: text.index(begin)] + generated + text[text.index(end) + len(end):]
    else:
        text = (text.rstrip() + "\n\n" if text else "# Benchmarks\n\n") + generated + "\n"
    markdown.write_text(text)


if __name__ == "__main__":
    main()
