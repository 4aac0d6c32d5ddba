"""What the soak records, minute by minute, and its verdict against the bars of issue 21.

Pure bookkeeping (no I/O): the harness's unit tests run it on made-up figures."""
import threading
import time
from collections import Counter, defaultdict

from .propagation import summary

# Endpoints whose 5xx the first bar counts.
SESSION_ENDPOINTS = ("login", "refresh", "logout")
P99_BAR_MS = 100.0
RSS_TOLERANCE = 0.10
RSS_BASELINE_MINUTE = 5  # the value "after the first 5 minutes": the reading at the end of minute 5
# Redis counts as healthy in a minute when it answered every PING of the soak's pinger (one every
# 100 ms) within the issuer's Redis command timeout (2 s): a reply later than that fails a login by design.
HEALTHY_PING_MS = 2000.0


class Recorder:
    """Thread-safe tallies by minute of the run (minute 0 is the first)."""

    def __init__(self, clock=time.monotonic):
        self.clock, self.start = clock, clock()
        self.lock = threading.Lock()
        self.answers = defaultdict(Counter)  # minute -> Counter((endpoint, status))
        self.delays = defaultdict(list)  # minute -> propagation delays (ms)
        self.samples = {}  # minute -> process and dependency readings
        self.refused_logins = Counter()  # username -> 401/429 answers to a correct password
        self.revocations = Counter()  # checked, lost
        self.grace = Counter()  # pairs, same_successor, other
        self.notes = []  # (second of the run, text)
        self.unenforced = []  # (second of the run, text): never capped, unlike the notes in the JSON

    def minute(self):
        return int((self.clock() - self.start) // 60)

    def answer(self, endpoint, status):
        """One answer; status None means no answer (connection error or timeout)."""
        with self.lock:
            self.answers[self.minute()][(endpoint, "none" if status is None else str(status))] += 1

    def answers_from(self, endpoint, statuses, minute=None):
        """Adds a wrk run's {status: count} (wrk reports at the end of its run)."""
        with self.lock:
            target = self.answers[self.minute() if minute is None else minute]
            for status, count in statuses.items():
                target[(endpoint, str(status))] += count

    def refused_login(self, username):
        with self.lock:
            self.refused_logins[username] += 1

    def delay(self, milliseconds):
        with self.lock:
            self.delays[self.minute()].append(milliseconds)

    def revocation(self, enforced, who=""):
        with self.lock:
            self.revocations["checked"] += 1
            if not enforced:
                self.revocations["lost"] += 1
                self.unenforced.append((round(self.clock() - self.start, 1), who))

    def grace_pair(self, outcome):
        with self.lock:
            self.grace["pairs"] += 1
            self.grace[outcome] += 1

    def note(self, text):
        with self.lock:
            self.notes.append((round(self.clock() - self.start, 1), text))

    def sample(self, minute, readings):
        with self.lock:
            self.samples[minute] = readings

    def minutes(self, count):
        """One record per minute of the run, in order."""
        with self.lock:
            records = []
            for minute in range(count):
                by_endpoint = defaultdict(dict)
                for (endpoint, status), n in sorted(self.answers.get(minute, Counter()).items()):
                    by_endpoint[endpoint][status] = n
                records.append({"minute": minute + 1, "answers": dict(by_endpoint),
                                "propagation": summary(self.delays.get(minute, [])),
                                **self.samples.get(minute, {})})
            return records


def redis_healthy(redis):
    """Whether Redis answered the minute's last PING and every PING of the pinger in time."""
    slowest = redis.get("slowest_ping_ms")
    return redis.get("ping_ms") is not None and (slowest is None or slowest <= HEALTHY_PING_MS)


def server_errors(answers, endpoints=SESSION_ENDPOINTS):
    """5xx answers (and requests that got no answer) of these endpoints in {endpoint: {status: n}}."""
    return sum(n for endpoint in endpoints for status, n in answers.get(endpoint, {}).items()
               if status == "none" or status.startswith("5"))


def totals(minutes):
    result = defaultdict(Counter)
    for record in minutes:
        for endpoint, statuses in record["answers"].items():
            result[endpoint].update(statuses)
    return {endpoint: dict(sorted(counts.items())) for endpoint, counts in sorted(result.items())}


def _bar(name, met, gating, detail):
    return {"bar": name, "met": met, "gating": gating, "detail": detail}


def evaluate(result, short):
    """The bars. met is None when the run cannot judge a bar; a short run gates only the robust
    ones (no 5xx, no false lockout, no lost revocation, no valid token refused)."""
    minutes = result["minutes"]
    healthy = [m for m in minutes if redis_healthy(m.get("redis") or {})]
    errors = sum(server_errors(m["answers"]) for m in healthy)
    everywhere = sum(server_errors(m["answers"]) for m in minutes)
    bars = [_bar("0 5xx from login/refresh/logout while Redis is healthy", errors == 0, True,
                 f"{errors} in the {len(healthy)} of {len(minutes)} minutes where Redis answered every PING within "
                 f"{HEALTHY_PING_MS:.0f} ms ({everywhere} in all minutes)")]
    refused = result["refused_logins"]
    bars.append(_bar("0 refused logins of users who never mistyped", not refused, True,
                     ", ".join(f"{user}: {n}" for user, n in sorted(refused.items())) or "none"))
    revocations = result["revocations"]
    bars.append(_bar("0 revocations lost", revocations.get("lost", 0) == 0, True,
                     f"{revocations.get('lost', 0)} of {revocations.get('checked', 0)} logouts not enforced within 5 s"))
    wrongly = result.get("valid_tokens_refused", 0)
    bars.append(_bar("0 valid tokens refused (rotations included)", wrongly == 0, True, f"{wrongly}"))

    sampled = [m for m in minutes if m["propagation"]["samples"]]
    worst = max((m["propagation"]["p99_ms"] for m in sampled), default=None)
    over = [m["minute"] for m in sampled if m["propagation"]["p99_ms"] > P99_BAR_MS]
    bars.append(_bar(f"propagation p99 <= {P99_BAR_MS:.0f} ms in every minute", (not over) if sampled else None,
                     not short, "no samples" if not sampled else
                     f"worst minute p99 {worst:.1f} ms" + (f"; over in minutes {over}" if over else "")))
    bars.append(rss_bar(minutes, gating=not short))
    return bars


# Redis and the broker hold the run's data (sessions, revocations, every event: the dev broker
# applies no retention), so their memory grows with it; they are reported, not judged.
STORES = ("redis", "broker")


def rss_bar(minutes, gating):
    """Every service's RSS in every minute after the fifth within 10 % of its reading at the end
    of the fifth; not judged when the run has no minute after the fifth."""
    name = f"RSS of every service within {RSS_TOLERANCE:.0%} of its value after {RSS_BASELINE_MINUTE} minutes"
    if len(minutes) <= RSS_BASELINE_MINUTE:
        return _bar(name, None, gating, f"not judged: the run has {len(minutes)} minutes")
    baseline = minutes[RSS_BASELINE_MINUTE - 1].get("processes", {})
    worst = {}
    for record in minutes[RSS_BASELINE_MINUTE:]:
        for process, figures in record.get("processes", {}).items():
            base = (baseline.get(process) or {}).get("rss_kib")
            if base and figures.get("rss_kib"):
                change = figures["rss_kib"] / base - 1
                if process not in worst or abs(change) > abs(worst[process]):
                    worst[process] = change
    over = {p: c for p, c in worst.items() if abs(c) > RSS_TOLERANCE and p not in STORES}
    detail = ", ".join(f"{p} {c:+.1%}" + (" (a store: reported)" if p in STORES else "")
                       for p, c in sorted(worst.items())) or "no readings"
    return _bar(name, not over if worst else None, gating, detail)


def verdict(bars):
    """(text, exit status): 1 when a gating bar was missed."""
    missed = [b for b in bars if b["met"] is False]
    failing = [b for b in missed if b["gating"]]
    unjudged = [b for b in bars if b["met"] is None]
    text = "all bars met" if not missed else f"{len(missed)} bar(s) missed"
    if unjudged:
        text += f"; {len(unjudged)} not judged by this run"
    return text, 1 if failing else 0


def _cell(statuses):
    ok = sum(n for s, n in statuses.items() if s.startswith("2"))
    client = sum(n for s, n in statuses.items() if s.startswith("4"))
    server = sum(n for s, n in statuses.items() if s == "none" or s.startswith("5"))
    return f"{ok}/{client}/{server}"


def table(result):
    """The per-minute table, the totals and the bars, as text."""
    lines = ["minute | login ok/4xx/5xx | refresh | logout | API ok/4xx/5xx | propagation n p50 p99 max ms | "
             "Redis slowest PING ms, conns opened | broker ms | issuer warnings"]
    for m in result["minutes"]:
        api = Counter()
        for endpoint, statuses in m["answers"].items():
            if endpoint.startswith("GET "):
                api.update(statuses)
        p, redis = m["propagation"], m.get("redis") or {}
        prop = (f"{p['samples']} {p['p50_ms']:.0f} {p['p99_ms']:.0f} {p['max_ms']:.0f}" if p["samples"] else "-")
        ping = redis.get("slowest_ping_ms", redis.get("ping_ms"))
        lines.append(" | ".join([
            f"{m['minute']:>6}", _cell(m["answers"].get("login", {})), _cell(m["answers"].get("refresh", {})),
            _cell(m["answers"].get("logout", {})), _cell(api), prop,
            f"{ping:.1f}, {redis.get('connections_opened', '-')}" if ping is not None else "DOWN",
            f"{m['broker_ms']:.0f}" if m.get("broker_ms") is not None else "DOWN", str(m.get("issuer_warnings", "-"))]))
    names = sorted({p for m in result["minutes"] for p in m.get("processes", {})})
    lines += ["", "RSS MiB, CPU %, seconds runnable but waiting for a CPU (schedstat), by process",
              "minute | " + " | ".join(names)]
    for m in result["minutes"]:
        cells = []
        for name in names:
            figures = m.get("processes", {}).get(name) or {}
            rss, cpu, wait = figures.get("rss_kib"), figures.get("cpu_percent"), figures.get("runqueue_wait_s")
            cells.append((f"{rss / 1024:.1f}, {cpu:.0f}" if rss is not None and cpu is not None else "-")
                         + (f", {wait:.1f}" if wait is not None else ""))
        lines.append(f"{m['minute']:>6} | " + " | ".join(cells))
    lines += ["", "bars:"]
    for b in result["bars"]:
        state = {True: "met", False: "MISSED", None: "not judged"}[b["met"]]
        lines.append(f"  [{state}{'' if b['gating'] else ', reported only'}] {b['bar']}: {b['detail']}")
    lines.append("verdict: " + verdict(result["bars"])[0])
    return "\n".join(lines)
