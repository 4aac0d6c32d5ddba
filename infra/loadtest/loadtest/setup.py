"""Getting the dev cluster into the state the scenarios need: resource instances whose verified-
token cache is smaller than the cold pools, the issuer signing with the algorithm asked for, and
every pool minted through the issuer."""
import json
import os
import time

from . import corpus, http, pools

ALICE = ("alice", "alice-dev-password")
ADMIN = ("admin", "admin-dev-password")


def signing_with(cluster, alg, limit_s=90):
    """Makes the issuer sign with `alg`: when its current key is of another algorithm, restarts it
    with SIGNING_ALG=alg, rotates, and waits until tokens carry the new key. Returns an admin
    token and refresh token signed with it."""
    issuer = cluster.issuer()
    token, cookie = http.login(issuer, *ADMIN)
    if pools.algorithm(token) == alg:
        return token, cookie
    print(f"loadtest: switching the issuer to {alg} keys (restart with SIGNING_ALG={alg}, rotate)", flush=True)
    cluster.restart("issuer", SIGNING_ALG=alg)
    issuer = cluster.issuer()
    status, _, body = issuer.request("POST", "/admin/keys/rotate", headers=http.bearer(token))
    if status != 200:
        raise SystemExit(f"loadtest: rotation refused: {status} {body[:200]!r}")
    kid, deadline = json.loads(body)["kid"], time.monotonic() + limit_s
    while time.monotonic() < deadline:
        token, cookie = http.refresh(issuer, cookie)
        if http.token_parts(token)[0]["kid"] == kid:
            return token, cookie
        time.sleep(0.5)
    raise SystemExit(f"loadtest: the issuer did not sign with the new {alg} key within {limit_s} s")


def build_pools(cluster, work, tokenctl, cold_tokens, storm_tokens, samples):
    """Mints every pool; returns (pools: name -> file, figures of the issuer's runs)."""
    valid_sessions, storm_sessions = 64, 16
    needed = valid_sessions + storm_sessions + samples + 2
    cookies, login_figures = pools.login_sessions(cluster, work, needed, *ALICE)
    if len(cookies) < needed:
        raise SystemExit(f"loadtest: only {len(cookies)} of {needed} logins succeeded: {login_figures['statuses']}")
    valid, storm = cookies[:valid_sessions], cookies[valid_sessions:valid_sessions + storm_sessions]
    rest = cookies[valid_sessions + storm_sessions:]
    hostile_cookie, checker_cookie, sample_cookies = rest[0], rest[1], rest[2:needed - valid_sessions - storm_sessions]

    cold_es, valid_left, refresh_es = pools.mint(cluster, work, "cold-es256", valid, cold_tokens)
    stormed, _, _ = pools.mint(cluster, work, "storm", storm, storm_tokens)
    issuer = cluster.issuer()
    sample_tokens = [http.refresh(issuer, cookie)[0] for cookie in sample_cookies]
    hostile_base, _ = http.refresh(issuer, hostile_cookie)
    checker_token, checker_cookie = http.refresh(issuer, checker_cookie)

    signing_with(cluster, "RS256")
    cold_rs, _, refresh_rs = pools.mint(cluster, work, "cold-rs256", valid_left, cold_tokens)
    admin_token, _ = signing_with(cluster, "ES256")

    claims = dict(http.token_parts(hostile_base)[1], sid="attacker-session", jti="attacker-token")
    forged = corpus.build(hostile_base) + corpus.attacker_tokens(tokenctl, claims)
    files = {
        "hot": pools.write(work, "hot.tokens", cold_es[:8]),
        "cold-es256": pools.write(work, "cold-es256.tokens", cold_es),
        "cold-rs256": pools.write(work, "cold-rs256.tokens", cold_rs),
        "storm": pools.write(work, "storm.tokens", stormed[:storm_tokens]),
        "forged": pools.write(work, "forged.tokens", forged),
        "valid-sids": pools.write(work, "valid.sids", pools.session_ids(cold_es + cold_rs + cold_es[:8])),
        "samples": sample_tokens,
        "checker-cookie": checker_cookie,
        "admin-token": admin_token,
        "sizes": {"cold-es256": len(cold_es), "cold-rs256": len(cold_rs), "storm": min(len(stormed), storm_tokens), "forged": len(forged),
                  "samples": len(sample_tokens), "sessions": len(cookies)},
    }
    figures = {"login": login_figures, "refresh-es256": refresh_es, "refresh-rs256": refresh_rs}
    return files, figures


def bcrypt_cost(cluster):
    """The cost of the demo users' stored hashes, read from the user store."""
    import sqlite3
    path = os.path.join(cluster.run_dir, "issuer", "users.sqlite")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT password_hash FROM users WHERE username = ?", (ALICE[0],)).fetchone()
    return int(row[0].split("$")[2]) if row else None
