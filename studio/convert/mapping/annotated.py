"""A loader's file named as ComfyUI's frontend names a file picked from a folder other than its own ('x.png [output]',
'clipspace/...png [input]': folder_paths' annotated names): the annotation is no part of the file's name, so Studio's
loader is given the name without it, and a file ComfyUI reads from its output or temp folder is said (found by the
twenty-sixth held-out set: a clipspace picture kept as 'clipspace-painted-masked-1765654471246.png [input]', a file
that does not exist, unsaid). Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

ANNOTATION = re.compile(r"^(?P<name>.*\S)\s\[(?P<folder>input|output|temp)\]$")


def plain(b: Any, node: Any, name: str) -> str:
    """``name`` without ComfyUI's folder annotation; a file from the output or temp folder said once."""
    m = ANNOTATION.match(name)
    if m is None:
        return name
    if m["folder"] != "input":
        line = (f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) reads '{m['name']}' from ComfyUI's "
                f"{m['folder']} folder (its name saved as '{name}'): Studio's loader is given '{m['name']}', looked for "
                "beside the workflow")
        if not any(line in said for said in b.out.log):
            b.say(line)
    return m["name"]
