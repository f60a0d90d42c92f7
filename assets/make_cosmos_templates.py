"""Cosmos's templates (issue 72): cosmos_transfer, a clip's edges driving Cosmos Transfer2.5; cosmos3_sound_clip,
Cosmos 3's picture and sound made together. Built by make_templates.build_all(); each runs as soon as the models
setting (or STUDIO_MODELS) points at the named diffusers folder (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

TRANSFER_MODEL = "nvidia/Cosmos-Transfer2.5-2B"
COSMOS3_MODEL = "nvidia/Cosmos3-Nano"  # the Cosmos 3 release's diffusers folder (Cosmos3OmniPipeline)
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
                  f"Knobs: Edges' thresholds, control_strength, prompt, frames, chunk. {_CPU}",
                  note_pos=(0, -230), category="Control: pose, depth, tracks, camera")
    thumb("cosmos_transfer", "Edges to video", ((30, 60, 40), (200, 200, 210)))
    return path


def cosmos3_sound_clip(finish, thumb) -> str:
    g = Graph()
    load = g.add_node("video_models.load", {"model": COSMOS3_MODEL}, pos=(0, 60), title="Cosmos 3 Nano")
    gen = g.add_node("video_models.cosmos3", {
        "prompt": "waves break on a rocky shore at dusk, spray in the wind, gulls calling over the roar of the surf",
        "frames": 121, "steps": 35, "guidance": 6.0, "fps": 24.0, "sound": "generated"}, pos=(280, 60))
    out = g.add_node("io.save_video", {"path": "out/cosmos3_sound_clip.mp4"}, pos=(580, 60))
    g.connect(load.id, "model", gen.id, "model")
    g.connect(gen.id, "video", out.id, "video")
    path = finish(g, "cosmos3_sound_clip", "Picture and sound (Cosmos 3)",
                  "Cosmos 3 makes a clip and its stereo sound together in one run; Save Video writes both.",
                  "Picture and sound: Cosmos 3 Video + Sound makes the clip and its stereo sound in one run from "
                  "the prompt (say what is seen and what is heard); the sound rides on the clip, so Save Video "
                  "writes it and the timeline plays it. Connect an image for the first frame; set 'sound' to off "
                  f"for the picture alone. Put {COSMOS3_MODEL} (a diffusers folder with its sound tokenizer) in "
                  "your models folder or set STUDIO_MODELS. Without the cosmos_guardrail package the prompt and "
                  "frames go unchecked (said when the model loads).\nKnobs: frames (4k+1: 121 is 5 s at 24 fps), "
                  "steps (the pipeline's 35), guidance (6), sound. On the CPU, 'preview size' makes at most 256 px "
                  "and 8 steps, every frame kept.",
                  note_pos=(0, -230), category="Make a shot")
    thumb("cosmos3_sound_clip", "Picture and sound", ((20, 50, 90), (200, 140, 80)))
    return path
