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

    def at(name, percentile):
        return benchmarks[name]["time"][percentile] / 1000 if name in benchmarks else None

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

    # (bar, measured benchmark, reference benchmark or openssl operation or None, limit)
    bars = [
        ("RS256 verify, whole token", "RS256 verify uncached", "RS256 signature check swift-crypto", 1.15),
        ("ES256 verify, whole token", "ES256 verify uncached", "ES256 signature check swift-crypto", 1.10),
        ("parse + claims checks (ES256 token)", "ES256 inspect without signature", None, 2.0),
        ("parse + claims checks (RS256 token)", "RS256 inspect without signature", None, 2.0),
        ("RS256 sign", "RS256 sign", "openssl speed rsa2048 sign", 1.2),
        ("ES256 sign", "ES256 sign", "openssl speed ecdsap256 sign", 1.5),
        ("verified-token cache hit (ES256 token)", "ES256 verify cache hit", None, 1.0),
        ("verified-token cache hit (RS256 token)", "RS256 verify cache hit", None, 1.0),
        ("signed event opened (EdDSA)", "EdDSA event open", "EdDSA signature check swift-crypto", 1.2),
    ]

    def reference_at(reference, percentile):
        if reference.startswith("openssl speed "):
            op = reference.removeprefix("openssl speed ")
            return openssl[op] * 1e6 if op in openssl else None  # a mean: no percentiles
        return at(reference, percentile)

    def value(measured, reference, percentile):
        """The ratio (or µs for an absolute bar) at one percentile, or None if not measured."""
        mine = at(measured, percentile)
        if mine is None or reference is None:
            return mine
        theirs = reference_at(reference, percentile)
        return None if theirs is None else mine / theirs

    # The verdict is on p50, as the bars say. The same comparison on p0 (each side's fastest
    # sample) is what the code costs with the other core quiet: when the two verdicts differ,
    # the run was too loaded to decide that bar.
    print("| bar | measured p50 µs | reference µs | p50 ratio | limit | result | at p0 |")
    print("|---|---:|---:|---:|---:|---|---:|")
    missed = undecided = 0
    for bar, measured, reference, limit in bars:
        result, floor = value(measured, reference, 50), value(measured, reference, 0)
        if result is None:
            print(f"| {bar} | – | – | – | – | NOT MEASURED | – |")
            missed += 1
            continue
        passed, floor_passed = result <= limit, floor is not None and floor <= limit
        verdict = "pass" if passed else "FAIL"
        if passed != floor_passed:
            verdict += " (load-sensitive)"
            undecided += 1
        if reference:
            print(f"| {bar} | {at(measured, 50):.2f} | {reference_at(reference, 50):.2f} ({reference}) "
                  f"| {result:.3f}× | ≤ {limit}× | {verdict} | {floor:.3f}× |")
        else:
            print(f"| {bar} | {result:.2f} | – | – | ≤ {limit} µs | {verdict} | {floor:.2f} µs |")
        missed += 0 if passed else 1
    print()
    print(f"bars: {len(bars) - missed} passed, {missed} failed")
    if undecided:
        print(f"{undecided} verdict(s) differ between p50 and p0: rerun when the machine is quieter.")
    sys.exit(1 if strict and missed else 0)


if __name__ == "__main__":
    main()
