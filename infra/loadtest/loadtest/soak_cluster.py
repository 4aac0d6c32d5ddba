"""A fresh dev cluster for the soak (infra/dev/cluster on the ports and run folder given), its
extra users, and what the soak reads from it every minute: memory and CPU of every process,
Redis's and the broker's health."""
import os
import shutil
import socket
import struct
import subprocess
import time

from . import cluster as clusters


class Ports:
    """Where one soak cluster listens: `make soak` uses the dev cluster's defaults, the short soak
    of `make test` a private range."""

    def __init__(self, redis=6379, broker=9092, issuer=8080, jwks=8081, resources=(8082, 8083)):
        self.redis, self.broker, self.issuer, self.jwks = redis, broker, issuer, jwks
        self.resources = list(resources)

    def environment(self):
        return {"REDIS_PORT": str(self.redis), "BROKER_PORT": str(self.broker), "ISSUER_PORT": str(self.issuer),
                "JWKS_PORT": str(self.jwks), "RESOURCE_PORTS": " ".join(map(str, self.resources))}


class SoakCluster(clusters.Cluster):
    """A dev cluster started empty (its run folder wiped) with the given binaries."""

    def __init__(self, root, run_dir, ports, bin_dir, settings=None):
        # Not Cluster.__init__: that one reads the ports from this process's environment.
        self.root, self.run_dir, self.ports, self.bin_dir = root, run_dir, ports, bin_dir
        # Loopback is a trusted proxy, so each traffic actor can be a client address of its own.
        self.environment = dict(os.environ, RUN_DIR=run_dir, BIN_DIR=bin_dir, TRUSTED_PROXIES="127.0.0.1,::1",
                                **ports.environment(), **{k: str(v) for k, v in (settings or {}).items()})
        self.issuer_port, self.jwks_port, self.redis_port = ports.issuer, ports.jwks, ports.redis
        self.resource_ports = ports.resources
        self.issuer_url = f"http://127.0.0.1:{ports.issuer}"
        self.resource_urls = [f"http://127.0.0.1:{p}" for p in ports.resources]
        self.resources = [f"resource-{p}" for p in ports.resources]

    def _cluster(self, *command, quiet=True):
        subprocess.run([os.path.join(self.root, "infra/dev/cluster"), *command], check=True, env=self.environment,
                       stdout=subprocess.DEVNULL if quiet else None)

    def start_fresh(self):
        """Stops whatever runs in the run folder, wipes it, and starts everything; returns the
        seconds `cluster up` took."""
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        started = time.monotonic()
        self._cluster("up")
        return time.monotonic() - started

    def stop(self):
        if os.path.isdir(self.run_dir):
            subprocess.run([os.path.join(self.root, "infra/dev/cluster"), "down"], env=self.environment,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    def add_user(self, username, password, roles=("user",)):
        """Adds a user to the running issuer's store (the issuer reads it on every login)."""
        command = [os.path.join(self.bin_dir, "issuer"), "user", "add", username]
        for role in roles:
            command += ["--role", role]
        env = dict(self.environment, USER_DB=os.path.join(self.run_dir, "issuer", "users.sqlite"),
                   KEYSTORE_DIR=os.path.join(self.run_dir, "issuer", "keys"))
        subprocess.run(command, input=password, text=True, check=True, env=env, stdout=subprocess.DEVNULL)

    def processes(self):
        """{name: pid} of every process of the cluster that is running."""
        found = {}
        for name in ["issuer", "jwks", *self.resources, "redis", "broker"]:
            try:
                found[name] = self.pid(name)
            except (OSError, ValueError):
                pass
        return found

    def log_path(self, app):
        return os.path.join(self.run_dir, app + ".log")


def memory_kib(pid):
    """VmRSS of a process in KiB, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    try:
        return clusters.cpu_seconds(pid)
    except (OSError, IndexError, ValueError):
        return None


def runqueue_wait_seconds(pid):
    """Seconds all threads of a process have spent runnable but waiting for a CPU (schedstat)."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return total / 1e9


def redis_auth(run_dir):
    """The AUTH line for the operator (default) user when the cluster runs Redis ACL users
    (infra/dev/services REDIS_ACL=on, the dev cluster's default), else b""."""
    try:
        with open(os.path.join(run_dir, "redis-users", "default.password")) as file:
            return f"AUTH {file.readline().strip()}\r\n".encode()
    except OSError:
        return b""


def redis_health(port, timeout=2.0, auth=b""):
    """PING round trip (ms, None when it failed) and the INFO figures that show a client dropping
    and reopening connections. `auth`: redis_auth(run_dir)."""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            if auth:
                connection.sendall(auth)
                if not connection.recv(64).startswith(b"+OK"):
                    return {"ping_ms": None}
                started = time.perf_counter()
            connection.sendall(b"PING\r\n")
            ping_ok = connection.recv(64).startswith(b"+PONG")
            ping_ms = (time.perf_counter() - started) * 1000 if ping_ok else None
            connection.sendall(b"INFO\r\n")
            text = _read_bulk(connection)
    except OSError:
        return {"ping_ms": None}
    info = dict(line.split(":", 1) for line in text.splitlines() if ":" in line and not line.startswith("#"))
    figures = {"ping_ms": ping_ms}
    for name in ("connected_clients", "total_connections_received", "total_commands_processed"):
        if name in info:
            figures[name] = int(info[name])
    return figures


def _read_bulk(connection):
    data = b""
    while b"\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise OSError("closed")
        data += chunk
    header, _, rest = data.partition(b"\r\n")
    length = int(header[1:])
    while len(rest) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise OSError("closed")
        rest += chunk
    return rest[:length].decode(errors="replace")


def broker_round_trip_ms(port, timeout=5.0):
    """One Kafka ApiVersions (v0) request on a new connection, in ms; None when it failed."""
    client = b"soak"
    body = struct.pack(">hhih", 18, 0, 1, len(client)) + client
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            connection.sendall(struct.pack(">i", len(body)) + body)
            header = _read_exactly(connection, 4)
            _read_exactly(connection, struct.unpack(">i", header)[0])
    except OSError:
        return None
    return (time.perf_counter() - started) * 1000


def _read_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data
