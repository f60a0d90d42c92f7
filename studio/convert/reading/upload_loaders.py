"""A pack's picture loader no catalogued pack declares, in an API file (no types saved): nothing wired in, a text
setting named as a picture's file ('image', 'image_path') beside an upload button's setting ('upload', 'Choose
file to upload'), its output given only to picture inputs (their declared types): read as ComfyUI's LoadImage of
that setting ('' where the caller fills it in when the workflow runs: an Open WebUI tool's 'Load Image (URL/Path)',
heldout18 06 and 07), its type kept as origin, said in one sentence with its other settings not applied (a web
address in that setting: read first by url_loaders, as the file its last part names). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..catalogue.types import FILE_WIDGETS

PICTURE_SETTINGS = ("image", "image_path", "image_file", "file", "path", "filename", "file_path", "filepath")


def given_types(nodes: dict[str, Any], nid: str) -> list[str]:
    """The declared types of the inputs ``nid``'s outputs are given to ('' where unknown)."""
    out = []
    for m in nodes.values():
        for k, (src, _) in m.links.items():
            if src == nid:
                t = catalogue.node_type(m.origin or m.cls)
                i = t.input(k) if t is not None and t.inputs is not None else None
                out.append(m.in_types.get(k) or (i.type if i is not None and isinstance(i.type, str) else ""))
    return out


def read(nodes: dict[str, Any], said: list[str]) -> None:
    """Each such node read as LoadImage, in place; its sentence in ``said``."""
    for n in nodes.values():
        if n.links or n.origin or catalogue.node_type(n.cls) is not None or not isinstance(n.widgets, dict):
            continue
        setting = next((k for k in PICTURE_SETTINGS if k in FILE_WIDGETS and isinstance(n.widgets.get(k), str)), None)
        if setting is None or not any("upload" in k.lower() for k in n.widgets):
            continue
        given = given_types(nodes, n.id)
        if not given or any(t != "IMAGE" for t in given):
            continue
        name = n.widgets[setting]
        others = [f"{k} {v!r}" for k, v in n.widgets.items() if k != setting and "upload" not in k.lower()
                  and v not in (None, "")]
        said.append(f"'{n.title or n.cls}' ({n.cls}, #{n.id}) is read as ComfyUI's LoadImage of its '{setting}' "
                    + (f"'{name}'" if name else "(empty in the file: the picture is set when the workflow runs)")
                    + (f"; its {', '.join(others)} not applied (Studio's Load Image reads a file)" if others else ""))
        n.origin, n.cls, n.widgets = n.cls, "LoadImage", {"image": name}
