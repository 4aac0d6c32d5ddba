"""A small keep-alive HTTP client for the driver's own requests (logins, rotations, checks)."""
import base64
import http.client
import json
import urllib.parse


class Client:
    """One keep-alive connection to one service; reconnects once when the server closed it."""

    def __init__(self, base, timeout=10):
        url = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = url.hostname, url.port, timeout
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers as a dict of lower-case names, body bytes)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(headers or {})
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
            except (http.client.HTTPException, ConnectionError, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 1:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def login(issuer, username, password):
    """Logs in: returns (access token, refresh token from the cookie)."""
    status, headers, body = issuer.request("POST", "/auth/login", {"username": username, "password": password})
    if status != 200:
        raise SystemExit(f"loadtest: login of {username} failed: {status} {body[:200]!r}")
    return json.loads(body)["access_token"], refresh_cookie(headers)


def refresh(issuer, cookie):
    """Rotates a refresh token the browser's way: returns (access token, next refresh token)."""
    status, headers, body = issuer.request(
        "POST", "/auth/refresh", headers={"Cookie": "refresh_token=" + cookie, "X-Requested-With": "loadtest"})
    if status != 200:
        raise SystemExit(f"loadtest: refresh failed: {status} {body[:200]!r}")
    return json.loads(body)["access_token"], refresh_cookie(headers)


def refresh_cookie(headers):
    cookie = headers.get("set-cookie", "")
    return cookie.split("refresh_token=", 1)[1].split(";", 1)[0] if "refresh_token=" in cookie else None


def bearer(token):
    return {"Authorization": "Bearer " + token}


def b64decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_parts(token):
    """(header, claims) of a JWS compact token, unverified: for the driver's bookkeeping only."""
    header, claims, _ = token.split(".")
    return json.loads(b64decode(header)), json.loads(b64decode(claims))
