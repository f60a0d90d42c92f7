"""pip's own settings said to uv, so that set-up installs from exactly what pip is configured with.

    eval "$(python scripts/uv_settings.py PIP_PYTHON)"

sets two bash arrays, ``uv_args`` (index, extra indexes, find-links, constraints, trusted hosts) and ``uv_env``
(pip's certificate file as uv's SSL_CERT_FILE), read from ``pip config list`` of PIP_PYTHON (which merges the
pip.conf files and the PIP_* variables as pip does), and exits 0; or prints why uv cannot stand in for pip (as a
shell comment) and exits 1: a setting uv has no equal for (a hash requirement,
a binary-only rule...), so that set-up installs with pip instead. No host is named here: uv is told what pip
was told. pip reads every index as one (it takes the best version from all of them); uv, by default, only
from the first index that has a package, so ``--index-strategy unsafe-best-match`` keeps pip's behaviour.
"""
from __future__ import annotations

import ast
import shlex
import subprocess
import sys

# pip settings that change nothing uv would install, or that uv reads from the environment itself
HARMLESS = {"disable-pip-version-check", "default-timeout", "timeout", "progress-bar", "quiet", "verbose",
            "no-color", "root-user-action", "no-warn-script-location", "retries", "cache-dir", "no-cache-dir",
            "no-input", "log", "break-system-packages", "user-agent"}
LISTS = {"extra-index-url": "--extra-index-url", "find-links": "--find-links", "constraint": "--constraints",
         "trusted-host": "--allow-insecure-host"}


def settings(pip_python: str) -> dict[str, str]:
    """``pip config list`` read: {name: value}, later sources (the environment) over earlier (files)."""
    out = subprocess.run([pip_python, "-m", "pip", "config", "list"], capture_output=True, text=True,
                         check=True).stdout
    files: dict[str, str] = {}
    env: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        where, _, name = key.rpartition(".")
        if not name:
            continue
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            value = value.strip("'\"")
        # the PIP_* variables over the files; files as pip loads them (global, user, site: the later wins)
        (env if where == ":env:" else files)[name] = value
    return {**files, **env}


def uv_arguments(found: dict[str, str]) -> list[str]:
    """uv's arguments for pip's settings; ValueError naming a setting uv cannot honour as pip does."""
    args = ["--index-strategy", "unsafe-best-match"]
    for name, value in found.items():
        if name in HARMLESS:
            continue
        if name == "index-url":
            args += ["--index-url", value]
        elif name == "no-index":
            if value.lower() in ("1", "true", "yes", "on"):
                args.append("--no-index")
        elif name in LISTS:
            args += [a for v in value.split() for a in (LISTS[name], v)]
        elif name == "cert":
            continue  # given to uv as SSL_CERT_FILE by the caller (cert_file)
        else:
            raise ValueError(f"pip's setting '{name}' has no equal in uv")
    return args


def cert_env(found: dict[str, str]) -> list[str]:
    """pip's ``cert`` (a CA bundle) as uv's SSL_CERT_FILE."""
    return [f"SSL_CERT_FILE={found['cert']}"] if found.get("cert") else []


def main(argv: list[str]) -> int:
    try:
        found = settings(argv[1])
        args = uv_arguments(found)
    except (ValueError, subprocess.CalledProcessError, OSError, IndexError) as e:
        print(f"# {e}".replace("\n", " "))
        return 1
    print("uv_args=(" + " ".join(map(shlex.quote, args)) + ")")
    print("uv_env=(" + " ".join(map(shlex.quote, cert_env(found))) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
