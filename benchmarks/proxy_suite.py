"""comfy-api-proxy's own test suite run with Studio's `main.py serve` in place of its fake ComfyUI (issue 100 item
7): Comfy-Org's v2 API proxy is what comfy-sdk talks to, and its 175 tests drive a ComfyUI server through it. Too
long for the suite (a server started per test), so a benchmark script, run by hand:

    .venv/bin/python benchmarks/proxy_suite.py [--version 0.1.6] [--keep DIR] [-k EXPR]

It downloads the proxy's source package (pip, from the index pip is configured with), makes a virtual environment
for its tests beside it (the proxy and its test extras: pytest-asyncio and pytest-aiohttp, which Studio's own
environment does not carry), replaces the suite's fake server (demo/fake_comfyui.py) by a shim that runs Studio's
server on the port the suite gives, in a folder of its own, and runs the suite. Prints pytest's summary and writes
the counts and the failed tests to benchmarks/results/proxy_suite.json. A failure is a place where Studio answers
otherwise than the fake ComfyUI the proxy's authors test against (a real ComfyUI refuses some of what the fake takes:
read the failure before calling it Studio's)."""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

SHIM = '''"""Studio's server in place of the fake ComfyUI (benchmarks/proxy_suite.py)."""
import os, sys, tempfile
port = sys.argv[sys.argv.index("--port") + 1] if "--port" in sys.argv else "8188"  # the fake's default: ComfyUI's
folder = tempfile.mkdtemp(prefix="studio-proxy-suite-")
os.execv({python!r}, [{python!r}, {main!r}, "serve", "--port", port, "--folder", folder])
'''


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="0.1.6", help="the proxy's version (pyproject pins the one the tests use)")
    ap.add_argument("--keep", default="", help="a folder to work in and keep (default: a temporary one)")
    ap.add_argument("-k", default="", help="pytest's -k: only the tests it names")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="proxy-suite-")
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, f"comfy_api_proxy-{a.version}")
    if not os.path.isdir(src):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        f"comfy-api-proxy=={a.version}", "-d", work], check=True)
        with tarfile.open(os.path.join(work, f"comfy_api_proxy-{a.version}.tar.gz")) as t:
            t.extractall(work, filter="data")
    env_dir = os.path.join(work, "venv")
    py = os.path.join(env_dir, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", env_dir], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", f"{src}[dev]"], check=True)
    with open(os.path.join(src, "demo", "fake_comfyui.py"), "w", encoding="utf-8") as f:
        f.write(SHIM.format(python=sys.executable, main=os.path.join(ROOT, "main.py")))
    cmd = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"] + (["-k", a.k] if a.k else [])
    r = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
    out = r.stdout + r.stderr
    summary = next((line for line in reversed(out.splitlines()) if re.search(r"\d+ (passed|failed)", line)), "")
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
    print(summary)
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "benchmarks", "results", "proxy_suite.json"), "w", encoding="utf-8") as f:
        json.dump({"proxy": a.version, "summary": summary, "counts": counts, "failed": failed}, f, indent=1)
        f.write("\n")
    return 0 if r.returncode in (0, 1) else r.returncode


if __name__ == "__main__":
    sys.exit(main())
