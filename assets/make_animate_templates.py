"""Templates of Wan Animate (issue 46): character_animate (a reference character moved by a driving
clip's pose and face) and character_replace (the character put in place of the person in a clip).
Built by make_templates.build_all(); each runs as soon as the models setting (or STUDIO_MODELS)
points at the named folders (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

from make_control_templates import _CPU, _HF, PEOPLE_MODEL, SAM2_MODEL  # noqa: F401 - the same folders and words

ANIMATE_MODEL = "Wan-AI/Wan2.2-Animate-14B-Diffusers"
WHOLEBODY_MODEL = "vitpose-wholebody"  # a whole-body (133-point) ViTPose in the Hugging Face layout
_POSE = (f"{WHOLEBODY_MODEL} is a whole-body ViTPose (133 points: body, feet, face, hands) converted to that layout "
         f"(transformers' VitPoseForPoseEstimation, num_labels 133): Face Crops needs its face points")


def _driving(g: Graph, y: int = 200):
    """Driving clip -> Detect People -> Pose Estimate (whole-body) -> Draw Pose and Face Crops."""
    drv = g.add_node("io.load_video", {"path": "../media/walker.mp4"}, pos=(0, y), title="Driving clip")
    lp = g.add_node("preprocess.load", {"kind": "people", "model": PEOPLE_MODEL}, pos=(0, y + 160), title="RT-DETR")
    lk = g.add_node("preprocess.load", {"kind": "pose", "model": WHOLEBODY_MODEL}, pos=(260, y + 160),
                    title="ViTPose whole-body")
    det = g.add_node("preprocess.detect_people", {"max_people": 1}, pos=(260, y))
    pose = g.add_node("preprocess.pose_estimate", {}, pos=(520, y))
    draw = g.add_node("preprocess.draw_pose", {"hands": True, "face": False}, pos=(780, y), title="Pose video")
    face = g.add_node("preprocess.face_crops", {"size": 512, "smoothing": 3}, pos=(780, y + 160),
                      title="Face video")
    g.connect(drv.id, "video", det.id, "video")
    g.connect(lp.id, "model", det.id, "model")
    g.connect(drv.id, "video", pose.id, "video")
    g.connect(det.id, "people", pose.id, "people")
    g.connect(lk.id, "model", pose.id, "model")
    g.connect(pose.id, "pose", draw.id, "pose")
    g.connect(drv.id, "video", draw.id, "like")
    g.connect(drv.id, "video", face.id, "video")
    g.connect(pose.id, "pose", face.id, "pose")
    return drv, draw, face


def _animate(g: Graph, mode: str, draw, face, prompt: str):
    char = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(780, -120), title="Character")
    load = g.add_node("video_models.load", {"model": ANIMATE_MODEL}, pos=(780, 20), title="Wan 2.2 Animate 14B")
    anim = g.add_node("video_models.wan_animate", {"prompt": prompt, "mode": mode, "steps": 20, "window": 77,
                                                   "overlap": "1"}, pos=(1060, 60))
    out = g.add_node("io.save_video", {"path": f"out/character_{mode}.mp4"}, pos=(1340, 60))
    g.connect(load.id, "model", anim.id, "model")
    g.connect(char.id, "image", anim.id, "reference")
    g.connect(draw.id, "video", anim.id, "pose")
    g.connect(face.id, "face", anim.id, "face")
    g.connect(anim.id, "video", out.id, "video")
    return anim


def character_animate(finish, thumb) -> str:
    g = Graph()
    _, draw, face = _driving(g)
    _animate(g, "animate", draw, face, "a character dancing, high quality, detailed")
    path = finish(g, "character_animate", "Character animation (Wan Animate)",
                  "A still of a character moves as the person in a driving clip does: their pose and their face.",
                  f"Character animation: Detect People finds the person in the driving clip (RT-DETR), Pose "
                  f"Estimate their whole-body joints (ViTPose), Draw Pose draws the pose video and Face Crops cuts "
                  f"a steady 512x512 crop of their face on every frame; Wan Animate moves the 'Character' still "
                  f"(put yours in its Load Image) as they do, on the still's own background. Models expected: "
                  f"{PEOPLE_MODEL} and {WHOLEBODY_MODEL} ({_HF}; {_POSE}), and the diffusers folder "
                  f"{ANIMATE_MODEL}; put them in your models folder or set STUDIO_MODELS.\nKnobs: prompt, window "
                  f"(frames per segment) and overlap (1 or 5 frames carried between segments), Face Crops' "
                  f"smoothing; a Retarget Pose between Pose Estimate and Draw Pose gives the pose the character's "
                  f"proportions. {_CPU}", note_pos=(0, -260))
    thumb("character_animate", "Character animate", ((40, 30, 70), (210, 120, 90)))
    return path


def character_replace(finish, thumb) -> str:
    g = Graph()
    drv, draw, face = _driving(g)
    sam = g.add_node("preprocess.load", {"kind": "segment", "model": SAM2_MODEL}, pos=(260, 560), title="SAM 2")
    seg = g.add_node("preprocess.segment", {"prompts": "0: +0.5 0.45"}, pos=(520, 420),
                     title="Person (click them)")
    g.connect(sam.id, "model", seg.id, "model")
    grow = g.add_node("edit.mask_tools", {"grow": 8, "blur": 0.0}, pos=(780, 420), title="Grow")
    anim = _animate(g, "replace", draw, face, "a character dancing in the room, high quality, detailed")
    g.connect(drv.id, "video", seg.id, "video")
    g.connect(seg.id, "mask", grow.id, "mask")
    g.connect(drv.id, "video", anim.id, "background")
    g.connect(grow.id, "mask", anim.id, "mask")
    path = finish(g, "character_replace", "Character replacement (Wan Animate)",
                  "The person in a clip replaced by a character, moving as they did, the rest of the clip kept.",
                  f"Character replacement: as Character animation (the driving clip's pose and face steer Wan "
                  f"Animate), and the driving clip is also the background: select 'Person (click them)' and click "
                  f"the person in the viewer; Segment (SAM 2) follows them through the clip, the mask is grown a "
                  f"little, and Wan Animate (mode replace) makes the character where the mask is white and keeps "
                  f"the clip around it. Models expected: {PEOPLE_MODEL} and {WHOLEBODY_MODEL} ({_HF}; {_POSE}), "
                  f"{SAM2_MODEL} (a Hugging Face SAM 2 video folder) and the diffusers folder {ANIMATE_MODEL}; put "
                  f"them in your models folder or set STUDIO_MODELS.\nKnobs: the clicks, grow, prompt, window and "
                  f"overlap. {_CPU}", note_pos=(0, -280))
    thumb("character_replace", "Character replace", ((30, 60, 50), (200, 90, 140)))
    return path


ANIMATE2_MODEL = "Wan-AI/Wan2.2-Animate-2-14B-Diffusers"


def character_drive(finish, thumb) -> str:
    """Wan Animate 2 (issue 56): the character still moved by the driving clip itself (no pose or face
    preparation), as ComfyUI's video_wan_animate2 template does."""
    g = Graph()
    char = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(0, -120), title="Character")
    drv = g.add_node("io.load_video", {"path": "../media/walker.mp4"}, pos=(0, 60), title="Driving clip")
    load = g.add_node("video_models.load", {"model": ANIMATE2_MODEL}, pos=(0, 240), title="Wan Animate 2 14B")
    anim = g.add_node("video_models.wan_animate_2", {
        "prompt": "Character Description: the character of the still\nBackground description: a plain bright studio",
        "prompt_ref": "a person walking", "width": 832, "height": 480, "window": 81, "overlap": 1}, pos=(300, 60))
    out = g.add_node("io.save_video", {"path": "out/character_drive.mp4"}, pos=(600, 60))
    g.connect(load.id, "model", anim.id, "model")
    g.connect(char.id, "image", anim.id, "reference")
    g.connect(drv.id, "video", anim.id, "driving")
    g.connect(anim.id, "video", out.id, "video")
    path = finish(g, "character_drive", "Character from a driving clip (Wan Animate 2)",
                  "A still of a character moves as the person in a driving clip does, read from the clip itself.",
                  f"Character from a driving clip: Wan Animate 2 moves the 'Character' still (put yours in its Load "
                  f"Image) as the person in the 'Driving clip' moves (their body, hands and face), with no pose or "
                  f"face preparation; the prompt says the character and the background, 'prompt_ref' the motion. "
                  f"Model expected: the diffusers folder {ANIMATE2_MODEL} (or its distilled one, which samples in "
                  f"10 steps without guidance); put it in your models folder or set STUDIO_MODELS.\nKnobs: prompt, "
                  f"prompt_ref, width x height (the output's area: its aspect is the still's), window (frames per "
                  f"segment, 4k + 1) and overlap, steps and guidance (0: the model's own). On the CPU, lower width x height and "
                  f"'frames' (the clip is made whole, in one call of the pipeline).",
                  note_pos=(0, -260))
    thumb("character_drive", "Character drive", ((60, 30, 80), (90, 170, 210)))
    return path


def animate_templates(finish, thumb) -> list[str]:
    return [character_animate(finish, thumb), character_replace(finish, thumb), character_drive(finish, thumb)]
