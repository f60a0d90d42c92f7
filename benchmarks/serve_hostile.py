"""Hostile requests against `main.py serve`'s application in this process (issue 113): bad JSON,
huge bodies, wrong types, path traversal, odd methods, unicode and long names, deep nesting, odd
queries and uploads, drawn at random (seeded) from the kinds below, against every room's routes.
Prints how many got each status and lists any 500 (the aim: none). The suite runs a sample of 100
(tests/serve/test_hostile_requests.py); this runs 1,000 by default.

    python -m benchmarks.serve_hostile [--n 1000] [--seed 0]"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import tempfile
import time
import urllib.parse

GETS = ["/view", "/api/view", "/userdata/{x}", "/api/userdata/{x}", "/templates/{x}", "/history/{x}", "/jobs/{x}",
        "/api/jobs", "/internal/files/{x}", "/object_info/{x}", "/models/{x}", "/view_metadata/{x}",
        "/experiment/models/{x}", "/workflow_templates/{x}/{x}", "/settings/{x}", "/internal/logs/raw", "/{x}",
        "/assets/{x}", "/index.html/{x}", "/history", "/queue", "/prompt", "/system_stats"]
POSTS = ["/prompt", "/api/prompt", "/settings", "/settings/{x}", "/userdata/{x}", "/jobs/cancel", "/queue",
         "/history", "/interrupt", "/free", "/jobs/{x}/cancel", "/userdata/{x}/move/{x}", "/upload/image",
         "/upload/mask", "/api/upload/image"]
NAMES = ["..", "../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5c..%5cwin.ini", "a" * 300, "é" * 300,
         "\u202eevil.png", "x%00.png", "😀" * 80, "con", "", ".", "a/../../b", "%252e%252e", "~root", "/etc/passwd",
         "index.json", "a" * 5000, "\u0301" * 50, "name with spaces.json", "%ff%fe", "%c0%ae%c0%ae"]
METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "HEAD", "CONNECT"]


def _name(r: random.Random) -> str:
    n = r.choice(NAMES)
    return n if "%" in n else urllib.parse.quote(n, safe="")


def _path(r: random.Random, routes: list[str]) -> str:
    return r.choice(routes).replace("{x}", _name(r), 1).replace("{x}", _name(r))


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _bad_prompt(r: random.Random):
    """A body /prompt must refuse in words: wrong types anywhere."""
    node = {"class_type": r.choice(["EmptyImage", "SaveVideo", "KSampler", 7, None, "x" * 1000, "io.save_video"]),
            "inputs": r.choice([{"width": r.choice([-5, "abc", 10**30, 1.5, None, [], {}, "1e999", True])},
                                "text", [], {"images": ["999", 0]}, {"images": ["1", -1]}, {"images": [1, "a"]},
                                {"x": {"y": {"z": []}}}, {"filename_prefix": "../../x"}, {"path": "/etc/passwd"}])}
    body = r.choice([{"prompt": {"1": node}}, {"prompt": [node]}, {"prompt": "x"}, {"prompt": {}}, [],
                     {"prompt": {"1": node}, "prompt_id": r.choice(["x", 5, "../../"])},
                     {"prompt": {"1": node}, "client_id": "c" * 10_000}, {"prompt": {"1": node}, "front": "yes"},
                     {"prompt": {"1": node}, "extra_data": r.choice(["x", [], {"extra_pnginfo": "x" * 10}])},
                     {"prompt": {str(k): node for k in range(r.choice([1, 50, 500]))}}])
    return json.dumps(body)


def request(r: random.Random) -> tuple[str, str, dict]:
    """(method, raw path with its query, aiohttp keyword arguments) of one hostile request."""
    kind = r.choice(["json", "huge", "types", "traversal", "method", "upload", "deep", "query", "headers"])
    if kind == "json":
        body = r.choice(["{", "nul\x00l", '{"a": NaN}', '{"a": Infinity}', "\xff\xfe", '{"a": 1e999999}',
                         '"' + "x" * 10_000, "[" * 3 + "1" + "]" * 2, "{'single': 'quotes'}", ""])
        return "POST", _path(r, POSTS), {"data": body.encode("utf-8", "surrogatepass"),
                                         "headers": {"Content-Type": "application/json"}}
    if kind == "huge":
        size = r.choice([2**20, 3 * 2**20])
        return "POST", _path(r, POSTS), {"data": b"[" + b"1," * (size // 2) + b"1]",
                                         "headers": {"Content-Type": "application/json"}}
    if kind == "types":
        return "POST", r.choice(["/prompt", "/api/prompt"]), {"data": _bad_prompt(r),
                                                             "headers": {"Content-Type": "application/json"}}
    if kind == "traversal":
        q = urllib.parse.urlencode({"filename": r.choice(NAMES), "subfolder": r.choice(NAMES + [""]),
                                    "type": r.choice(["input", "output", "temp", "../", "models", ""])})
        return "GET", r.choice(["/view", "/api/view"]) + "?" + q if r.random() < 0.5 else _path(r, GETS), {}
    if kind == "method":
        return r.choice(METHODS), _path(r, GETS + POSTS), {}
    if kind == "upload":
        from aiohttp import FormData
        form = FormData()
        name = r.choice(NAMES + ["ok.png", "x.exe", "a.png" + "\x00.txt", "v.mp4"])
        form.add_field("image", r.randbytes(r.choice([0, 10, 5000])), filename=name or "x.png",
                       content_type=r.choice(["image/png", "text/html", "application/x-msdownload"]))
        form.add_field("type", r.choice(["input", "output", "temp", "../..", "models"]))
        form.add_field("subfolder", r.choice(NAMES + [""]))
        if r.random() < 0.3:
            form.add_field("original_ref", r.choice(["x", "{}", '{"filename": "../../etc/passwd"}', "[" * 50]))
        return "POST", r.choice(["/upload/image", "/upload/mask"]), {"data": form}
    if kind == "deep":
        return "POST", _path(r, POSTS), {"data": _nested(r.choice([1000, 100_000])),
                                         "headers": {"Content-Type": "application/json"}}
    if kind == "query":
        q = urllib.parse.urlencode({r.choice(["max_items", "offset", "limit", "status", "sort_by", "dir", "recurse",
                                              "full_info", "preview", "channel", "filename", "token"]):
                                    r.choice(["-1", "abc", str(10**30), "1e9", "", "é" * 100, "webp;999", "a"])
                                    for _ in range(r.randint(1, 4))})
        return "GET", r.choice(["/history", "/api/jobs", "/userdata", "/view", "/queue", "/jobs"]) + "?" + q, {}
    headers = r.choice([{"Content-Type": "multipart/form-data"}, {"Content-Type": "application/json; charset=x"},
                        {"Content-Length": "5"}, {"Origin": "http://evil.example"}, {"Range": "bytes=9-1"},
                        {"Authorization": "Bearer " + "x" * 5000}, {"Cookie": "studio=" + "x" * 3000}])
    return r.choice(["GET", "POST"]), _path(r, GETS + POSTS), {"headers": headers, "data": b"xxxxx"}


async def run(n: int, seed: int, root: str) -> tuple[collections.Counter, list[str], float]:
    import yarl
    from aiohttp.test_utils import TestClient, TestServer

    from studio.queue.queue import JobQueue
    from studio.serve.app import Server
    from studio.serve.checks.folders import Folders
    queue = JobQueue(os.path.join(root, "serve", "queue"), runner=lambda *a, **k: None)
    queue.set_paused(True)
    server = Server(queue, Folders(os.path.join(root, "serve")), max_upload=2**20)
    r = random.Random(seed)
    counts: collections.Counter = collections.Counter()
    errors: list[str] = []
    t0 = time.perf_counter()
    async with TestClient(TestServer(server.app(), host="127.0.0.1")) as c:
        for _ in range(n):
            try:
                method, path, kw = request(r)
                url = yarl.URL(f"http://127.0.0.1:{c.port}{path}", encoded=True)
                async with c.session.request(method, url, allow_redirects=False, **kw) as resp:
                    await resp.read()
                    counts[resp.status] += 1
                    if resp.status >= 500:
                        errors.append(f"{resp.status} {method} {path[:120]}")
            except Exception as e:  # noqa: BLE001 - the client refusing to send it (a header it will not write)
                counts[f"not sent ({type(e).__name__})"] += 1
    return counts, errors, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="serve-hostile-")
    os.environ.setdefault("STUDIO_PROJECT_DIR", os.path.join(root, "project"))
    os.environ.setdefault("STUDIO_MODELS", os.path.join(root, "models"))
    counts, errors, secs = asyncio.run(run(a.n, a.seed, root))
    print(f"{a.n} hostile requests in {secs:.1f} s: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(),
                                                                                             key=str)))
    print(f"answers of 500 or more: {len(errors)}")
    for e in errors[:50]:
        print("  " + e)


if __name__ == "__main__":
    main()
