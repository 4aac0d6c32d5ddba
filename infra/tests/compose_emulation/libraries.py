"""Checks that every shared library the binaries load comes from a package the runtime image
installs, or from its base system: what CI runs must be what the image can run."""

import subprocess

# Packages of a debian:12-slim base that binaries may rely on without installing them.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5", "libcrypt1"}


def _package_of(path):
    found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if found.returncode != 0:
        # /lib is a link to /usr/lib on Debian 12; dpkg knows one of the two spellings.
        other = path[4:] if path.startswith("/usr/") else "/usr" + path
        found = subprocess.run(["dpkg", "-S", other], capture_output=True, text=True)
    if found.returncode != 0:
        return None
    return found.stdout.split(":")[0].strip()


def installed_by(packages):
    """The packages apt installs for PACKAGES: them and their Depends and Pre-Depends, recursively
    (recommends are off in the Dockerfile)."""
    listing = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--important", *packages], capture_output=True, text=True, check=True).stdout
    return {line.strip().split(":")[0] for line in listing.splitlines() if line and not line[0].isspace() and not line.startswith("<")}


def check(binaries, image_packages):
    """Problems found, as sentences; empty when every library is provided."""
    allowed = BASE_PACKAGES | installed_by(image_packages)
    problems = []
    for binary in binaries:
        listing = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
        for line in listing.splitlines():
            if "=>" not in line:
                continue
            name, _, rest = line.strip().partition(" => ")
            path = rest.split(" (")[0].strip()
            if path == "not found":
                problems.append(f"{binary}: {name} not found")
                continue
            if "hiredis" in name:
                problems.append(f"{binary}: loads {name} at run time; hiredis must be linked statically (infra/dev/bootstrap)")
                continue
            if "rdkafka" in name:
                problems.append(f"{binary}: loads {name} at run time; librdkafka must be linked statically (infra/dev/bootstrap)")
                continue
            package = _package_of(path)
            if package not in allowed:
                problems.append(f"{binary}: {name} ({path}, package {package}) is not installed by infra/Dockerfile's runtime stage")
    return problems
