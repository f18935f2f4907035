#!/usr/bin/env python3
"""When the slow requests of a WebSocket benchmark run come, and how they bunch.

Reads the file the Go load generator writes with BENCH_WS_DUMP=FILE (lines
"due latency", both in µs) and prints how many requests took longer than the
threshold, grouped into episodes (slow requests whose due times are less than
1 ms apart), the spacing of the episodes (a period that matches the server's
young collections, say, names the cause) and the largest ones.

    BENCH_WS_DUMP=/tmp/lat.txt BENCH_REPEAT=1 BENCH_ONLY=target BENCH_SCORING=pipeline npm run bench:ws
    python3 scripts/bench/latency-episodes.py /tmp/lat.txt [THRESHOLD_US, default 2000]

Standard library only.
"""

import statistics
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 2000.0
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) != 2:
                sys.exit(f"{path}:{n}: expected two numbers (due µs, latency µs), got {line.strip()!r}")
            rows.append((float(parts[0]), float(parts[1])))
    if not rows:
        sys.exit(f"{path}: no requests")
    rows.sort()
    episodes = []  # [first due, last due, requests, worst latency]
    for due, lat in rows:
        if lat <= threshold:
            continue
        if episodes and due - episodes[-1][1] < 1000:
            e = episodes[-1]
            e[1], e[2], e[3] = due, e[2] + 1, max(e[3], lat)
        else:
            episodes.append([due, due, 1, lat])
    slow = sum(e[2] for e in episodes)
    print(f"requests {len(rows)}, over {threshold:.0f} µs: {slow} ({100 * slow / len(rows):.2f}%) in {len(episodes)} episodes")
    if len(episodes) > 1:
        gaps = sorted(b[0] - a[0] for a, b in zip(episodes, episodes[1:]))
        print(f"between episode starts: median {statistics.median(gaps) / 1000:.1f} ms, p10 {gaps[len(gaps) // 10] / 1000:.1f}, p90 {gaps[9 * len(gaps) // 10] / 1000:.1f}")
    if episodes:
        print(f"an episode: median {statistics.median(e[2] for e in episodes):.0f} requests over {statistics.median((e[1] - e[0]) / 1000 for e in episodes):.2f} ms, worst latency median {statistics.median(e[3] for e in episodes) / 1000:.1f} ms")
        print("largest:")
        for e in sorted(episodes, key=lambda e: -e[2])[:8]:
            print(f"  at {e[0] / 1000:.0f} ms: {e[2]} slow over {(e[1] - e[0]) / 1000:.1f} ms, worst {e[3] / 1000:.1f} ms")


if __name__ == "__main__":
    main()
