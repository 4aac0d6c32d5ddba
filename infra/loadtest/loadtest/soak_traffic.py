"""The soak's traffic, one thread per actor: users logging in, refreshing and logging out (one of
them mistypes now and then), the logout propagation sampler, the key rotator, the token pools and
the wrk API load on every resource instance. Every answer goes to the Recorder; nothing raises on
a bad answer, since counting them is the point."""
import itertools
import json
import os
import random
import socket
import threading
import time

from . import http, propagation, wrk

ENFORCE_LIMIT_S = 5.0


class Actor(threading.Thread):
    # Each actor is a user on a machine of its own: its requests name a client address of their
    # own (X-Forwarded-For, believed because the soak cluster trusts loopback as a proxy), so one
    # user's mistypes and logins in flight count against that user's address only, as they
    # would for people on different machines.
    addresses = itertools.count(1)

    def __init__(self, context, name):
        super().__init__(daemon=True, name=name)
        self.ctx = context
        number = next(Actor.addresses)
        self.address = f"10.77.{number // 250}.{number % 250 + 1}"

    @property
    def halted(self):
        return self.ctx.halt.is_set()

    def pause(self, seconds):
        self.ctx.halt.wait(seconds)

    def request(self, client, endpoint, method, path, body=None, headers=None):
        """One request, recorded under `endpoint`; (status or None, headers, body)."""
        try:
            status, answer_headers, payload = client.request(method, path, body, {**(headers or {}), "X-Forwarded-For": self.address})
        except (OSError, ValueError) as error:
            self.ctx.recorder.note(f"{self.name}: {endpoint} got no answer: {error}")
            status, answer_headers, payload = None, {}, b""
        self.ctx.recorder.answer(endpoint, status)
        if status is not None and status >= 500:
            self.ctx.recorder.note(f"{self.name}: {endpoint} {status} {payload[:160]!r}")
        return status, answer_headers, payload

    def login(self, client, username, password, mistyper=False):
        """A login; returns (access token, refresh token) or None, counting a refusal of a correct
        password of a user who never mistypes."""
        status, headers, body = self.request(client, "login", "POST", "/auth/login",
                                             {"username": username, "password": password})
        if status == 200:
            return json.loads(body)["access_token"], http.refresh_cookie(headers)
        if status in (401, 429) and not mistyper:
            self.ctx.recorder.refused_login(username)
            self.ctx.recorder.note(f"{self.name}: login of {username} refused: {status} {body[:120]!r}")
        return None

    def refresh(self, client, cookie):
        status, headers, body = self.request(client, "refresh", "POST", "/auth/refresh",
                                             headers={"Cookie": "refresh_token=" + cookie, "X-Requested-With": "soak"})
        if status != 200:
            return None
        return json.loads(body)["access_token"], http.refresh_cookie(headers)

    def logout(self, client, token, cookie=None):
        headers = http.bearer(token)
        if cookie:
            headers.update({"Cookie": "refresh_token=" + cookie, "X-Requested-With": "soak"})
        status, _, _ = self.request(client, "logout", "POST", "/auth/logout", headers=headers)
        return status == 204

    def use(self, resources, token):
        """The token on every resource, as a client would; counts a refusal of a valid token."""
        for resource in resources:
            status, _, body = self.request(resource, "GET /api/me (session)", "GET", "/api/me",
                                           headers=http.bearer(token))
            if status == 401:
                self.ctx.valid_refused(f"{self.name}: a fresh token refused: {body[:160]!r}")


def claims_sid(token):
    try:
        return http.token_parts(token)[1].get("sid")
    except (ValueError, IndexError):
        return None


def lower_priority_to(pid, nice):
    """Gives a load generator no better priority than the services it loads: on a shared machine
    whose scheduler policy renices long-running processes, a fresh wrk at nice 0 beside services
    at nice 10 starved them (docs/SOAK.md). Only ever lowers a priority."""
    try:
        if nice is not None and os.getpriority(os.PRIO_PROCESS, pid) < nice:
            os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError:
        pass


class SessionUser(Actor):
    """login -> (use, refresh) x N -> logout, again and again; now and then two refreshes of the
    same token at once (two tabs), which must both get the same successor; the mistyper sends a
    wrong password at most once every `mistype_every_s`, so the address limit (5 a minute) holds."""

    def __init__(self, context, username, password, mistype_every_s=None):
        super().__init__(context, f"user {username}")
        self.username, self.password, self.mistype_every_s = username, password, mistype_every_s
        self.last_mistype = time.monotonic()

    def run(self):
        ctx = self.ctx
        issuer = http.Client(ctx.cluster.issuer_url)
        resources = [http.Client(url) for url in ctx.cluster.resource_urls]
        while not self.halted:
            if self.mistype_every_s and time.monotonic() - self.last_mistype >= self.mistype_every_s:
                self.last_mistype = time.monotonic()
                self.login(issuer, self.username, self.password + "-typo", mistyper=True)
                self.pause(1)
                continue
            session = self.login(issuer, self.username, self.password, mistyper=bool(self.mistype_every_s))
            if session is None:
                self.pause(1)
                continue
            token, cookie = session
            for _ in range(ctx.refreshes):
                self.use(resources, token)
                self.pause(ctx.think_s)
                if self.halted:
                    break
                renewed = self.two_tabs(cookie) if random.random() < ctx.two_tabs_share else self.refresh(issuer, cookie)
                if renewed is None:
                    break
                token, cookie = renewed
            if self.logout(issuer, token, cookie):
                enforced = propagation.enforced_after(resources, token, time.perf_counter(), ENFORCE_LIMIT_S)
                ctx.recorder.revocation(enforced is not None, f"{self.name}, sid {claims_sid(token)}")
                if enforced is None:
                    ctx.recorder.note(f"{self.name}: a logout not enforced everywhere within {ENFORCE_LIMIT_S} s")
            self.pause(ctx.think_s)

    def two_tabs(self, cookie):
        """Two refreshes of one refresh token at once, each on its own connection."""
        results = [None, None]

        def tab(index):
            results[index] = self.refresh(http.Client(self.ctx.cluster.issuer_url), cookie)

        tabs = [threading.Thread(target=tab, args=(i,)) for i in (0, 1)]
        for t in tabs:
            t.start()
        for t in tabs:
            t.join()
        if None in results:
            self.ctx.recorder.grace_pair("refused")
            return next((r for r in results if r), None)
        self.ctx.recorder.grace_pair("same_successor" if results[0][1] == results[1][1] else "forked")
        return results[0]


class PropagationSampler(Actor):
    """Every `every_s`: a fresh login, its token checked on every resource, a logout, and the
    time until every resource refuses it (loadtest/propagation.py)."""

    def __init__(self, context, username, password, every_s):
        super().__init__(context, "propagation")
        self.username, self.password, self.every_s = username, password, every_s

    def run(self):
        issuer = http.Client(self.ctx.cluster.issuer_url)
        resources = [http.Client(url) for url in self.ctx.cluster.resource_urls]
        while not self.halted:
            started = time.monotonic()
            session = self.login(issuer, self.username, self.password)
            if session is not None:
                self.use(resources, session[0])
                status, _, _ = self.request(issuer, "logout", "POST", "/auth/logout", headers=http.bearer(session[0]))
                answered = time.perf_counter()
                if status == 204:
                    delay = propagation.enforced_after(resources, session[0], answered, ENFORCE_LIMIT_S)
                    self.ctx.recorder.revocation(delay is not None, f"propagation, sid {claims_sid(session[0])}")
                    if delay is None:
                        self.ctx.recorder.note(f"propagation: a logout not enforced everywhere within {ENFORCE_LIMIT_S} s")
                    else:
                        self.ctx.recorder.delay(delay)
            self.pause(max(0.0, self.every_s - (time.monotonic() - started)))


class Rotator(Actor):
    """A key rotation (POST /admin/keys/rotate as admin) every `every_s`."""

    def __init__(self, context, every_s, username="admin", password="admin-dev-password"):
        super().__init__(context, "rotator")
        self.every_s, self.username, self.password = every_s, username, password

    def run(self):
        issuer = http.Client(self.ctx.cluster.issuer_url)
        while not self.halted:
            self.pause(self.every_s)
            if self.halted:
                break
            session = self.login(issuer, self.username, self.password)
            if session is None:
                continue
            status, _, body = self.request(issuer, "admin/keys/rotate", "POST", "/admin/keys/rotate",
                                           headers=http.bearer(session[0]))
            self.ctx.recorder.note(f"rotation: {status} {body[:80]!r}")
            self.logout(issuer, session[0], session[1])


class TokenPools(Actor):
    """The hot and cold token files for wrk, minted by refreshing one session, and minted again
    every `every_s` (before the tokens expire)."""

    def __init__(self, context, work, hot, cold, every_s, username, password):
        super().__init__(context, "pools")
        self.hot_file, self.cold_file = os.path.join(work, "soak-hot"), os.path.join(work, "soak-cold")
        self.hot, self.cold, self.every_s = hot, cold, every_s
        self.username, self.password = username, password
        self.ready = threading.Event()

    def mint(self):
        issuer = http.Client(self.ctx.cluster.issuer_url)
        session = self.login(issuer, self.username, self.password)
        if session is None:
            return False
        tokens, cookie = [session[0]], session[1]
        while len(tokens) < self.hot + self.cold and not self.halted:
            renewed = self.refresh(issuer, cookie)
            if renewed is None:
                return False
            tokens.append(renewed[0])
            cookie = renewed[1]
        for path, chosen in ((self.hot_file, tokens[:self.hot]), (self.cold_file, tokens[self.hot:])):
            with open(path + ".new", "w") as file:
                file.write("\n".join(chosen) + "\n")
            os.replace(path + ".new", path)
        return True

    def run(self):
        while not self.halted:
            if self.mint():
                self.ready.set()
                self.pause(self.every_s)
            else:
                self.pause(2)


class APILoad(Actor):
    """wrk against one resource instance with one pool, in runs of a minute (so every minute has
    its own statuses); a 401 here is a valid token refused."""

    def __init__(self, context, url, kind, pool_file, connections, rate=None):
        super().__init__(context, f"wrk {kind} {url}")
        self.url, self.kind, self.pool_file, self.connections, self.rate = url, kind, pool_file, connections, rate

    def run(self):
        endpoint = f"GET /api/me {self.kind} :{self.url.rsplit(':', 1)[1]}"
        args = {"tokens": self.pool_file, "path": "/api/me"}
        if self.rate:
            args["LOADTEST_RATE"] = self.rate
        while not self.halted:
            left = self.ctx.ends - time.monotonic()
            if left < 1:
                break
            # Until the next minute boundary; a run that ended just before one takes the next.
            to_boundary = 60 - (time.monotonic() - self.ctx.recorder.start) % 60
            seconds = max(1, int(min(to_boundary if to_boundary >= 1 else to_boundary + 60, left)))
            # The minute the run's middle falls in: the run fills (most of) it.
            minute = int((time.monotonic() + seconds / 2 - self.ctx.recorder.start) // 60)
            runner = wrk.Run(self.url, "bearer.lua", seconds, args, threads=1, connections=self.connections)
            lower_priority_to(runner.process.pid, self.ctx.service_nice())
            while runner.process.poll() is None and not self.halted:
                time.sleep(0.2)
            runner.stop()
            try:
                figures = runner.result()
            except SystemExit as error:
                self.ctx.recorder.note(f"{self.name}: {error}")
                continue
            statuses = {str(k): v for k, v in figures["statuses"].items()}
            socket_errors = sum(figures["socket_errors"].values())
            if socket_errors:
                statuses["none"] = socket_errors
            self.ctx.recorder.answers_from(endpoint, statuses, minute)
            if statuses.get("401"):
                self.ctx.valid_refused(f"{self.name}: {statuses['401']} pool tokens refused", statuses["401"])


class RedisPinger(Actor):
    """PING on one connection every `every_s`: the slowest answer of each minute says whether
    Redis itself (or the whole machine) stalled when the issuer's Redis calls timed out."""

    def __init__(self, context, port, every_s=0.1, auth=lambda: b""):
        super().__init__(context, "redis ping")
        self.port, self.every_s, self.auth = port, every_s, auth
        self.slowest = {}  # minute -> ms (None: no answer)

    def run(self):
        connection = None
        while not self.halted:
            minute = self.ctx.recorder.minute()
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                    auth = self.auth()  # read at each connect: the password file appears with Redis
                    if auth:
                        connection.sendall(auth)
                        if not connection.recv(64).startswith(b"+OK"):
                            raise OSError("AUTH refused")
                connection.sendall(b"PING\r\n")
                answered = connection.recv(16).startswith(b"+PONG")
            except OSError:
                answered, connection = False, None
            took = (time.perf_counter() - started) * 1000 if answered else 5000.0
            with self.ctx.lock:
                self.slowest[minute] = max(self.slowest.get(minute, 0.0), took)
            self.pause(self.every_s)
