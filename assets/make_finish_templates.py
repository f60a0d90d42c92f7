"""Issue 59's finishing template: finish_a_clip (a take upscaled x2, brought to 24 fps by RIFE and written
as ProRes 422 HQ). Built by make_templates.build_all(); it runs as soon as the models setting (or
STUDIO_MODELS) points at a folder holding the upscaler and the RIFE file it names (nothing is
downloaded), with spandrel (installed by scripts/setup.sh) reading the upscaler."""
from __future__ import annotations

from studio.core.graph import Graph

UPSCALER = "RealESRGAN_x2plus.pth"  # Real-ESRGAN's x2 (ComfyUI's upscale_models/)
RIFE = "rife_v4.26.safetensors"  # ComfyUI's frame_interpolation/


def finish_a_clip(finish, thumb) -> str:
    g = Graph()
    src = g.add_node("io.load_video", {"path": "../media/take16.mp4"}, pos=(0, 0), title="Take (16 fps)")
    up = g.add_node("finishing.upscale", {"model": UPSCALER, "scale": 0.0, "tile": 512, "overlap": 32},
                    pos=(260, 0), title="Upscale x2")
    rife = g.add_node("motion.interpolate_rife", {"model": RIFE, "target_fps": 24.0}, pos=(520, 0),
                      title="To 24 fps (RIFE)")
    out = g.add_node("footage.save_video_master", {"path": "out/finish_a_clip.mov", "codec": "prores_422"},
                     pos=(780, 0), title="ProRes master")
    g.connect(src.id, "video", up.id, "video")
    g.connect(up.id, "video", rife.id, "video")
    g.connect(rife.id, "video", out.id, "video")
    path = finish(g, "finish_a_clip", "Finish a clip (upscale, 24 fps, ProRes)",
                  "A take made twice as large, brought to 24 fps by RIFE and written as a ProRes 422 HQ master.",
                  f"Finish a clip: Load Video reads the take (here a 16 fps clip, as Wan makes them), Upscale "
                  f"Video makes it twice as large with {UPSCALER} (any spandrel upscaler works: ESRGAN, "
                  f"Real-ESRGAN, SPAN, SwinIR...), Interpolate Frames (RIFE "
                  f"4.26) makes in-between frames to reach 24 fps, and Save Video (ProRes/FFV1/H.265) writes a "
                  f"ProRes 422 HQ .mov. Put {UPSCALER} in your models folder (or its upscale_models/) and "
                  f"{RIFE} in its frame_interpolation/.\nKnobs: the take on the left, Upscale's model, scale "
                  f"and tile (memory), RIFE's target_fps (or a multiplier for slow motion) and cut_threshold, "
                  f"the master's codec (prores_4444, ffv1, h265).", note_pos=(0, -200))
    thumb("finish_a_clip", "Finish a clip", ((60, 40, 30), (40, 110, 160)))
    return path
