"""What the emulation needs to know of infra/Dockerfile's final (runtime) stage."""

import re
import shlex
from dataclasses import dataclass, field


@dataclass
class Folder:
    """A folder the image creates, with its owner and mode."""

    path: str
    owner: str = "root"
    group: str = "root"
    mode: int = 0o755


@dataclass
class RuntimeImage:
    """The runtime stage: its user, working folder, environment, packages and folders."""

    user: str = "root"
    workdir: str = "/"
    env: dict = field(default_factory=dict)
    packages: list = field(default_factory=list)
    folders: dict = field(default_factory=dict)  # path -> Folder
    home: str | None = None
    build_command: str | None = None


def _instructions(text):
    """(INSTRUCTION, argument) pairs, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        word, _, rest = current.partition(" ")
        lines.append((word.upper(), rest.strip()))
        current = ""
    return lines


def _commands(run_argument):
    """The shell commands of one RUN, split at && and ;."""
    return [part.strip() for part in re.split(r"&&|;", run_argument) if part.strip()]


def parse(text):
    """Reads a Dockerfile; returns the final stage as a RuntimeImage."""
    stages, image = [], None
    build_command = None
    for instruction, argument in _instructions(text):
        if instruction == "FROM":
            image = RuntimeImage()
            stages.append(image)
        elif image is None:
            continue
        elif instruction == "USER":
            image.user = argument.split(":")[0]
        elif instruction == "WORKDIR":
            image.workdir = argument
        elif instruction == "ENV":
            name, _, value = argument.partition("=")
            image.env[name.strip()] = value.strip().strip('"')
        elif instruction == "RUN":
            for command in _commands(argument):
                words = shlex.split(command)
                if words[:2] == ["swift", "build"] and build_command is None:
                    build_command = command
                elif words[:2] == ["apt-get", "install"]:
                    image.packages += [w for w in words[2:] if not w.startswith("-")]
                elif words[:1] == ["useradd"]:
                    _useradd(image, words)
                elif words[:2] == ["install", "-d"]:
                    _install_dirs(image, words[2:])
    final = stages[-1]
    final.build_command = build_command
    return final


def _useradd(image, words):
    if "--home-dir" in words and "--create-home" in words:
        home = words[words.index("--home-dir") + 1]
        user = words[-1]
        image.home = home
        image.folders[home] = Folder(home, user, user, 0o755)


def _install_dirs(image, words):
    owner, group, mode, paths = "root", "root", 0o755, []
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-o", "-g", "-m"):
            value = words[index + 1]
            if word == "-o":
                owner = value
            elif word == "-g":
                group = value
            else:
                mode = int(value, 8)
            index += 2
            continue
        paths.append(word)
        index += 1
    for path in paths:
        image.folders[path] = Folder(path, owner, group, mode)
