"""Load driver of ``make bench``: measures each scenario against the trivial view, served the same way.

Each scenario runs for ``BENCH_SECONDS`` with ``BENCH_CONCURRENCY`` client processes (one keep-alive
``http.client`` connection each, reopened when the server closes it). The trivial view is measured
before and after the scenarios and the two runs are averaged. To extend the benchmark (events,
registrations, reminders…), append a ``Scenario`` to ``SCENARIOS``.
"""

from __future__ import annotations

import gzip
import http.client
import itertools
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = os.environ.get("BENCH_HOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PORT", "8190"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))

# A session cookie makes the page cache step aside: the page is rendered for every request, as for a
# visitor who is logged in or has just submitted a form.
GZIP = {"Accept-Encoding": "gzip, deflate"}
BROWSER = {"Accept-Encoding": "gzip, deflate", "Accept-Language": "fr"}
UNCACHED = {**BROWSER, "Cookie": "sessionid=bench-uncached"}


@dataclass
class Scenario:
    """One URL pattern to measure, and the target it must meet relative to the trivial view."""

    name: str
    path: Callable[[int], str] | str
    headers: dict[str, str] = field(default_factory=dict)
    min_throughput_ratio: float | None = None
    max_latency_ratio: float | None = None
    concurrency: int | None = None
    seconds: float | None = None

    def url(self, n: int) -> str:
        return self.path(n) if callable(self.path) else self.path


TRIVIAL = Scenario("trivial Django view", "/bench/trivial/", BROWSER)

SCENARIOS = [
    Scenario("/ (cached)", "/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/poles/ (cached)", "/poles/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/poles/<slug>/ (cached)", "/poles/pole-ess-1/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/acteurs/ (cached)", "/acteurs/", BROWSER, min_throughput_ratio=0.8),
    Scenario(
        "/acteurs/<slug>/ (cached)", lambda n: f"/acteurs/bench-{n % 50}/", BROWSER, min_throughput_ratio=0.8
    ),
    Scenario("/carte/ (cached)", "/carte/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/donnees/ (cached)", "/donnees/", BROWSER, min_throughput_ratio=0.8),
    Scenario(
        "/acteurs/ (uncached)", lambda n: f"/acteurs/?page={n % 400 + 1}", UNCACHED, min_throughput_ratio=0.3
    ),
    Scenario("/acteurs/?q=… (uncached search)", lambda n: f"/acteurs/?q=bois+{n % 97}", UNCACHED),
    Scenario(
        "/acteurs/?sort=distance (uncached)",
        lambda n: f"/acteurs/?sort=distance&near=35238&page={n % 20 + 1}",
        UNCACHED,
    ),
    Scenario("/api/acteurs.geojson 10k (cached, gzip)", "/api/acteurs.geojson", GZIP, max_latency_ratio=10),
    Scenario(
        "/api/acteurs.geojson 10k (cold build)",
        lambda n: f"/api/acteurs.geojson?bench={time.time_ns()}-{n}",
        GZIP,
        concurrency=1,
        seconds=4,
    ),
    Scenario("/api/poles.geojson (cached, gzip)", "/api/poles.geojson", GZIP),
]


def _all_scenarios() -> list[Scenario]:
    return [TRIVIAL, *SCENARIOS]


def _worker(args) -> tuple[int, list[float], int]:
    # Scenarios are passed by index: their URL functions cannot be pickled to the client processes.
    index, seconds, offset = args
    scenario = _all_scenarios()[index]
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = itertools.count(offset * 100_000)
    while time.perf_counter() < deadline:
        url = scenario.url(next(counter))
        start = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Host": f"{HOST}:{PORT}", **scenario.headers})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            continue
        latencies.append(time.perf_counter() - start)
    connection.close()
    return len(latencies), latencies, errors


@dataclass
class Result:
    scenario: Scenario
    requests: int
    seconds: float
    median_ms: float
    p95_ms: float
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def measure(scenario: Scenario) -> Result:
    concurrency = scenario.concurrency or CONCURRENCY
    seconds = scenario.seconds or SECONDS
    index = _all_scenarios().index(scenario)
    _worker((index, 0.3, 99))  # warm up: fill the cache, open the database connections
    with multiprocessing.Pool(concurrency) as pool:
        started = time.perf_counter()
        results = pool.map(_worker, [(index, seconds, i) for i in range(concurrency)])
        elapsed = time.perf_counter() - started
    latencies = sorted(latency for _, values, _ in results for latency in values)
    count = len(latencies)
    return Result(
        scenario,
        count,
        elapsed,
        statistics.median(latencies) * 1000 if latencies else float("nan"),
        latencies[int(count * 0.95) - 1] * 1000 if latencies else float("nan"),
        sum(errors for *_, errors in results),
    )


def payload_sizes(path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    connection.request("GET", path, headers={"Accept-Encoding": "identity"})
    raw = connection.getresponse().read()
    connection.close()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    connection.request("GET", path, headers=GZIP)
    response = connection.getresponse()
    compressed = response.read()
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(compressed) == raw
    connection.close()
    return len(raw), len(compressed)


def main() -> int:
    first = measure(TRIVIAL)
    results = [measure(scenario) for scenario in SCENARIOS]
    second = measure(TRIVIAL)
    base_throughput = (first.throughput + second.throughput) / 2
    base_median = (first.median_ms + second.median_ms) / 2
    print(f"\nConcurrency {CONCURRENCY}, {SECONDS:g} s per scenario.")
    print(
        f"Trivial view: {base_throughput:.0f} req/s, median {base_median:.2f} ms "
        f"(runs: {first.throughput:.0f} and {second.throughput:.0f} req/s)\n"
    )
    print("| scenario | req/s | × trivial req/s | median ms | × trivial median | p95 ms | errors | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    failed = False
    for result in results:
        s = result.scenario
        throughput_ratio = result.throughput / base_throughput
        latency_ratio = result.median_ms / base_median
        target = ""
        if s.min_throughput_ratio is not None:
            ok = throughput_ratio >= s.min_throughput_ratio
            target = f"≥ {s.min_throughput_ratio}× req/s: {'met' if ok else 'MISSED'}"
            failed |= not ok
        if s.max_latency_ratio is not None:
            ok = latency_ratio <= s.max_latency_ratio
            target = f"≤ {s.max_latency_ratio}× median: {'met' if ok else 'MISSED'}"
            failed |= not ok
        failed |= result.errors > 0
        print(
            f"| {s.name} | {result.throughput:.0f} | {throughput_ratio:.2f} | {result.median_ms:.2f} | "
            f"{latency_ratio:.1f} | {result.p95_ms:.2f} | {result.errors} | {target} |"
        )
    raw, compressed = payload_sizes("/api/acteurs.geojson")
    poles_raw, poles_compressed = payload_sizes("/api/poles.geojson")
    print(
        f"\nGeoJSON payload, all organisations: {raw / 1024:.0f} KiB raw, {compressed / 1024:.0f} KiB gzipped"
    )
    print(
        f"GeoJSON payload, poles: {poles_raw / 1024:.1f} KiB raw, {poles_compressed / 1024:.1f} KiB gzipped"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
