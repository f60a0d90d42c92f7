"""Templates where real footage, Studio's motion and sound drive the open video models (issues 34,
46): pose_to_video, depth_to_video, inpaint_object, music_video, talking_clip. Built by make_templates.build_all(); each runs as soon as the models
setting (or STUDIO_MODELS) points at the named diffusers folders (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

VACE_MODEL = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
WAN_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
LTX2_MODEL = "Lightricks/LTX-2"
SAM2_MODEL = "facebook/sam2.1-hiera-tiny"

_CPU = ("On the CPU, 'preview size' makes at most 256 px and 8 steps, every frame kept; off: the full size "
        "(`main.py render` is full size unless given --preview).")


PEOPLE_MODEL = "PekingU/rtdetr_r50vd_coco_o365"
POSE_MODEL = "usyd-community/vitpose-base-simple"
DEPTH_MODEL = "depth-anything/Depth-Anything-V2-Small-hf"
_HF = "a folder in the Hugging Face layout: config.json, model.safetensors, preprocessor_config.json"


def pose_to_video(finish, thumb) -> str:
    g = Graph()
    drv = g.add_node("io.load_video", {"path": "../media/walker.mp4"}, pos=(0, 200), title="Driving clip")
    lp = g.add_node("preprocess.load", {"kind": "people", "model": PEOPLE_MODEL}, pos=(0, 360), title="RT-DETR")
    lk = g.add_node("preprocess.load", {"kind": "pose", "model": POSE_MODEL}, pos=(260, 360), title="ViTPose")
    det = g.add_node("preprocess.detect_people", {}, pos=(260, 200))
    pose = g.add_node("preprocess.pose_estimate", {}, pos=(520, 200))
    draw = g.add_node("preprocess.draw_pose", {}, pos=(780, 200), title="Control (OpenPose)")
    load = g.add_node("video_models.load", {"model": VACE_MODEL}, pos=(780, 0), title="Wan 2.1 VACE 1.3B")
    vace = g.add_node("video_models.wan_vace", {
        "prompt": "a dancer in a red dress on a sunlit stage, cinematic", "task": "control",
        "conditioning_scale": 1.0, "width": 480, "height": 480, "frames": 33, "steps": 30}, pos=(1060, 60))
    out = g.add_node("io.save_video", {"path": "out/pose_to_video.mp4"}, pos=(1340, 60))
    g.connect(drv.id, "video", det.id, "video")
    g.connect(lp.id, "model", det.id, "model")
    g.connect(drv.id, "video", pose.id, "video")
    g.connect(det.id, "people", pose.id, "people")
    g.connect(lk.id, "model", pose.id, "model")
    g.connect(pose.id, "pose", draw.id, "pose")
    g.connect(drv.id, "video", draw.id, "like")
    g.connect(load.id, "model", vace.id, "model")
    g.connect(draw.id, "video", vace.id, "video")
    g.connect(vace.id, "video", out.id, "video")
    path = finish(g, "pose_to_video", "Pose to video (VACE)",
                  "The people in a driving clip, their poses found and drawn as OpenPose, drive Wan VACE.",
                  f"Pose to video: Detect People finds each person (RT-DETR), Pose Estimate their joints (ViTPose), "
                  f"Draw Pose draws them as the pose control models were trained on (OpenPose); Wan VACE makes a "
                  f"clip that moves like it. Models expected, each {_HF}: {PEOPLE_MODEL}, {POSE_MODEL}, and the "
                  f"diffusers folder {VACE_MODEL}; put them in your models folder or set STUDIO_MODELS.\n"
                  f"Knobs: Detect People's threshold, Draw Pose's threshold (hands and face with a whole-body "
                  f"ViTPose), conditioning_scale, prompt, reference input (a character still). {_CPU}",
                  note_pos=(0, -230))
    thumb("pose_to_video", "Pose to video", ((20, 30, 60), (160, 90, 40)))
    return path


def depth_to_video(finish, thumb) -> str:
    g = Graph()
    drv = g.add_node("io.load_video", {"path": "../media/walker.mp4"}, pos=(0, 200), title="Driving clip")
    ld = g.add_node("preprocess.load", {"kind": "depth", "model": DEPTH_MODEL}, pos=(0, 360),
                    title="Depth Anything V2")
    depth = g.add_node("preprocess.depth", {"smoothing": 0.5}, pos=(260, 200), title="Control (depth)")
    load = g.add_node("video_models.load", {"model": VACE_MODEL}, pos=(260, 0), title="Wan 2.1 VACE 1.3B")
    vace = g.add_node("video_models.wan_vace", {
        "prompt": "the same scene carved from white marble, soft museum light", "task": "control",
        "conditioning_scale": 1.0, "width": 480, "height": 480, "frames": 33, "steps": 30}, pos=(540, 60))
    out = g.add_node("io.save_video", {"path": "out/depth_to_video.mp4"}, pos=(820, 60))
    g.connect(drv.id, "video", depth.id, "video")
    g.connect(ld.id, "model", depth.id, "model")
    g.connect(load.id, "model", vace.id, "model")
    g.connect(depth.id, "depth", vace.id, "video")
    g.connect(vace.id, "video", out.id, "video")
    path = finish(g, "depth_to_video", "Depth to video (VACE)",
                  "A clip's depth (Depth Anything V2) drives Wan VACE: the same shapes, a new look.",
                  f"Depth to video: Depth finds each frame's depth (near is bright), smoothed over time; Wan VACE "
                  f"makes a clip with that layout from the prompt. Models expected: {DEPTH_MODEL} ({_HF}) and "
                  f"the diffusers folder {VACE_MODEL}; put them in your models folder or set STUDIO_MODELS.\n"
                  f"Knobs: smoothing (0 off), conditioning_scale, prompt. {_CPU}", note_pos=(0, -230))
    thumb("depth_to_video", "Depth to video", ((30, 30, 30), (200, 200, 210)))
    return path


def inpaint_object(finish, thumb) -> str:
    g = Graph()
    src = g.add_node("io.load_video", {"path": "../media/shapes.mp4"}, pos=(0, 100), title="Clip")
    ls = g.add_node("preprocess.load", {"kind": "segment", "model": SAM2_MODEL}, pos=(0, 300), title="SAM 2")
    seg = g.add_node("preprocess.segment", {"prompts": "0: +0.31 0.38"}, pos=(260, 220),
                     title="Object (click it)")
    grow = g.add_node("edit.mask_tools", {"grow": 4, "blur": 2.0}, pos=(520, 220), title="Grow and feather")
    load = g.add_node("video_models.load", {"model": VACE_MODEL}, pos=(260, -60), title="Wan 2.1 VACE 1.3B")
    vace = g.add_node("video_models.wan_vace", {
        "prompt": "a small wooden boat", "task": "inpaint", "frames": 0, "steps": 30}, pos=(780, 40))
    size = g.add_node("transform.resize", {"fit": "stretch", "interpolation": "cubic"}, pos=(1040, -40),
                      title="At the plate's size")
    comp = g.add_node("edit.composite", {"mode": "over"}, pos=(1300, 100), title="Plate outside the mask")
    out = g.add_node("io.save_video", {"path": "out/inpaint_object.mp4"}, pos=(1560, 100))
    g.connect(src.id, "video", seg.id, "video")
    g.connect(ls.id, "model", seg.id, "model")
    g.connect(seg.id, "mask", grow.id, "mask")
    g.connect(load.id, "model", vace.id, "model")
    g.connect(src.id, "video", vace.id, "video")
    g.connect(grow.id, "mask", vace.id, "mask")
    g.connect(src.id, "video", comp.id, "background")
    g.connect(vace.id, "video", size.id, "video")
    g.connect(src.id, "video", size.id, "like")
    g.connect(size.id, "video", comp.id, "foreground")
    g.connect(grow.id, "mask", comp.id, "mask")
    g.connect(comp.id, "video", out.id, "video")
    path = finish(g, "inpaint_object", "Inpaint an object (SAM 2 + VACE)",
                  "Click an object: SAM 2 follows it through the clip, Wan VACE repaints it, the rest is the plate.",
                  f"Inpaint: select 'Object (click it)' and click the object in the viewer (Shift or right button: "
                  f"a point to leave out; click a dot to remove it; clicks on any frame). Segment follows it forward "
                  f"and backward; Wan VACE remakes the masked pixels from the prompt; Composite puts the untouched "
                  f"plate back outside the mask (those pixels are the plate's, exactly). Put {SAM2_MODEL} (a "
                  f"Hugging Face SAM 2 video folder) and {VACE_MODEL} in your models folder.\nKnobs: the clicks, "
                  f"grow/blur, prompt, conditioning_scale. {_CPU} 'At the plate's size' brings VACE's frames "
                  f"back to the plate's size for the composite (at full size it changes nothing).",
                  note_pos=(0, -260))
    thumb("inpaint_object", "Inpaint object", ((60, 40, 30), (40, 110, 140)))
    return path


def music_video(finish, thumb) -> str:
    g = Graph()
    au = g.add_node("io.load_audio", {"path": "../media/music.wav"}, pos=(0, 160), title="Music")
    enc = g.add_node("encode.audio", {"fps": 16.0, "frames": 65}, pos=(260, 160))
    sched = g.add_node("video_models.prompt_schedule", {
        "mode": "beats", "every": 4, "blend": 0,
        "prompts": "a neon city street at night, rain\na sunflower field at noon\nwaves breaking on black rocks"},
        pos=(520, 160))
    load = g.add_node("video_models.load", {"model": WAN_MODEL}, pos=(520, 0), title="Wan 2.1 1.3B")
    t2v = g.add_node("video_models.text_to_video", {
        "prompt": "", "frames": 65, "width": 832, "height": 480, "steps": 30, "window": 33, "overlap": 8,
        "fps": 16.0, "long_take": "context windows"}, pos=(800, 60))
    out = g.add_node("io.save_video", {"path": "out/music_video.mp4"}, pos=(1080, 60))
    g.connect(au.id, "audio", enc.id, "audio")
    g.connect(enc.id, "features", sched.id, "features")
    g.connect(load.id, "model", t2v.id, "model")
    g.connect(sched.id, "schedule", t2v.id, "schedule")
    g.connect(t2v.id, "video", out.id, "video")
    g.connect(au.id, "audio", out.id, "audio")
    path = finish(g, "music_video", "Music video (beats switch the prompt)",
                  "The music's beats move one Wan take from prompt to prompt.",
                  f"Music video: the Audio Encoder finds the beats; Prompt Schedule moves to the next prompt "
                  f"every 'every' beats; Text to Video samples the clip as one take (context windows: at every "
                  f"step the model runs on overlapping windows of the whole clip), each window following the "
                  f"schedule over its frames, so the prompt changes inside the take. 'long take' separate shots "
                  f"makes a shot per window instead (cuts). Put {WAN_MODEL} in your models folder.\nKnobs: "
                  f"prompts (one per line), every, blend, window/overlap, long take. {_CPU}",
                  note_pos=(0, -230))
    thumb("music_video", "Music video", ((80, 20, 90), (20, 120, 160)))
    return path


def talking_clip(finish, thumb) -> str:
    g = Graph()
    load = g.add_node("video_models.load", {"model": LTX2_MODEL}, pos=(0, 60), title="LTX-2")
    gen = g.add_node("video_models.ltx2", {
        "prompt": "close up of a woman in a warm-lit kitchen who looks into the camera and says: welcome back, "
                  "today we bake bread. Soft room tone, a kettle in the background.",
        "negative_prompt": "worst quality, inconsistent motion, blurry, jittery, distorted",
        "frames": 121, "width": 768, "height": 512, "steps": 40, "guidance": 4.0, "fps": 24.0}, pos=(280, 60))
    out = g.add_node("io.save_video", {"path": "out/talking_clip.mp4"}, pos=(580, 60))
    g.connect(load.id, "model", gen.id, "model")
    g.connect(gen.id, "video", out.id, "video")
    path = finish(g, "talking_clip", "Talking clip (LTX-2 picture and sound)",
                  "LTX-2 makes the picture and its sound together; Save Video writes both.",
                  f"Talking clip: LTX-2 Video + Sound makes the clip and its sound in one run (speech, room "
                  f"tone, music as the prompt says); the sound rides on the clip, so Save Video writes it and the "
                  f"timeline plays it. Connect an image for the first frame; connect a track to 'audio' and set "
                  f"'sound' to input to keep it instead. Put {LTX2_MODEL} in your models folder or set "
                  f"STUDIO_MODELS.\nKnobs: prompt (say what is heard too), frames (8k+1), guidance. {_CPU}",
                  note_pos=(0, -230))
    thumb("talking_clip", "Talking clip", ((90, 50, 30), (30, 60, 110)))
    return path


def control_templates(finish, thumb) -> list[str]:
    return [pose_to_video(finish, thumb), depth_to_video(finish, thumb), inpaint_object(finish, thumb),
            music_video(finish, thumb), talking_clip(finish, thumb)]
