"""docker-compose.yml without Docker: build as the image builds, then run every service in a
private mount, network and pid namespace (see docs/DOCKER.md). Entry: infra/tests/emulate-compose."""

import argparse
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockerfile  # noqa: E402
import libraries  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PRODUCTS = ["issuer", "jwks", "resource", "tokenctl"]


def say(message):
    print(f"emulate-compose: {message}", flush=True)


def build(image):
    """Builds the binaries with the Dockerfile's own command; returns the bin folder."""
    command = shlex.split(image.build_command)
    say("building as infra/Dockerfile does: " + " ".join(command))
    subprocess.run(command, cwd=ROOT, check=True)
    path = subprocess.run(command[:4] + ["--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return path.stdout.strip()


def ensure_user(image):
    """Creates the image's user (as its useradd line does) when this machine lacks it."""
    try:
        pwd.getpwnam(image.user)
    except KeyError:
        say(f"creating the image's user {image.user} (home {image.home})")
        subprocess.run(["useradd", "--system", "--create-home", "--home-dir", image.home, image.user], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin-dir", help="use these binaries instead of building them")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.inside:
        import inside

        sys.exit(inside.run(ROOT, arguments.inside))

    if os.geteuid() != 0:
        sys.exit("emulate-compose: needs root (namespaces, the image's user)")
    image = dockerfile.parse(open(os.path.join(ROOT, "infra/Dockerfile")).read())
    bin_dir = arguments.bin_dir or build(image)
    work = tempfile.mkdtemp(prefix="compose-emulation.")
    os.chmod(work, 0o755)
    image_bin = os.path.join(work, "image", "usr", "local", "bin")
    os.makedirs(image_bin)
    for product in PRODUCTS:
        shutil.copy2(os.path.join(bin_dir, product), image_bin)
        os.chmod(os.path.join(image_bin, product), 0o755)
    problems = libraries.check([os.path.join(image_bin, p) for p in PRODUCTS], image.packages)
    for problem in problems:
        say("FAIL: " + problem)
    ensure_user(image)
    status = 1
    try:
        if not problems:
            # A private pid namespace: every process started inside ends with the emulation.
            status = subprocess.run(
                ["unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc", "--propagation", "private",
                 sys.executable, os.path.abspath(__file__), "--inside", work]).returncode
    finally:
        if arguments.keep or status != 0:
            say(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    say("PASS" if status == 0 else "FAILED")
    sys.exit(status)


if __name__ == "__main__":
    main()
