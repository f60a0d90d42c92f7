"""Templates of issue 47's long takes and keyframes: long_take (a 20 s prompt-scheduled take sampled as one,
with context windows) and first_last_frame (Wan FLF2V between two stills). Built by
make_templates.build_all(); each runs as soon as the models setting (or STUDIO_MODELS) points at the named
diffusers folder (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

WAN_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
FLF2V_MODEL = "Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers"
_CPU = "On the CPU, 'preview size' makes at most 256 px, 8 frames, 8 steps; off: the full size."


def long_take(finish, thumb) -> str:
    g = Graph()
    sched = g.add_node("video_models.prompt_schedule", {
        "mode": "keyframes", "blend": 32, "frames": 321,
        "prompts": "0: a paper boat drifting down a rain-soaked street at dusk, cinematic\n"
                   "112: the paper boat glides along a canal under warm street lamps\n"
                   "224: the paper boat floats out onto a calm sea at dawn"}, pos=(0, 160))
    load = g.add_node("video_models.load", {"model": WAN_MODEL}, pos=(0, 0), title="Wan 2.1 1.3B")
    t2v = g.add_node("video_models.text_to_video", {
        "prompt": "", "negative_prompt": "blurry, static, cut", "frames": 321, "width": 832, "height": 480,
        "steps": 30, "window": 81, "overlap": 16, "fps": 16.0, "long_take": "context windows",
        "context_schedule": "uniform"}, pos=(300, 60))
    out = g.add_node("io.save_video", {"path": "out/long_take.mp4"}, pos=(600, 60))
    g.connect(load.id, "model", t2v.id, "model")
    g.connect(sched.id, "schedule", t2v.id, "schedule")
    g.connect(t2v.id, "video", out.id, "video")
    path = finish(g, "long_take", "Long take (20 s, one shot)",
                  "A 20 s Wan take sampled as one shot: context windows, the prompt moving along it.",
                  f"Long take: 321 frames (20 s at 16 fps) sampled as ONE take: at every step Wan runs on "
                  f"overlapping windows of 81 frames of the whole clip and the windows are blended ('long take' "
                  f"context windows), so it is one shot, not shots dissolving into each other. The Prompt "
                  f"Schedule moves the prompt inside the take: each window follows the schedule over its frames. "
                  f"A Stop keeps the finished steps: run again to resume. Put {WAN_MODEL} in your models "
                  f"folder.\nKnobs: prompts (frame: prompt), blend, window/overlap, context_schedule (looped for "
                  f"a loop). {_CPU}", note_pos=(0, -230))
    thumb("long_take", "Long take", ((30, 50, 90), (200, 140, 60)))
    return path


def first_last_frame(finish, thumb) -> str:
    g = Graph()
    first = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(0, 160), title="First frame")
    last = g.add_node("io.load_image", {"path": "../media/still_dusk.png"}, pos=(0, 300), title="Last frame")
    load = g.add_node("video_models.load", {"model": FLF2V_MODEL}, pos=(0, 0), title="Wan 2.1 FLF2V 14B")
    i2v = g.add_node("video_models.image_to_video", {
        "prompt": "time-lapse of a summer day turning to dusk over green hills, the sun sinking, warm light",
        "frames": 81, "width": 1280, "height": 720, "steps": 30, "guidance": 5.0, "fps": 16.0}, pos=(300, 100))
    out = g.add_node("io.save_video", {"path": "out/first_last_frame.mp4"}, pos=(600, 100))
    g.connect(load.id, "model", i2v.id, "model")
    g.connect(first.id, "image", i2v.id, "image")
    g.connect(last.id, "image", i2v.id, "last_image")
    g.connect(i2v.id, "video", out.id, "video")
    path = finish(g, "first_last_frame", "First and last frame (Wan FLF2V)",
                  "Wan FLF2V makes the clip that starts on one still and ends on another.",
                  f"First and last frame: Image to Video with a Wan first-last-frame model takes the clip's first "
                  f"frame ('image') and its last ('last_image') and makes the frames between. Put {FLF2V_MODEL} in "
                  f"your models folder (a GPU with much memory; set the loader's memory to fp8 or offload "
                  f"otherwise).\nKnobs: the two stills, prompt, frames (4k+1), guidance. {_CPU}", note_pos=(0, -230))
    thumb("first_last_frame", "First & last frame", ((60, 110, 170), (170, 80, 60)))
    return path


def take_templates(finish, thumb) -> list[str]:
    return [long_take(finish, thumb), first_last_frame(finish, thumb)]
