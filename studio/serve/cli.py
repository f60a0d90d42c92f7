"""`main.py serve`: its arguments and its command."""
from __future__ import annotations

import os
import sys

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8188
ENV_TOKEN = "STUDIO_SERVE_TOKEN"


def add_command(sub) -> None:
    s = sub.add_parser("serve", help="answer ComfyUI's API (POST /prompt, /history, /ws...) with Studio's queue, "
                                     "so ComfyUI's clients can send it jobs")
    s.add_argument("--host", default=DEFAULT_HOST,
                   help="the address to listen on (default 127.0.0.1: this machine only; any other needs --token)")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help="default 8188, ComfyUI's (0: a free port)")
    s.add_argument("--token", default=None, help=f"a secret clients must send (Authorization: Bearer TOKEN); "
                                                  f"default ${ENV_TOKEN}")
    s.add_argument("--folder", default=None, help="where the input, output and temp folders and the queue are kept "
                                                  "(default: the project folder's 'serve')")
    s.add_argument("--max-upload-mb", type=int, default=100, help="the largest upload taken (default 100 MB)")
    s.add_argument("--preview-method", default="none", choices=("none", "auto", "latent2rgb", "taesd"),
                   help="live preview frames sent to a job's client when its request asks for none (ComfyUI's "
                        "page: 'default'); default none, as ComfyUI's (any other: Studio's previews)")
    s.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="run the jobs on the workers of the Ray cluster at ADDRESS (one job per GPU, or per "
                        "'studio_device' resource; 'local': a Ray started here); the folder must be on storage every "
                        "node sees (docs/distributed.md)")


def cmd_serve(args) -> int:
    from studio.core.project import project_dir
    from studio.engine.device import configure_threads

    from .app import serve
    configure_threads(interactive=False)
    folder = args.folder or os.path.join(project_dir(), "serve")
    token = args.token or os.environ.get(ENV_TOKEN) or None
    serve(args.host, args.port, folder, token, max(1, args.max_upload_mb),
          announce=lambda line: print(line, flush=True, file=sys.stdout), preview_method=args.preview_method,
          cluster=args.cluster)
    return 0
