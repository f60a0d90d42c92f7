"""Four more of ComfyUI's clients from the package index against `main.py serve` (issue 100 item 7): comfyui-utils,
comfy-catapult, ComfyScript (which builds its nodes from Studio's /object_info) and comfy-cli, each used as its
README says, each running ComfyUI's smallest video workflow (EmptyImage -> CreateVideo -> SaveVideo) and downloading
its MP4 through /view, and with ``--models`` a Wan text-to-video job on the tiny Wan too (ComfyScript building
the sampler's chain from /object_info's declarations). Not a test: Studio's CI does not install them. Run by hand with a virtual environment that
holds them (never Studio's own):

    python -m venv /tmp/clients && /tmp/clients/bin/pip install comfyui-utils comfy-catapult "comfy-script[client]" \\
        tqdm comfy-cli
    .venv/bin/python -m tests.tiny_models /tmp/tiny-models
    .venv/bin/python benchmarks/index_clients.py --python /tmp/clients/bin/python [--models /tmp/tiny-models]

Starts Studio's server in a temporary folder, runs each client in that environment, prints one line a client and
writes benchmarks/results/index_clients.json: whether it completed the job, the file it got (its first bytes must
be an MP4's 'ftyp'), and what failed, where something did."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

# each client's run: argv[1] the server's URL, argv[2] the workflow's file; its last line the JSON it got
HEAD = ("import asyncio, json, sys\nURL, WF = sys.argv[1].rstrip('/'), json.load(open(sys.argv[2]))\n"
        "OUT = next(k for k, n in WF.items() if n['class_type'] == 'SaveVideo')\n")
DONE = "print(json.dumps({'file': item['filename'], 'bytes': len(data), 'mp4': data[4:8] == b'ftyp'}))\n"
CLIENTS = {
    "comfyui-utils": HEAD + '''from comfyui_utils import comfy
class Got(comfy.Callbacks):
    out = None
    async def queue_position(self, p): pass
    async def in_progress(self, n, a, b): pass
    async def completed(self, out, cached): Got.out = out
async def main():
    api, got = comfy.ComfyAPI(URL.split("//", 1)[1]), {}
    await asyncio.wait_for(api.submit(WF, Got()), 300)
    item = Got.out["images"][0]
    async def keep(f): got["data"] = f.read()
    await api.fetch({k: item[k] for k in ("filename", "subfolder", "type")}, keep)
    return item, got["data"]
item, data = asyncio.run(main())
''' + DONE,
    "comfy-catapult": HEAD + '''import uuid, anyio
from comfy_catapult.api_client import ComfyAPIClient
from comfy_catapult.catapult import ComfyCatapult
async def main():
    async with ComfyAPIClient(comfy_api_url=URL + "/") as client:
        async with ComfyCatapult(comfy_client=client, debug_path=anyio.Path(sys.argv[3])) as cat:
            hist = await asyncio.wait_for(cat.Catapult(job_id=f"job-{uuid.uuid4()}", prepared_workflow=WF,
                                                       important=[OUT]), 300)
        item = hist["outputs"][OUT]["images"][0]
        return item, await client.GetView(folder_type=item["type"], subfolder=item["subfolder"],
                                          filename=item["filename"])
item, data = asyncio.run(main())
''' + DONE,
    # ComfyScript's own download (ImageBatchResult) opens what it gets with PIL, which reads no MP4: the file is
    # fetched through its client's session from the same /view instead (as for a video from ComfyUI itself)
    "ComfyScript": HEAD + '''from comfy_script.runtime import load, Workflow
load(URL + "/")
from comfy_script.runtime import nodes as N
from comfy_script import client
def inputs(cls):
    return next(n["inputs"] for n in WF.values() if n["class_type"] == cls)
with Workflow(wait=True):  # the workflow's nodes built as ComfyScript's nodes, from what /object_info declares
    if "EmptyImage" in {n["class_type"] for n in WF.values()}:
        n = inputs("EmptyImage")
        images = N.EmptyImage(n["width"], n["height"], n["batch_size"], n["color"])
    else:  # the sampler's chain of a model (the tiny Wan's: --wan)
        clip = N.CLIPLoader(**inputs("CLIPLoader"))
        texts = [n["inputs"]["text"] for n in WF.values() if n["class_type"] == "CLIPTextEncode"]
        k = {a: v for a, v in inputs("KSampler").items() if not isinstance(v, list)}
        latent = N.EmptyHunyuanLatentVideo(**inputs("EmptyHunyuanLatentVideo"))
        samples = N.KSampler(model=N.UNETLoader(**inputs("UNETLoader")), positive=N.CLIPTextEncode(texts[0], clip),
                             negative=N.CLIPTextEncode(texts[1], clip), latent_image=latent, **k)
        images = N.VAEDecode(samples, N.VAELoader(**inputs("VAELoader")))
    out = N.SaveVideo(N.CreateVideo(images, 8), "video/script")
item = out.wait()._output["images"][0]  # the job waited for: its ImageBatchResult
async def fetch():
    async with client.client.session() as s:
        async with s.get(f"{client.client.base_url}view", params=item) as r:
            return await r.read()
data = asyncio.run(fetch())
''' + DONE,
}


def _run(args: list[str], env: dict) -> tuple[dict | None, str]:
    p = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    last = (p.stdout.strip().splitlines() or [""])[-1]
    try:
        return json.loads(last), ""
    except ValueError:
        return None, (p.stderr.strip().splitlines() or [p.stdout.strip()] or [""])[-1][:300]


def _comfy_cli(comfy: str, url: str, wf: str, work: Path, env: dict) -> tuple[dict | None, str]:
    """comfy-cli: `comfy run --wait`, `comfy download`, `comfy free`, `comfy upload` of a picture, `comfy nodes ls`
    (its own JSON envelopes)."""
    host, port = url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    env = {**env, "HOME": str(work / "home"), "COMFY_LOCAL_URL": url, "DO_NOT_TRACK": "1"}
    run, why = _run([comfy, "--skip-prompt", "run", "--workflow", wf, "--wait", "--host", host, "--port", port,
                     "--timeout", "120"], env)
    if not run or not run.get("ok"):
        return None, why or json.dumps((run or {}).get("error"))[:300]
    got, why = _run([comfy, "--skip-prompt", "download", run["data"]["prompt_id"], "--out-dir", str(work / "dl")], env)
    freed, _ = _run([comfy, "--skip-prompt", "free"], env)
    picture = work / "cli-upload.png"
    if not picture.exists():
        import cv2
        import numpy as np
        cv2.imwrite(str(picture), np.full((8, 8, 3), 128, np.uint8))
    sent, _ = _run([comfy, "--skip-prompt", "upload", str(picture), "--overwrite"], env)
    listed, _ = _run([comfy, "--skip-prompt", "nodes", "ls"], env)
    if not got or not got.get("ok"):
        return None, why or json.dumps((got or {}).get("error"))[:300]
    path = Path(got["data"]["files"][0]["path"])
    data = path.read_bytes()
    return {"file": run["data"]["outputs"][0].split("filename=")[1].split("&")[0], "bytes": len(data),
            "mp4": data[4:8] == b"ftyp", "free": bool(freed and freed.get("ok")), "upload": bool(sent and sent.get("ok")),
            "nodes_ls": bool(listed and listed.get("ok"))}, ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", required=True, help="the python of the environment that holds the clients")
    ap.add_argument("--comfy", default="", help="comfy-cli's command (default: beside --python)")
    ap.add_argument("--models", default="", help="a models folder of tiny models (python -m tests.tiny_models DIR): "
                                                 "each client also runs a Wan text-to-video job on its tiny Wan")
    ap.add_argument("--wan", default="Wan-AI/Wan2.1-T2V-1.3B-Diffusers", help="the tiny Wan's name there")
    a = ap.parse_args()
    from tests.serve.conftest import core_workflow, start_server, wan_workflow
    jobs = {"core": lambda: core_workflow(size=32, frames=4)}
    if a.models:
        jobs["wan"] = lambda: wan_workflow(a.wan)
    results = {}
    with tempfile.TemporaryDirectory(prefix="studio-index-clients-") as tmp:
        work = Path(tmp)
        proc, url = start_server(work, os.path.abspath(a.models) if a.models else None)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        try:
            for job, make in jobs.items():
                for name, code in CLIENTS.items():
                    wf = work / f"{name}-{job}.json"
                    wf.write_text(json.dumps(make()))
                    script = work / f"{name}.py"
                    script.write_text(code)
                    results[f"{name} ({job})"] = _run([a.python, str(script), url, str(wf), str(work / name)], env)
                wf = work / f"comfy-cli-{job}.json"
                wf.write_text(json.dumps(make()))
                results[f"comfy-cli ({job})"] = _comfy_cli(a.comfy or str(Path(a.python).with_name("comfy")), url,
                                                           str(wf), work, env)
        finally:
            proc.stop()
    table = {}
    for name, (got, why) in results.items():
        ok = bool(got and got.get("mp4"))
        table[name] = {"completed_and_downloaded": ok, **(got or {}), **({"failed": why} if why else {})}
        print(f"{name:22s} {'ok' if ok else 'FAILED'}  {json.dumps(got) if got else why}")
    versions, _ = _run([a.python, "-c", "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
                        "('comfyui-utils', 'comfy-catapult', 'comfy-script', 'comfy-cli')}))"], os.environ.copy())
    table["versions"] = versions
    out = os.path.join(ROOT, "benchmarks", "results", "index_clients.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(table, f, indent=1)
        f.write("\n")
    return 0 if all(v["completed_and_downloaded"] for k, v in table.items() if k != "versions") else 1


if __name__ == "__main__":
    sys.exit(main())
