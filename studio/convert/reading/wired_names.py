"""A loader's file name wired from a node whose output Studio cannot work out when converting (a downloader given its
link by a wire or as a template; one whose link is set gives its name: reading/downloaded.py): the file is the one that
node gives when the workflow runs, never the loader's stale saved name, and never 'no loader found'. Told by the wiring
alone: the setting is wired, and following it gives no constant. Found by the thirteenth held-out set (a course's Wan
2.2 workflows fetch every model, LoRA, VAE and text encoder this way)."""
from __future__ import annotations

from typing import Any

NAME_KEYS = ("unet_name", "ckpt_name", "gguf_name", "model_name", "lora_name", "vae_name", "clip_name", "clip_name1",
             "clip_name2", "model")


def unknown_source(wf: Any, n: Any, keys: tuple[str, ...] = NAME_KEYS) -> tuple[str, Any] | None:
    """(the setting, the node wired into it) of ``n``'s first file-name setting that is wired to a node whose value
    Studio cannot work out; None where each is its own or a constant."""
    for k in keys:
        if k in n.links and wf.value(n, k) is None and (src := wf.source(n, k)) is not None:
            return k, src
    return None


def given_when_run(n: Any, key: str, src: Any, what: str = "a file name") -> str:
    """The sentence: ``n``'s ``key`` is given by ``src`` when the workflow runs (``what``: a file name, or a media
    loader's path text, which may be a web address: media_given)."""
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {key} is given by "
            f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) when the workflow runs, {what} Studio "
            "cannot work out when converting")


def media_file_wired(wf: Any, n: Any) -> tuple[str, Any] | None:
    """(the setting, the node wired into it) where media loader ``n`` (Load Image / Video / Audio, a pack's by path:
    VHS_LoadVideoPath's 'video', VHS_LoadAudio's 'audio_file') names its file by what a node gives when the workflow
    runs, told by the setting its type declares as its file (catalogue.file_input); None otherwise."""
    from .. import catalogue
    t = catalogue.node_type(n.origin or n.cls)
    f = catalogue.file_input(t) if t is not None and t.inputs is not None else None
    return unknown_source(wf, n, (f.name,)) if f is not None else None


def media_given(wf: Any, n: Any, key: str) -> str:
    """What media loader ``n``'s wired ``key`` names, by its declared type: a text (VHS_LoadVideoPath's 'video', which
    ComfyUI also reads as a web address: a cloud node's clip URL, heldout110 06) is a path or web address, a choice
    of the input folder's files a file name."""
    from .. import catalogue
    t = catalogue.node_type(n.origin or n.cls)
    i = next((i for i in (t.inputs or ()) if i.name == key), None) if t is not None else None
    return "a path or web address" if i is not None and i.type == "STRING" else "a file name"
