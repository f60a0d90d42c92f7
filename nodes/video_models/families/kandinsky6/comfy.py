"""Kandinsky 6's ComfyUI mapping (api.ComfyMapping; comfy_extras/nodes_kandinsky6.py of ComfyUI): a pipeline
is Kandinsky 6's when its joint video-and-audio latent (Kandinsky6EmptyLatent) is upstream: Studio's
Kandinsky 6 Video + Sound, the latent's size and length read as its own; Kandinsky6ImageToVideoAudio's
reference latent (a VAEEncode of the start image) as its image; its model files' names. Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping, Generator, Guider, Task

from .comfy_nodes import WIDGETS as NODE_WIDGETS, translate

K6 = "video_models.kandinsky6"



def _size(b, node, params: dict, loras: list, said: list[str], continued: bool) -> list:
    """Image to video's size and length, which are its empty latent's (Kandinsky6ImageToVideoAudio has none)."""
    empty = b.wf.source(node, "empty_latent") if node is not None and node.cls == "Kandinsky6ImageToVideoAudio" else None
    if empty is not None:
        b.used.add(empty.id)  # its size and length are the generator's
        for k, into in (("width", "width"), ("height", "height"), ("length", "frames")):
            v = b.wf.value(empty, k)
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                params[into] = v
    return loras


# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {"Kandinsky6EmptyLatent": ("width", "height", "length", "batch_size"), **NODE_WIDGETS}

MAPPING = ComfyMapping(
    key="kandinsky6", title="Kandinsky 6",
    tasks={"Kandinsky6EmptyLatent": Task("video and sound", K6, (), "Kandinsky 6"),
           "Kandinsky6ImageToVideoAudio": Task("image to video and sound", K6, (("reference_latent", "image"), ("image", "image")),
                                               "Kandinsky 6")},
    generators=(Generator(K6, sound=True, settings=_size),),
    files=(("kandinsky6", "Kandinsky 6"), ("kandinsky_6", "Kandinsky 6"), ("kandinsky-6", "Kandinsky 6")),
    folded=("Kandinsky6RemoveReferenceLatent",), widgets=WIDGETS,
    # the later empty latent's frame rate (comfy_nodes.EMPTY_WITH_FPS): the video's, and its output 1 as given
    hooks={"fps_nodes": ("Kandinsky6EmptyLatent",), "pass_values": {"Kandinsky6EmptyLatent": ("fps",)}},
    # its prompt and sampler nodes read as CLIPTextEncode and KSampler (comfy_nodes.py); its PiFlow guider (a
    # distilled model's, one conditioning: no classifier-free guidance) read as BasicGuider is
    translate=translate, guiders={"Kandinsky6PiFlowGuider": Guider(None)})
