"""The emulation inside its namespaces: the image's filesystem pieces, Docker's volume rules,
the services in depends_on order, their healthchecks, then the flows (flows.py)."""

import os
import pwd
import re
import shlex
import subprocess
import time

from ruamel.yaml import YAML

import shutil

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
        self.check_secrets()
        self.check_kafka_acls()
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        self.map_host_names()
        self.lay_out_image()
        self.make_secrets()
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

    def check_secrets(self):
        """Every file a service's settings or command name under /run/secrets is a secret that
        service lists (Compose mounts only those), and every listed secret is declared."""
        declared = self.compose.get("secrets", {})
        problems = []
        for name, service in self.services.items():
            listed = set(service.get("secrets", []))
            for secret in listed - set(declared):
                problems.append(f"{name} lists secret {secret}, which is not declared")
            text = " ".join([str(v) for v in (service.get("environment") or {}).values()]
                            + [str(c) for c in service.get("command") or []]
                            + [str(t) for t in (service.get("healthcheck") or {}).get("test", [])])
            for secret in set(re.findall(r"/run/secrets/([A-Za-z0-9_]+)", text)) - listed:
                problems.append(f"{name} uses /run/secrets/{secret} but does not list that secret")
        if problems:
            raise Failure("; ".join(problems))
        say("every /run/secrets file a service uses is a secret it lists")

    def check_kafka_acls(self):
        """kafka-init's ACLs, read statically (the dev broker has no ACLs): only the issuer may
        write or create the topics; the other principals may only read and describe."""
        command = " ".join(self.services[KAFKA_INIT].get("command", []))
        grants = {}
        for call in command.split("&&"):
            words = shlex.split(call)
            if not words or not words[0].endswith("kafka-acls.sh"):
                continue
            principals = [words[i + 1] for i, w in enumerate(words) if w == "--allow-principal"]
            operations = {words[i + 1] for i, w in enumerate(words) if w == "--operation"}
            topics = [words[i + 1] for i, w in enumerate(words) if w == "--topic"]
            for principal in principals:
                for topic in topics:
                    grants.setdefault((principal, topic), set()).update(operations)
        problems = []
        for topic in ["auth.keys", "auth.revocations"]:
            if not {"Write", "Create"} <= grants.get(("User:issuer", topic), set()):
                problems.append(f"the issuer may not write or create {topic}")
            for (principal, granted_topic), operations in grants.items():
                if granted_topic == topic and principal != "User:issuer" and operations - {"Read", "Describe"}:
                    problems.append(f"{principal} may {sorted(operations - {'Read', 'Describe'})} on {topic}")
        for principal, topics in [("User:jwks", ["auth.keys"]), ("User:resource", ["auth.keys", "auth.revocations"])]:
            for topic in topics:
                if "Read" not in grants.get((principal, topic), set()):
                    problems.append(f"{principal} may not read {topic}")
        if problems:
            raise Failure("kafka-init's ACLs: " + "; ".join(problems))
        say("kafka-init's ACLs: only User:issuer writes auth.keys and auth.revocations; jwks and resource only read")

    def make_secrets(self):
        """infra/compose/make-secrets into the work folder, each declared secret mounted at
        /run/secrets/NAME (one folder for all services: the per-service lists are checked by
        check_secrets instead)."""
        made = os.path.join(self.work, "secrets")
        subprocess.run([os.path.join(self.root, "infra/compose/make-secrets"), made], check=True, capture_output=True)
        run_secrets = os.path.join(self.work, "run-secrets")
        os.makedirs(run_secrets, mode=0o755)
        for name, secret in self.compose.get("secrets", {}).items():
            source = os.path.join(made, os.path.basename(secret["file"]))
            if not os.path.exists(source):
                raise Failure(f"secret {name}: make-secrets did not make {secret['file']}")
            shutil.copy2(source, os.path.join(run_secrets, name))
        os.makedirs("/run/secrets", exist_ok=True)
        subprocess.run(["mount", "--bind", run_secrets, "/run/secrets"], check=True)
        self.secrets = made
        say(f"secrets made by infra/compose/make-secrets, mounted at /run/secrets: {', '.join(sorted(self.compose.get('secrets', {})))}")

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
            self.start_redis(service)
        elif name == KAFKA:
            say("substituted: kafka (apache/kafka, KRaft, SASL_SSL with SCRAM users and ACLs) by the dev broker "
                "(Tansu, no users) behind stunnel serving TLS with compose's kafka certificate on kafka:9092")
            self.start_tls_broker()
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

    def start_redis(self, service):
        """Compose's own redis-server command (TLS only, the ACL file) with this machine's
        redis-server: the configuration is tried as written."""
        folder = os.path.join(self.work, "redis-data")
        os.makedirs(folder)
        log = open(os.path.join(self.logs, "redis.log"), "w")
        self.processes[REDIS] = subprocess.Popen(
            service["command"], cwd=folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        say("substituted: redis's image redis:7.4 by this machine's redis-server, with compose's command")

    def start_tls_broker(self):
        """Tansu on 127.0.0.1:9093 advertising kafka:9092, behind stunnel on 9092 with compose's
        CA and kafka certificate (infra/dev/services broker-tls and tls-proxy)."""
        tls = os.path.join(self.work, "dev", "tls")
        os.makedirs(tls)
        for source, target in [("ca.crt", "ca.crt"), ("kafka.crt", "broker.crt"), ("kafka.key", "broker.key"),
                               ("kafka.crt", "client.crt"), ("kafka.key", "client.key")]:
            shutil.copy2(os.path.join(self.secrets, source), os.path.join(tls, target))
        env = dict(os.environ, RUN_DIR=os.path.join(self.work, "dev"), BROKER_TLS_PORT="9092",
                   BROKER_TLS_HOST="kafka", BROKER_TLS_CLIENT_CERT="none")
        subprocess.run([os.path.join(self.root, "infra/dev/services"), "start", "broker-tls", "tls-proxy"],
                       env=env, check=True)

    def create_topics(self, command):
        """kafka-init's kafka-topics.sh calls, made with the dev broker's own tool."""
        broker = open(os.path.join(os.environ.get("TOKEN_INFRA_CACHE", "/var/cache/token-infra"), "broker-bin")).read().strip()
        for call in command.split("&&"):
            words = shlex.split(call)
            if not words[0].endswith("kafka-topics.sh"):
                continue
            topic = words[words.index("--topic") + 1]
            partitions = words[words.index("--partitions") + 1]
            configs = [words[i + 1] for i, w in enumerate(words) if w == "--config"]
            arguments = [broker, "topic", "create", topic, "--partitions", partitions, "--broker", "tcp://127.0.0.1:9093"]
            for config in configs:
                arguments += ["--config", config]
            subprocess.run(arguments, check=True, capture_output=True)
            say(f"substituted: kafka-init's kafka-topics.sh --create {topic} ({partitions} partitions) by the dev broker's tool")

    def environment(self, service):
        env = {"PATH": self.bin + ":/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.image.home}
        env.update(self.image.env)
        env.update({k: str(v) for k, v in (service.get("environment") or {}).items()})
        if env.get("KAFKA_SECURITY_PROTOCOL") == "SASL_SSL":
            # The dev broker has no SCRAM users: TLS as in compose, without the SASL login.
            env["KAFKA_SECURITY_PROTOCOL"] = "SSL"
            for name in ["KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD_FILE", "KAFKA_SASL_PASSWORD"]:
                env.pop(name, None)
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
            say("substituted: kafka's healthcheck (kafka-broker-api-versions.sh) by nothing: stunnel and the dev broker answer when the services script returns")
            return
        test = service.get("healthcheck", {}).get("test")
        if not test:
            return
        # Compose's interpolation: $$ is a literal $ for the container's shell.
        arguments = ["sh", "-c", test[1].replace("$$", "$")] if test[0] == "CMD-SHELL" else test[1:]
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
