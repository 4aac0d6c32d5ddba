"""Token pools, minted through the issuer as clients get them: wrk logs a user in many times
(the issuer's login scenario) and rotates those sessions' refresh tokens (its refresh scenario),
keeping every access token it is given. Nothing bypasses the issuer."""
import glob
import os

from . import http, wrk


def _lines(pattern):
    lines = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as file:
            lines += [line.strip() for line in file if line.strip()]
    return lines


def _clear(pattern):
    for path in glob.glob(pattern):
        os.unlink(path)


def login_sessions(cluster, work, count, username, password, limit_s=120):
    """Logs in until `count` sessions exist; returns (refresh tokens, the run's figures)."""
    prefix = os.path.join(work, "login-cookies")
    _clear(prefix + ".*")
    figures = wrk.run_until(
        cluster.issuer_url, "login.lua", limit_s,
        {"username": username, "password": password, "cookies_out": prefix},
        lambda: len(_lines(prefix + ".*")) >= count, threads=2, connections=4, timeout="10s")
    return _lines(prefix + ".*"), figures


def mint(cluster, work, name, cookies, count, limit_s=120):
    """Refreshes the sessions behind `cookies` until `count` access tokens are minted.

    Returns (tokens, refresh tokens still unspent, the run's figures)."""
    cookie_file = os.path.join(work, f"{name}-cookies")
    left_file = os.path.join(work, f"{name}-cookies-left")
    prefix = os.path.join(work, f"{name}-minted")
    _clear(prefix + ".*")
    with open(cookie_file, "w") as file:
        file.write("\n".join(cookies) + "\n")
    connections = max(2, min(32, len(cookies) // 2))
    figures = wrk.run_until(
        cluster.issuer_url, "refresh.lua", limit_s,
        {"cookies": cookie_file, "tokens_out": prefix, "LOADTEST_COOKIES_OUT": left_file},
        lambda: len(_lines(prefix + ".*")) >= count, threads=2, connections=connections)
    tokens = _lines(prefix + ".*")
    if len(tokens) < count:
        raise SystemExit(f"loadtest: minted only {len(tokens)} of {count} {name} tokens: {figures['statuses']}")
    return tokens, _lines(left_file), figures


def write(work, name, lines):
    path = os.path.join(work, name)
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")
    return path


def session_ids(tokens):
    return sorted({http.token_parts(token)[1]["sid"] for token in tokens})


def algorithm(token):
    return http.token_parts(token)[0]["alg"]
