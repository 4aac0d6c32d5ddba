"""The flows a Docker user tries first, against the emulated compose services on the ports
docker-compose.yml publishes: users made with `docker compose exec`, login, refresh, a call to
both resource replicas, logout enforced on both, a key rotation."""

import json
import time
import urllib.error
import urllib.request

ISSUER, JWKS = "http://localhost:8080", "http://localhost:8081"
RESOURCES = ["http://localhost:8082", "http://localhost:8083"]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def request(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    fields = {"Content-Type": "application/json"} if data else {}
    fields.update(headers or {})
    try:
        with OPENER.open(urllib.request.Request(url, data=data, method=method, headers=fields), timeout=10) as answer:
            return Answer(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def expect(condition, what):
    from inside import Failure

    if not condition:
        raise Failure(what)


def add_user(emulation, name, password, roles):
    """What docs/DOCKER.md tells users: printf %s PASSWORD | docker compose exec -T issuer issuer user add NAME --role R."""
    arguments = ["issuer", "user", "add", name]
    for role in roles:
        arguments += ["--role", role]
    result = emulation.exec_in("issuer", arguments, stdin=password)
    expect(result.returncode == 0, f"issuer user add {name} failed: {result.stderr.strip()}")


def login(name, password):
    answer = request("POST", ISSUER + "/auth/login", {"username": name, "password": password})
    expect(answer.status == 200, f"login of {name}: {answer.status} {answer.body[:200]!r}")
    cookie = answer.headers.get("Set-Cookie", "").split(";")[0]
    expect(cookie.startswith("refresh_token="), f"login of {name} set no refresh cookie")
    return answer.json()["access_token"], cookie


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            from inside import Failure

            raise Failure(what)
        time.sleep(0.05)


def run(emulation):
    if "demo" in emulation.services:
        page = request("GET", "http://localhost:3000/")
        expect(page.status == 200 and b"<html" in page.body.lower(), f"the demo page: {page.status}")
    add_user(emulation, "alice", "alice-compose-password", ["user"])
    add_user(emulation, "admin", "admin-compose-password", ["admin", "user"])

    token, cookie = login("alice", "alice-compose-password")
    refreshed = request("POST", ISSUER + "/auth/refresh", headers={"Cookie": cookie, "X-Requested-With": "emulation"})
    expect(refreshed.status == 200, f"refresh: {refreshed.status} {refreshed.body[:200]!r}")
    token, cookie = refreshed.json()["access_token"], refreshed.headers["Set-Cookie"].split(";")[0]
    for resource in RESOURCES:
        me = request("GET", resource + "/api/me", headers={"Authorization": "Bearer " + token})
        expect(me.status == 200 and me.json()["sub"] == "alice", f"{resource}/api/me: {me.status} {me.body[:200]!r}")

    out = request("POST", ISSUER + "/auth/logout",
                  headers={"Authorization": "Bearer " + token, "Cookie": cookie, "X-Requested-With": "emulation"})
    expect(out.status == 204, f"logout: {out.status}")
    for resource in RESOURCES:
        wait_for(lambda: request("GET", resource + "/api/me", headers={"Authorization": "Bearer " + token}).status == 401,
                 5, f"{resource} still accepts a logged-out token after 5 s")

    admin, _ = login("admin", "admin-compose-password")
    rotated = request("POST", ISSUER + "/admin/keys/rotate", headers={"Authorization": "Bearer " + admin})
    expect(rotated.status == 200, f"key rotation: {rotated.status} {rotated.body[:200]!r}")
    kid = rotated.json()["kid"]

    def published():
        keys = request("GET", JWKS + "/.well-known/jwks.json")
        return keys.status == 200 and kid in [key["kid"] for key in keys.json()["keys"]]

    wait_for(published, 10, f"the rotated key {kid} never reached the jwks service")
    for resource in RESOURCES:
        audit = request("GET", resource + "/api/admin/audit", headers={"Authorization": "Bearer " + admin})
        expect(audit.status == 200, f"{resource} refused the admin's token after the rotation: {audit.status}")
