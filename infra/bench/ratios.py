#!/usr/bin/env python3
"""Reads one `make bench` run and prints, as markdown, the measured table and the bars.

Inputs: the folder of package-benchmark `histogramPercentiles` exports (one TSV per benchmark
and metric, values in ns per operation because the suite sets `timeUnits: .nanoseconds`) and
the output of `openssl speed -mr`. Benchmark names are the ones TokenBenchmarks.swift registers.
With --strict, exits 1 when a bar is missed.
"""
import glob
import os
import re
import sys


def percentiles(path):
    """{percentile: value} from one histogramPercentiles TSV."""
    values = {}
    with open(path) as file:
        header = file.readline()
        if "(ns)" not in header and "Malloc" not in header:
            sys.exit(f"{path}: expected nanoseconds, header is {header.strip()!r}")
        for line in file:
            percentile, value = line.split("\t")
            values[int(percentile)] = float(value)
    return values


def read_benchmarks(folder):
    """{name: {"time": {p: ns}, "mallocs": {p: count}}} from the export folder."""
    results = {}
    pattern = re.compile(r"^[^.]+\.TokenBenchmarks\.(.+)\.(wallClock|mallocCountTotal)\.histogram\.percentiles\.tsv$")
    for path in glob.glob(os.path.join(folder, "*.percentiles.tsv")):
        match = pattern.match(os.path.basename(path))
        if match:
            name, metric = match.group(1).replace("_", " "), match.group(2)
            key = "time" if metric == "wallClock" else "mallocs"
            results.setdefault(name, {})[key] = percentiles(path)
    return results


def read_openssl(path):
    """Seconds per operation: {"rsa2048 sign", "rsa2048 verify", "ecdsap256 sign", ...}."""
    times = {}
    with open(path) as file:
        for line in file:
            fields = line.strip().split(":")
            # +F2:index:bits:sign/s:verify/s (RSA), +F4:index:bits:sign/s:verify/s (ECDSA)
            if fields[0] == "+F2" and fields[2] == "2048":
                times["rsa2048 sign"], times["rsa2048 verify"] = 1 / float(fields[3]), 1 / float(fields[4])
            elif fields[0] == "+F4" and fields[2] == "256":
                times["ecdsap256 sign"], times["ecdsap256 verify"] = 1 / float(fields[3]), 1 / float(fields[4])
    return times


def main():
    args = [a for a in sys.argv[1:] if a != "--strict"]
    strict = "--strict" in sys.argv
    benchmarks, openssl = read_benchmarks(args[0]), read_openssl(args[1])

    def p50(name):
        return benchmarks[name]["time"][50] / 1000 if name in benchmarks else None

    # p0 is there because the shared cores make times bimodal: it shows the uncontended floor.
    print("| benchmark | p50 µs | p99 µs | p0 µs | mallocs |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(benchmarks):
        time, mallocs = benchmarks[name].get("time", {}), benchmarks[name].get("mallocs", {})
        print(f"| {name} | {time.get(50, 0) / 1000:.2f} | {time.get(99, 0) / 1000:.2f} "
              f"| {time.get(0, 0) / 1000:.2f} | {mallocs.get(50, 0):.0f} |")
    for op in ("rsa2048 sign", "rsa2048 verify", "ecdsap256 sign", "ecdsap256 verify"):
        if op in openssl:
            print(f"| openssl speed {op} (mean of CPU time) | {openssl[op] * 1e6:.2f} | | | |")
    print()

    def openssl_us(op):
        return openssl[op] * 1e6 if op in openssl else None

    # (bar, measured name, measured µs, reference name, reference µs, limit, ratio or absolute)
    bars = [
        ("RS256 verify, whole token", "RS256 verify uncached", p50("RS256 verify uncached"),
         "swift-crypto RS256 check", p50("RS256 signature check swift-crypto"), 1.15),
        ("ES256 verify, whole token", "ES256 verify uncached", p50("ES256 verify uncached"),
         "swift-crypto P-256 check", p50("ES256 signature check swift-crypto"), 1.10),
        ("parse + claims checks (ES256 token)", "ES256 inspect without signature",
         p50("ES256 inspect without signature"), None, None, 2.0),
        ("parse + claims checks (RS256 token)", "RS256 inspect without signature",
         p50("RS256 inspect without signature"), None, None, 2.0),
        ("RS256 sign", "RS256 sign", p50("RS256 sign"), "openssl speed rsa2048 sign", openssl_us("rsa2048 sign"), 1.2),
        ("ES256 sign", "ES256 sign", p50("ES256 sign"), "openssl speed ecdsap256 sign",
         openssl_us("ecdsap256 sign"), 1.5),
        ("verified-token cache hit (ES256 token)", "ES256 verify cache hit", p50("ES256 verify cache hit"),
         None, None, 1.0),
        ("verified-token cache hit (RS256 token)", "RS256 verify cache hit", p50("RS256 verify cache hit"),
         None, None, 1.0),
    ]
    print("| bar | measured p50 µs | reference µs | ratio | limit | result |")
    print("|---|---:|---:|---:|---:|---|")
    missed = 0
    for bar, _, measured, reference_name, reference, limit in bars:
        if measured is None or (reference_name and reference is None):
            print(f"| {bar} | – | – | – | – | NOT MEASURED |")
            missed += 1
            continue
        if reference_name:
            ratio = measured / reference
            passed = ratio <= limit
            print(f"| {bar} | {measured:.2f} | {reference:.2f} ({reference_name}) | {ratio:.3f}× | ≤ {limit}× | "
                  f"{'pass' if passed else 'FAIL'} |")
        else:
            passed = measured <= limit
            print(f"| {bar} | {measured:.2f} | – | – | ≤ {limit} µs | {'pass' if passed else 'FAIL'} |")
        missed += 0 if passed else 1
    print()
    print(f"bars: {len(bars) - missed} passed, {missed} failed")
    sys.exit(1 if strict and missed else 0)


if __name__ == "__main__":
    main()
