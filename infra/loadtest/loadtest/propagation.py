"""Revocation propagation, measured as a client sees it: a token every resource accepts is
logged out, and every resource is polled until it refuses it; the delay runs from the issuer's
204 to the last instance's 401."""
import threading
import time

from . import http


def trial(issuer, resources, token, limit_s=5.0):
    """One logout; returns the delay in ms, or None when a resource still accepted it after limit_s."""
    for resource in resources:
        status, _, _ = resource.request("GET", "/api/me", headers=http.bearer(token))
        if status != 200:
            raise SystemExit(f"loadtest: a resource refused a fresh sample token ({status})")
    status, _, _ = issuer.request("POST", "/auth/logout", headers=http.bearer(token))
    answered = time.perf_counter()
    if status != 204:
        raise SystemExit(f"loadtest: a sample logout failed ({status})")
    return enforced_after(resources, token, answered, limit_s)


def enforced_after(resources, token, answered, limit_s=5.0):
    """Polls every resource until each refuses `token`; returns the ms from `answered` (a
    perf_counter reading taken at the issuer's answer) to the last refusal, or None after limit_s."""
    pending = list(resources)
    while pending:
        pending = [r for r in pending if r.request("GET", "/api/me", headers=http.bearer(token))[0] != 401]
        if time.perf_counter() - answered > limit_s:
            return None
    return (time.perf_counter() - answered) * 1000


class Sampler(threading.Thread):
    """Runs trials one after another (one every `interval_s`) over tokens of sessions of their
    own, until stopped or out of tokens."""

    def __init__(self, issuer_url, resource_urls, tokens, interval_s=0.15):
        super().__init__(daemon=True)
        self.issuer = http.Client(issuer_url)
        self.resources = [http.Client(url) for url in resource_urls]
        self.tokens, self.interval_s = list(tokens), interval_s
        self.delays, self.unenforced = [], 0
        self.halt = threading.Event()

    def run(self):
        while self.tokens and not self.halt.is_set():
            started = time.monotonic()
            delay = trial(self.issuer, self.resources, self.tokens.pop())
            if delay is None:
                self.unenforced += 1
            else:
                self.delays.append(delay)
            self.halt.wait(max(0.0, self.interval_s - (time.monotonic() - started)))

    def stop(self):
        self.halt.set()
        self.join()
        return summary(self.delays) | {"unenforced": self.unenforced}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else None


def summary(delays):
    return {"samples": len(delays), "p50_ms": percentile(delays, 0.5), "p95_ms": percentile(delays, 0.95),
            "p99_ms": percentile(delays, 0.99), "max_ms": max(delays) if delays else None}
