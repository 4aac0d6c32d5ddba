"""The emulation inside its namespaces: the image's filesystem pieces, Docker's volume rules,
the services in depends_on order, their healthchecks, then the flows (flows.py)."""

import os
import pwd
import shlex
import subprocess
import time

from ruamel.yaml import YAML

import dockerfile
import flows

# Compose services that stand for infrastructure we substitute on this machine.
REDIS, KAFKA, KAFKA_INIT = "redis", "kafka", "kafka-init"
# What each of our commands needs before it can start (its settings and docs/ARCHITECTURE.md):
# the check that depends_on says so, with the condition that makes it true.
NEEDS = {
    "issuer": {REDIS: "service_healthy", KAFKA_INIT: "service_completed_successfully"},
    "jwks": {KAFKA_INIT: "service_completed_successfully"},
    "resource": {REDIS: "service_healthy", KAFKA_INIT: "service_completed_successfully"},
}


def say(message):
    print(f"emulate-compose: {message}", flush=True)


class Failure(Exception):
    pass


def run(root, work):
    try:
        Emulation(root, work).run()
        return 0
    except Failure as failure:
        say(f"FAIL: {failure}")
        return 1


class Emulation:
    def __init__(self, root, work):
        self.root, self.work = root, work
        self.compose = YAML(typ="safe").load(open(os.path.join(root, "docker-compose.yml")))
        self.image = dockerfile.parse(open(os.path.join(root, "infra/Dockerfile")).read())
        self.services = self.compose["services"]
        self.bin = os.path.join(work, "image", "usr", "local", "bin")
        self.logs = os.path.join(work, "logs")
        os.makedirs(self.logs)
        self.processes = {}

    # MARK: the run

    def run(self):
        self.check_dependencies()
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        self.map_host_names()
        self.lay_out_image()
        for name in self.start_order():
            self.start(name)
            self.wait_healthy(name)
        flows.run(self)
        say("every service healthy; login, refresh, both replicas, logout on both, key rotation: OK")

    def check_dependencies(self):
        problems = []
        for name, service in self.services.items():
            command = (service.get("command") or [None])[0]
            depends = service.get("depends_on", {})
            for needed, condition in NEEDS.get(command, {}).items():
                given = depends.get(needed, {}).get("condition") if isinstance(depends, dict) else None
                if given != condition:
                    problems.append(f"{name} needs {needed} ({condition}) before it starts; depends_on says {given}")
            if command in NEEDS:
                test = " ".join(service.get("healthcheck", {}).get("test", []))
                port = str(service.get("environment", {}).get("PORT"))
                if f"localhost:{port}/readyz" not in test:
                    problems.append(f"{name}'s healthcheck does not ask its own /readyz on port {port}: {test}")
        if problems:
            raise Failure("; ".join(problems))
        say("depends_on and healthchecks match what each service needs at start")

    def start_order(self):
        order, seen = [], set()

        def visit(name):
            if name in seen:
                return
            seen.add(name)
            depends = self.services[name].get("depends_on", {})
            for dependency in depends if isinstance(depends, (dict, list)) else []:
                visit(dependency)
            order.append(name)

        for name in self.services:
            visit(name)
        return order

    # MARK: the image's filesystem and Docker's rules

    def map_host_names(self):
        hosts = os.path.join(self.work, "hosts")
        with open(hosts, "w") as file:
            file.write("127.0.0.1 localhost " + " ".join(self.services) + "\n::1 localhost\n")
        subprocess.run(["mount", "--bind", hosts, "/etc/hosts"], check=True)
        say("service host names mapped to loopback: " + ", ".join(self.services))

    def lay_out_image(self):
        """The image's home folder, fresh, with the folders its Dockerfile creates; then each named
        volume the way Docker makes it: a copy of the image folder's owner and mode where the
        image has the folder, a new root-owned folder where it does not."""
        home = self.image.home
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", home], check=True)
        for folder in sorted(self.image.folders.values(), key=lambda f: f.path):
            os.makedirs(folder.path, exist_ok=True)
            self.own(folder.path, folder.owner, folder.group, folder.mode)
        for name, service in self.services.items():
            if (service.get("command") or [None])[0] not in NEEDS:
                continue
            for volume in service.get("volumes", []):
                source, _, target = volume.partition(":")
                target = target.split(":")[0]
                folder = os.path.join(self.work, "volumes", source)
                if not os.path.exists(folder):
                    os.makedirs(folder)
                    like = self.image.folders.get(target)
                    if like:
                        self.own(folder, like.owner, like.group, like.mode)
                    else:
                        self.own(folder, "root", "root", 0o755)
                        os.makedirs(target, exist_ok=True)
                    state = f"{like.owner}:{like.group} {oct(like.mode)}" if like else "root:root 0o755 (not in the image)"
                    say(f"volume {source} at {target}: {state}")
                subprocess.run(["mount", "--bind", folder, target], check=True)

    @staticmethod
    def own(path, owner, group, mode):
        os.chown(path, pwd.getpwnam(owner).pw_uid, pwd.getpwnam(group).pw_gid)
        os.chmod(path, mode)

    # MARK: services

    def start(self, name):
        service = self.services[name]
        if name == REDIS:
            say("substituted: redis (image redis:7.4) by this machine's redis-server on redis:6379")
            self.dev_services("start", "redis")
        elif name == KAFKA:
            say("substituted: kafka (apache/kafka, KRaft, PLAINTEXT) by the dev broker (Tansu) on kafka:9092")
            self.dev_services("start", "broker")
        elif name == KAFKA_INIT:
            self.create_topics(" ".join(service.get("command", [])))
        elif "build" not in service:
            self.start_foreign(name, service)
        else:
            self.start_ours(name, service)

    def start_foreign(self, name, service):
        """A service from another image (the demo's node:20-alpine): its command, environment and
        bind mounts, with this machine's program of the same name."""
        for volume in service.get("volumes", []):
            source, _, rest = volume.partition(":")
            target, _, mode = rest.partition(":")
            if not source.startswith("."):
                continue
            os.makedirs(target, exist_ok=True)
            subprocess.run(["mount", "--bind", os.path.join(self.root, source), target], check=True)
            if mode == "ro":
                subprocess.run(["mount", "-o", "remount,bind,ro", target], check=True)
        log = open(os.path.join(self.logs, f"{name}.log"), "w")
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
        env.update({k: str(v) for k, v in (service.get("environment") or {}).items()})
        self.processes[name] = subprocess.Popen(
            service["command"], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        say(f"substituted: {name}'s image {service.get('image')} by this machine's {service['command'][0]}")

    def dev_services(self, *arguments):
        env = dict(os.environ, RUN_DIR=os.path.join(self.work, "dev"), REDIS_PORT="6379", BROKER_PORT="9092")
        subprocess.run([os.path.join(self.root, "infra/dev/services"), *arguments], env=env, check=True)

    def create_topics(self, command):
        """kafka-init's kafka-topics.sh calls, made with the dev broker's own tool."""
        broker = open(os.path.join(os.environ.get("TOKEN_INFRA_CACHE", "/var/cache/token-infra"), "broker-bin")).read().strip()
        for call in command.split("&&"):
            words = shlex.split(call)
            topic = words[words.index("--topic") + 1]
            partitions = words[words.index("--partitions") + 1]
            configs = [words[i + 1] for i, w in enumerate(words) if w == "--config"]
            arguments = [broker, "topic", "create", topic, "--partitions", partitions, "--broker", "tcp://kafka:9092"]
            for config in configs:
                arguments += ["--config", config]
            subprocess.run(arguments, check=True, capture_output=True)
            say(f"substituted: kafka-init's kafka-topics.sh --create {topic} ({partitions} partitions) by the dev broker's tool")

    def environment(self, service):
        env = {"PATH": self.bin + ":/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.image.home}
        env.update(self.image.env)
        env.update({k: str(v) for k, v in (service.get("environment") or {}).items()})
        return env

    def as_image_user(self, arguments):
        return ["setpriv", f"--reuid={self.image.user}", f"--regid={self.image.user}", "--init-groups", *arguments]

    def start_ours(self, name, service):
        log = open(os.path.join(self.logs, f"{name}.log"), "w")
        self.processes[name] = subprocess.Popen(
            self.as_image_user(service["command"]), env=self.environment(service), cwd=self.image.workdir,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        say(f"started {name}: {' '.join(service['command'])} as {self.image.user}")

    def exec_in(self, name, arguments, stdin=""):
        """`docker compose exec -T NAME ARGUMENTS` with STDIN."""
        return subprocess.run(
            self.as_image_user(arguments), env=self.environment(self.services[name]), cwd=self.image.workdir,
            input=stdin, capture_output=True, text=True)

    def wait_healthy(self, name):
        service = self.services[name]
        if name == KAFKA_INIT:
            return
        if name == KAFKA:
            say("substituted: kafka's healthcheck (kafka-broker-api-versions.sh) by a metadata request to the dev broker")
            return
        test = service.get("healthcheck", {}).get("test")
        if not test:
            return
        arguments = ["sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]
        deadline = time.monotonic() + 90
        while True:
            process = self.processes.get(name)
            if process and process.poll() is not None:
                raise Failure(f"{name} exited with {process.returncode}; its log ends:\n{self.tail(name)}")
            result = subprocess.run(arguments, capture_output=True, text=True)
            if result.returncode == 0:
                say(f"{name} healthy: {' '.join(test[1:])}")
                return
            if time.monotonic() > deadline:
                raise Failure(f"{name} not healthy after 90 s ({' '.join(test[1:])}); its log ends:\n{self.tail(name)}")
            time.sleep(0.5)

    def tail(self, name, lines=15):
        path = os.path.join(self.logs, f"{name}.log")
        if not os.path.exists(path):
            return "(no log)"
        return "\n".join(open(path, errors="replace").read().splitlines()[-lines:])
