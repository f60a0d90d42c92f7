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


def _run(tmp_path, installed: list[str], apt_lacks: tuple[str, ...] = ()):
    bin_ = tmp_path / "bin"
    bin_.mkdir(parents=True)
    log = tmp_path / "apt.log"
    stand_ins = {
        # as dpkg-query -W does: a line for each package asked about that it knows, exit 1 if any is unknown
        "dpkg-query": (f'known=" {" ".join(installed)} "; code=0\n'
                       'for a in "$@"; do case "$a" in -*) continue;; esac\n'
                       '  case "$known" in *" $a "*) echo "$a install ok installed";; *) code=1;; esac\n'
                       'done\nexit $code'),
        # as apt-get does for a package name it does not know: exit 100 (after logging the call here)
        "apt-get": f'echo "$*" >> {log}\n' + "".join(f'case " $* " in *" {p} "*) exit 100;; esac\n'
                                                   for p in apt_lacks),
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
    install = [line for line in apt if line.startswith("install") and "tcmalloc" not in line]
    assert len(install) == 1 and "xvfb" in install[0].split() and "libportaudio2" in install[0].split()
    assert "python3" not in install[0].split() and "libgl1" not in install[0].split()
    assert "apt-get install" in run.stdout  # said before it installs


def _names(array: str) -> list[str]:
    return re.search(array + r"=\((.*?)\)", _apt_step(), re.S).group(1).split()


def test_nothing_is_installed_when_every_package_is(tmp_path):
    run, apt = _run(tmp_path, _names("APT_PKGS") + _names("TCMALLOC_PKGS")[:1])
    assert run.returncode == 0 and apt == [], (run.stderr, apt)
    run, apt = _run(tmp_path / "t64", _names("APT_PKGS") + ["libtcmalloc-minimal4t64"])
    assert run.returncode == 0 and apt == [], (run.stderr, apt)  # Debian 13's name for it is as good


def test_tcmalloc_is_installed_by_the_name_apt_knows_and_its_absence_stops_nothing(tmp_path):
    base = _names("APT_PKGS")
    run, apt = _run(tmp_path / "a", base, apt_lacks=("libtcmalloc-minimal4",))
    installs = [line.split()[-1] for line in apt if line.startswith("install")]
    assert installs == ["libtcmalloc-minimal4", "libtcmalloc-minimal4t64"], apt  # Debian 13's name, second
    assert "update -qq" in apt and "[setup] apt-get install libtcmalloc-minimal4t64" in run.stdout
    assert run.returncode == 0 and run.stdout.strip().endswith("done"), run.stderr
    run, apt = _run(tmp_path / "b", base, apt_lacks=("libtcmalloc-minimal4", "libtcmalloc-minimal4t64"))
    assert run.returncode == 0 and run.stdout.strip().endswith("done"), run.stderr
    assert "tcmalloc could not be installed" in run.stdout
