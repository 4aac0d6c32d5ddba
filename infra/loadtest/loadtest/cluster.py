"""The dev cluster as the load test sees it: its addresses, its processes and their CPU time,
their metrics, and restarts with other settings (through infra/dev/cluster)."""
import os
import subprocess
import time
import urllib.error
import urllib.request

from . import http


class Cluster:
    def __init__(self, root):
        self.root = root
        self.run_dir = os.environ.get("RUN_DIR", os.path.join(root, ".run", "dev"))
        self.issuer_port = int(os.environ.get("ISSUER_PORT", "8080"))
        self.jwks_port = int(os.environ.get("JWKS_PORT", "8081"))
        self.resource_ports = [int(p) for p in os.environ.get("RESOURCE_PORTS", "8082 8083").split()]
        self.redis_port = int(os.environ.get("REDIS_PORT", "6379"))
        self.issuer_url = f"http://127.0.0.1:{self.issuer_port}"
        self.resource_urls = [f"http://127.0.0.1:{p}" for p in self.resource_ports]
        self.resources = [f"resource-{p}" for p in self.resource_ports]

    # Lifecycle

    def ready(self, port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def ensure_up(self):
        """Starts the dev cluster (make up) unless every service already answers ready."""
        ports = [self.issuer_port, self.jwks_port] + self.resource_ports
        if all(self.ready(port) for port in ports):
            return False
        print("loadtest: the dev cluster is not up; starting it (infra/dev/cluster up)", flush=True)
        subprocess.run([os.path.join(self.root, "infra/dev/cluster"), "up"], check=True, stdout=subprocess.DEVNULL)
        return True

    def restart(self, app, **settings):
        """Restarts one app with extra environment settings and waits until it is ready."""
        env = dict(os.environ, **{k: str(v) for k, v in settings.items()})
        subprocess.run([os.path.join(self.root, "infra/dev/cluster"), "restart", app], check=True, env=env)

    # Processes

    def pid(self, app):
        with open(os.path.join(self.run_dir, app + ".pid")) as file:
            return int(file.read().strip())

    def metrics(self, port):
        """The Prometheus text of a service as {"name{labels}": value}."""
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    values[name] = float(value)
                except ValueError:
                    pass
        return values

    def redis_count(self, pattern):
        """How many keys match a pattern (SCAN, as the resources' resync does)."""
        output = subprocess.run(
            ["redis-cli", "--no-auth-warning", "-p", str(self.redis_port), "--scan", "--pattern", pattern],
            check=True, capture_output=True, text=True, env=self.redis_cli_env()).stdout
        return sum(1 for line in output.splitlines() if line)

    def redis_cli_env(self):
        """redis-cli's environment: the operator's password when the cluster runs Redis ACLs."""
        env = dict(os.environ)
        password_file = os.path.join(self.run_dir, "redis-users", "default.password")
        if os.path.exists(password_file):
            with open(password_file) as file:
                env["REDISCLI_AUTH"] = file.readline().strip()
        return env

    def issuer(self):
        return http.Client(self.issuer_url)


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CPUMeter:
    """CPU seconds used by some processes between start() and stop(), as cores busy."""

    def __init__(self, pids):
        self.pids = pids

    def start(self):
        self.began, self.before = time.monotonic(), [cpu_seconds(p) for p in self.pids]
        return self

    def stop(self):
        elapsed = time.monotonic() - self.began
        used = [cpu_seconds(p) - b for p, b in zip(self.pids, self.before)]
        return {"seconds": elapsed, "cpu_seconds": used, "cores": [u / elapsed for u in used]}
