"""Cosmos's template (issue 72): cosmos_transfer, a clip's edges driving Cosmos Transfer2.5. Built by
make_templates.build_all(); it runs as soon as the models setting (or STUDIO_MODELS) points at the named
diffusers folder (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

TRANSFER_MODEL = "nvidia/Cosmos-Transfer2.5-2B"
_CPU = ("On the CPU Cosmos Transfer makes every frame at the size asked: start with a few frames; a CUDA GPU "
        "makes the release's 93-frame chunks.")


def cosmos_transfer(finish, thumb) -> str:
    g = Graph()
    drv = g.add_node("io.load_video", {"path": "../media/walker.mp4"}, pos=(0, 200), title="Driving clip")
    edges = g.add_node("control.edges", {"low": 100, "high": 200}, pos=(260, 200), title="Control (edges)")
    load = g.add_node("video_models.load", {"model": TRANSFER_MODEL}, pos=(260, 0), title="Cosmos Transfer2.5 2B")
    transfer = g.add_node("video_models.cosmos_transfer", {
        "prompt": "the same walk through a snowy forest at dusk, cinematic light", "frames": 33, "steps": 36,
        "guidance": 3.0, "control_strength": 1.0, "chunk": 93}, pos=(540, 60))
    out = g.add_node("io.save_video", {"path": "out/cosmos_transfer.mp4"}, pos=(820, 60))
    g.connect(drv.id, "video", edges.id, "video")
    g.connect(load.id, "model", transfer.id, "model")
    g.connect(edges.id, "video", transfer.id, "control")
    g.connect(transfer.id, "video", out.id, "video")
    path = finish(g, "cosmos_transfer", "Edges to video (Cosmos Transfer)",
                  "A clip's edges (Canny) drive Cosmos Transfer2.5: the same layout and motion, a new look.",
                  f"Edges to video: Edges draws each frame's outlines (OpenCV Canny), the control Cosmos "
                  f"Transfer2.5's edge model was trained on; Cosmos Transfer makes a clip that follows them from the "
                  f"prompt. Model expected: the diffusers folder {TRANSFER_MODEL} (its 'diffusers/general' revision, "
                  f"with the 'diffusers/controlnet/general/edge' controlnet as its controlnet/ folder); put it in "
                  f"your models folder or set STUDIO_MODELS. Without the cosmos_guardrail package the prompt and "
                  f"frames go unchecked (said when the model loads).\n"
                  f"Knobs: Edges' thresholds, control_strength, prompt, frames, chunk. {_CPU}", note_pos=(0, -230))
    thumb("cosmos_transfer", "Edges to video", ((30, 60, 40), (200, 200, 210)))
    return path
