"""One `main.py serve` per test module (temporary folders, a free port, the session's tiny Wan as
its models folder), and comfy-api-proxy in front of it where a module asks for it."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def core_workflow(size: int = 32, frames: int = 4, prefix: str = "video/ComfyUI") -> dict:
    """ComfyUI's smallest video workflow: EmptyImage -> CreateVideo -> SaveVideo (API format)."""
    return {"1": {"class_type": "EmptyImage", "inputs": {"width": size, "height": size, "batch_size": frames,
                                                         "color": 0x3366CC}},
            "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 8}},
            "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": prefix,
                                                        "format": "auto", "codec": "auto"}}}


def wan_workflow(model: str) -> dict:
    """A Wan text-to-video workflow as ComfyUI saves one in API format, at the tiny model's sizes (its
    text encoder and VAE come with the diffusers folder: the loaders name no file)."""
    return {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": model, "weight_dtype": "default"}},
            "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "", "type": "wan", "device": "default"}},
            "3": {"class_type": "VAELoader", "inputs": {"vae_name": ""}},
            "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red ball", "clip": ["2", 0]}},
            "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
            "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 32, "height": 32, "length": 5,
                                                                      "batch_size": 1}},
            "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                      "latent_image": ["6", 0], "seed": 3, "steps": 2, "cfg": 5.0,
                                                      "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
            "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
            "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
            "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "video/wan",
                                                         "format": "auto", "codec": "auto"}}}


class Proc:
    """A process started by a test, stopped (and its output shown) at the end."""

    def __init__(self, args: list[str], env: dict, wait_line: str | None = None, timeout: float = 90.0):
        self.p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        self.first = ""
        if wait_line:
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                line = self.p.stdout.readline()
                if not line:
                    break
                if wait_line in line:
                    self.first = line
                    return
            self.stop()
            raise RuntimeError(f"{args[:4]} did not start: {self.p.stdout.read()[-2000:]}")

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def server_env(root, models: str | None = None) -> dict:
    env = dict(os.environ)
    env.update(STUDIO_PROJECT_DIR=str(root / "project"), STUDIO_CONFIG_DIR=str(root / "config"),
               STUDIO_MODELS=models or str(root / "models"), HF_HUB_CACHE=str(root / "no-hf-cache"),
               HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    return env


def start_server(root, models: str | None = None, extra: tuple = ()) -> tuple[Proc, str]:
    proc = Proc([sys.executable, "main.py", "serve", "--port", "0", "--folder", str(root / "serve"), *extra],
                server_env(root, models), wait_line="serves ComfyUI's API on")
    url = proc.first.split(" on ", 1)[1].split()[0]
    return proc, url


@pytest.fixture(scope="module")
def tiny_wan(tiny):
    """(models folder, model name): the session's tiny Wan text-to-video in a folder of its own."""
    path = tiny("wan-t2v")
    return os.path.dirname(path), os.path.basename(path)


@contextlib.contextmanager
def thread_server(root, models: str):
    """(url, serve folder) of `main.py serve`'s server run in this process on a thread of its own, on the
    models folder ``models``, stopped at the end."""
    import queue
    import threading

    from studio.serve.app import serve
    env = server_env(root, models)
    with pytest.MonkeyPatch.context() as mp:
        for k in ("STUDIO_PROJECT_DIR", "STUDIO_CONFIG_DIR", "STUDIO_MODELS", "HF_HUB_CACHE", "HF_HUB_OFFLINE"):
            mp.setenv(k, env[k])
        said, stop = queue.Queue(), threading.Event()
        t = threading.Thread(target=serve, args=("127.0.0.1", 0, str(root / "serve"), None, 100),
                             kwargs={"announce": said.put, "stop": stop}, daemon=True)
        t.start()
        url = said.get(timeout=120).split(" on ", 1)[1].split()[0]
        try:
            yield url, root / "serve"
        finally:
            stop.set()
            t.join(60)


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiny_wan):
    """The server of `main.py serve` in this process (on a thread of its own), on the tiny Wan's models
    folder: a Wan job then shares the libraries this test process has imported (diffusers: 15 s to
    import in a new process). test_comfy_api.py starts `main.py serve` itself, as a process."""
    with thread_server(tmp_path_factory.mktemp("serve"), tiny_wan[0]) as got:
        yield got


@pytest.fixture(scope="module")
def core_server(tmp_path_factory):
    """The same server on an empty models folder, for core-node workflows only (no tiny model built)."""
    root = tmp_path_factory.mktemp("serve")
    (root / "models").mkdir()
    with thread_server(root, str(root / "models")) as got:
        yield got


def call(url: str, path: str, body=None, method: str | None = None, headers: dict | None = None):
    """(status, parsed JSON or bytes) of one request."""
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    req = urllib.request.Request(url + path, data=data, method=method or ("POST" if data is not None else "GET"),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raw, status, ctype = e.read(), e.code, e.headers.get("Content-Type", "")
    return status, (json.loads(raw) if "json" in ctype and raw else raw)


def wait_history(url: str, prompt_id: str, timeout: float = 120.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status, h = call(url, f"/history/{prompt_id}")
        if h:
            return h[prompt_id]
        time.sleep(0.1)
    raise AssertionError(f"{prompt_id} did not end")
