"""The set-up script's Debian step (scripts/setup.sh) on a machine that lacks some packages: dpkg-query exits 1
when any package it is asked about is unknown to it, and under ``set -euo pipefail`` that ended the script with no
word before it installed anything (found on a fresh machine). Run here with stand-ins for dpkg-query, apt-get and
id on the PATH: nothing is installed."""
from __future__ import annotations

import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _apt_step() -> str:
    text = open(os.path.join(ROOT, "scripts", "setup.sh"), encoding="utf-8").read()
    m = re.search(r"^APT_PKGS=.*?^if command -v apt-get.*?^fi$", text, re.S | re.M)
    assert m, "scripts/setup.sh: its Debian step (APT_PKGS ... fi) was not found"
    return m.group(0)


def _run(tmp_path, installed: list[str], all_known: bool = False):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "apt.log"
    stand_ins = {
        # as dpkg-query -W does: a line for each package it knows, exit 1 if any is unknown
        "dpkg-query": "\n".join([f"echo '{p} install ok installed'" for p in installed] +
                                 ["exit 0" if all_known else "exit 1"]),
        "apt-get": f'echo "$*" >> {log}',
        "id": "echo 0",
    }
    for name, body in stand_ins.items():
        (bin_ / name).write_text("#!/bin/sh\n" + body + "\n")
        (bin_ / name).chmod(0o755)
    script = "set -euo pipefail\n" + _apt_step() + "\necho done\n"
    env = dict(os.environ, PATH=f"{bin_}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    return run, (log.read_text().splitlines() if log.exists() else [])


def test_missing_packages_are_installed_when_dpkg_query_knows_only_some(tmp_path):
    run, apt = _run(tmp_path, ["python3", "python3-venv", "libgl1"])
    assert run.returncode == 0 and run.stdout.strip().endswith("done"), run.stderr
    install = [line for line in apt if line.startswith("install")]
    assert len(install) == 1 and "xvfb" in install[0].split() and "libportaudio2" in install[0].split()
    assert "python3" not in install[0].split() and "libgl1" not in install[0].split()
    assert "apt-get install" in run.stdout  # said before it installs


def test_nothing_is_installed_when_every_package_is(tmp_path):
    names = re.search(r"APT_PKGS=\((.*?)\)", _apt_step(), re.S).group(1).split()
    run, apt = _run(tmp_path, names, all_known=True)
    assert run.returncode == 0 and apt == [], (run.stderr, apt)
