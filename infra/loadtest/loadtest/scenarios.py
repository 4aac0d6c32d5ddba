"""The scenarios against the resource instances. Each runs wrk against every instance at once
for a fixed time and returns one record: requests/s, latency percentiles, answers split into
accepted, expected refusals and errors, the CPU the services used, and the verifications the
services counted by outcome (their /metrics, before and after)."""
import json
import time

from . import http, propagation, wrk
from .cluster import CPUMeter

CONNECTIONS = 32


class Context:
    """What every scenario needs: the cluster, the pools (files), the duration."""

    def __init__(self, cluster, pools, duration):
        self.cluster, self.pools, self.duration = cluster, pools, duration


def _outcomes(cluster):
    totals = {}
    for port in cluster.resource_ports:
        for name, value in cluster.metrics(port).items():
            if name.startswith("token_verifications_total{"):
                outcome = name.split('outcome="', 1)[1].split('"', 1)[0]
                totals[outcome] = totals.get(outcome, 0) + value
    return totals


def load(ctx, name, pool, duration=None, path="/api/me", args=None, during=None, expected=lambda figures: 0, servers=None):
    """Runs wrk against every resource instance at once while `during()` (if any) runs here.

    `expected(figures)`: how many 401s of one instance's run were meant to be refusals.
    `servers`: (URLs, process ids) to load instead of the resource instances (the peers)."""
    cluster, duration = ctx.cluster, duration or ctx.duration
    urls, pids = servers or (cluster.resource_urls, [cluster.pid(app) for app in cluster.resources])
    before = _outcomes(cluster)
    meter = CPUMeter(pids + [cluster.pid("issuer")]).start()
    runs = [wrk.Run(url, "bearer.lua", duration, dict({"tokens": pool, "path": path, "start": index * 997}, **(args or {})),
                    connections=CONNECTIONS)
            for index, url in enumerate(urls)]
    extra = during() if during else {}
    instances = [run.result() for run in runs]
    cpu = meter.stop()
    after = _outcomes(cluster)
    record = {"scenario": name, "path": path, "duration_s": duration, "connections_per_instance": CONNECTIONS,
              "instances": [], "service_cores": sum(cpu["cores"][:-1]), "issuer_cores": cpu["cores"][-1],
              "verifications": {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)}}
    for url, figures, cores in zip(urls, instances, cpu["cores"]):
        statuses = {int(k): v for k, v in figures["statuses"].items()}
        ok = sum(v for k, v in statuses.items() if 200 <= k < 300)
        refused = statuses.get(401, 0)
        meant = min(refused, expected(figures))
        socket_errors = sum(figures["socket_errors"].values())
        record["instances"].append({
            "url": url, "requests_per_s": figures["requests_per_s"], "latency_ms": figures["latency_ms"],
            "requests": figures["requests"], "accepted": ok, "expected_refusals": meant,
            "unexpected_refusals": refused - meant,
            "errors": sum(statuses.values()) - ok - refused + socket_errors, "statuses": figures["statuses"],
            "socket_errors": figures["socket_errors"], "counters": figures["counters"], "service_cores": cores})
    instances = record["instances"]
    record["requests_per_s"] = sum(i["requests_per_s"] for i in instances)
    for key in ("accepted", "expected_refusals", "unexpected_refusals", "errors"):
        record[key] = sum(i[key] for i in instances)
    record["latency_ms"] = {p: max(i["latency_ms"][p] for i in instances) for p in ("p50", "p99", "p999", "max")}
    record["service_cpu_us_per_request"] = record["service_cores"] / record["requests_per_s"] * 1e6 if record["requests_per_s"] else None
    record.update(extra)
    return record


def baseline(ctx):
    """The unauthenticated route of the same processes, with the same request (and header)."""
    return load(ctx, "baseline", ctx.pools["hot"], path="/api/ping")


def hot(ctx):
    return load(ctx, "hot", ctx.pools["hot"])


def cold(ctx, alg):
    return load(ctx, f"cold-{alg.lower()}", ctx.pools[f"cold-{alg.lower()}"]) | {"pool_tokens": ctx.pools["sizes"][f"cold-{alg.lower()}"]}


def hostile(ctx):
    record = load(ctx, "hostile", ctx.pools["cold-es256"],
                  args={"forged": ctx.pools["forged"], "forged_every": 10, "sids": ctx.pools["valid-sids"]},
                  expected=lambda figures: figures["counters"].get("sent_forged", 0))
    record["forged_sent"] = sum(i["counters"].get("sent_forged", 0) for i in record["instances"])
    record["forged_accepted"] = sum(i["counters"].get("forged_accepted", 0) for i in record["instances"])
    record["corpus_tokens"] = ctx.pools["sizes"]["forged"]
    return record


def rotation(ctx, admin_token, checker_cookie, lead_s):
    """A key rotation a quarter into the run; a client keeps refreshing and using each new token
    on every instance, so the tokens of the new key are checked as soon as they appear."""
    duration = max(ctx.duration, int(lead_s) + 12)
    issuer = ctx.cluster.issuer()
    resources = [http.Client(url) for url in ctx.cluster.resource_urls]

    def during():
        time.sleep(duration / 4)
        status, _, body = issuer.request("POST", "/admin/keys/rotate", headers=http.bearer(admin_token))
        if status != 200:
            raise SystemExit(f"loadtest: rotation refused: {status} {body[:200]!r}")
        new_kid = json.loads(body)["kid"]
        rotated_at, cookie, checked, refused, new_key_tokens, first_new = time.monotonic(), checker_cookie, 0, 0, 0, None
        end = time.monotonic() + duration * 3 / 4 - 1
        while time.monotonic() < end:
            token, cookie = http.refresh(issuer, cookie)
            if http.token_parts(token)[0]["kid"] == new_kid:
                new_key_tokens += 1
                first_new = first_new or time.monotonic() - rotated_at
            for resource in resources:
                checked += 1
                if resource.request("GET", "/api/me", headers=http.bearer(token))[0] != 200:
                    refused += 1
            time.sleep(0.05)
        return {"rotated_to": new_kid, "new_key_signing_after_s": first_new, "checker_tokens_checked": checked,
                "checker_new_key_tokens": new_key_tokens, "checker_refused": refused}

    return load(ctx, "rotation", ctx.pools["cold-es256"], duration=duration, during=during)


def revocation_storm(ctx, rate, load_rate, connections, storm_s=10):
    """Logouts at `rate` per second for `storm_s` while every instance serves `load_rate` hot
    requests per second, with a sample of logouts timed to enforcement meanwhile; then every
    stormed token is checked refused on every instance, and every instance's denylist against
    Redis. The API load has a fixed rate: on two cores, a load that takes every cycle it can get
    would starve the issuer and the broker, whose work the scenario is about."""
    duration = max(ctx.duration, storm_s + 6)
    cluster = ctx.cluster
    result = {}

    def during():
        time.sleep(1)
        sampler = propagation.Sampler(cluster.issuer_url, cluster.resource_urls, ctx.pools["samples"])
        sampler.start()
        # A few seconds past the pool's end, so that no logout is cut short by wrk's end.
        storm = wrk.run(cluster.issuer_url, "logout.lua", storm_s + 3, {"tokens": ctx.pools["storm"], "rate": rate},
                        connections=connections, timeout="10s")
        result["propagation"] = sampler.stop()
        statuses = {int(k): v for k, v in storm["statuses"].items()}
        counters = storm["counters"]
        spread = counters.get("last", 0) - counters.get("first", 0)
        result["logouts"] = {"sent": counters.get("sent", 0), "answered_204": statuses.get(204, 0),
                             "per_s": counters.get("sent", 0) / spread if spread > 0 else 0.0, "over_s": spread,
                             "other": sum(v for k, v in statuses.items() if k not in (200, 204)),
                             "socket_errors": storm["socket_errors"], "latency_ms": storm["latency_ms"]}
        return {}

    record = load(ctx, "revocation-storm", ctx.pools["hot"], duration=duration, during=during,
                  args={"LOADTEST_RATE": load_rate})
    record["load_rate_per_instance"], record["storm_connections"] = load_rate, connections
    time.sleep(1)
    record.update(result)
    record["lost_revocations"] = lost_revocations(ctx)
    return record


def lost_revocations(ctx):
    """Every stormed token sent once to every instance (all must be refused), and each instance's
    denylist size next to the number of revocation keys in Redis."""
    cluster = ctx.cluster
    checks = [wrk.Run(url, "bearer.lua", max(3, ctx.pools["sizes"]["storm"] // 4000 + 2),
                      {"tokens": ctx.pools["storm"], "once": 1}, connections=16)
              for url in cluster.resource_urls]
    accepted = [int(c.result()["statuses"].get("200", 0)) for c in checks]
    in_redis = cluster.redis_count("revoked:*")
    denylists = [int(cluster.metrics(port).get("revocation_denylist_entries", -1)) for port in cluster.resource_ports]
    return {"stormed_tokens_accepted": accepted, "redis_revocations": in_redis, "denylist_entries": denylists,
            "missing": [max(0, in_redis - size) for size in denylists]}
