"""The peers of `infra/loadtest/run --peers` (infra/loadtest/peers, its own Swift package): a bare
Hummingbird route and a Hummingbird + jwt-kit app verifying the cold ES256 pool with the
resource's rules, each run as two processes under the same load as the two resource instances,
next to the resource's own cold ES256 run with its verified-token cache off."""
import os
import subprocess
import time
import urllib.error
import urllib.request

from . import scenarios

PEERS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "peers")


def build():
    """Builds the peers (release; the first build takes minutes) and returns the binary's path."""
    command = ["nice", "-n", "10", "swift", "build", "-c", "release", "--package-path", PEERS]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    folder = subprocess.run(command[3:] + ["--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(folder, "Peer")


def ports():
    return [int(p) for p in os.environ.get("PEER_PORTS", "18182 18183").split()]


class Processes:
    """Two peer processes of one mode, on PEER_PORTS, until stop()."""

    def __init__(self, binary, mode, work, options=()):
        self.urls = [f"http://127.0.0.1:{port}" for port in ports()]
        self.processes = []
        for port in ports():
            log = open(os.path.join(work, f"peer-{mode}-{port}.log"), "w")
            self.processes.append(subprocess.Popen([binary, mode, "--port", str(port), *options], stdout=log, stderr=log))
        deadline = time.monotonic() + 30
        for url, process in zip(self.urls, self.processes):
            while not _answers(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"loadtest: the {mode} peer on {url} did not start (log in {work})")
                time.sleep(0.1)

    @property
    def pids(self):
        return [p.pid for p in self.processes]

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(url):
    """Whether the server answers HTTP at all (a 401 or 404 counts)."""
    try:
        with urllib.request.urlopen(url + "/api/ping", timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def write_jwks(cluster, path):
    """The dev cluster's JWKS as the jwt-kit peer reads it at start-up."""
    with urllib.request.urlopen(f"http://127.0.0.1:{cluster.jwks_port}/.well-known/jwks.json", timeout=5) as response:
        body = response.read()
    with open(path, "wb") as file:
        file.write(body)
    return path


def bare(ctx, binary, work):
    """The bare route under the baseline's load: same path, same request headers."""
    peers = Processes(binary, "bare", work)
    try:
        return scenarios.load(ctx, "peer-bare", ctx.pools["hot"], path="/api/ping", servers=(peers.urls, peers.pids))
    finally:
        peers.stop()


def jwt_kit_options(cluster, work, leeway_s=30):
    """The jwt-kit peer's options: the dev cluster's JWKS (written to `work`), issuer and audience."""
    return ["--jwks", write_jwks(cluster, os.path.join(work, "peers-jwks.json")), "--issuer", cluster.issuer_url,
            "--audience", "api", "--leeway", str(leeway_s)]


def jwt_kit(ctx, binary, work):
    """The jwt-kit app under the cold ES256 load: the same pool, route and connections."""
    peers = Processes(binary, "jwt-kit", work, jwt_kit_options(ctx.cluster, work))
    try:
        record = scenarios.load(ctx, "peer-jwt-kit", ctx.pools["cold-es256"], servers=(peers.urls, peers.pids))
    finally:
        peers.stop()
    return record | {"pool_tokens": ctx.pools["sizes"]["cold-es256"]}


def uncached(ctx, cache_size):
    """The resource's cold ES256 run with TOKEN_CACHE_SIZE=0 (a signature check on every request,
    as the jwt-kit peer does), then the instances back at `cache_size`."""
    cluster = ctx.cluster
    for app in cluster.resources:
        cluster.restart(app, TOKEN_CACHE_SIZE=0)
    try:
        record = scenarios.cold(ctx, "ES256")
    finally:
        for app in cluster.resources:
            cluster.restart(app, TOKEN_CACHE_SIZE=cache_size)
    return record | {"scenario": "cold-es256-uncached"}
