"""Templates of the video families issue 72 added: kandinsky6_sound_clip (Kandinsky 6's picture and sound),
framepack_long_take (HunyuanVideo Framepack's long image to video), chronoedit_image_edit (ChronoEdit's picture
edited by an instruction), ltx2_hdr_exr (LTX-2's SDR clip lifted to linear HDR, written as EXR). Built by
make_templates.build_all(); each runs as soon as the models setting (or STUDIO_MODELS) points at the named
diffusers folder (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

KANDINSKY6_MODEL = "kandinskylab/Kandinsky-6.0-Pro-distill-5s-Diffusers"  # diffusers' own example's folder
# a folder assembled as diffusers' Framepack example loads it: HunyuanVideo's parts, lllyasviel/FramePackI2V_HY's
# transformer, lllyasviel/flux_redux_bfl's SigLIP image encoder and processor, saved with save_pretrained
FRAMEPACK_MODEL = "FramePackI2V_HY-Diffusers"
CHRONOEDIT_MODEL = "nvidia/ChronoEdit-14B-Diffusers"  # diffusers' ChronoEdit example's folder
# diffusers' LTX2HDRPipeline example: the distilled LTX-2.3 folder and Lightricks/LTX-2.3-22b-IC-LoRA-HDR's file
LTX23_MODEL = "diffusers/LTX-2.3-Distilled-Diffusers"
HDR_LORA = "ltx-2.3-22b-ic-lora-hdr-0.9.safetensors"
_CPU = "On the CPU, 'preview size' makes at most 256 px and 8 steps, every frame kept."


def kandinsky6_sound_clip(finish, thumb) -> str:
    g = Graph()
    load = g.add_node("video_models.load", {"model": KANDINSKY6_MODEL}, pos=(0, 60), title="Kandinsky 6")
    gen = g.add_node("video_models.kandinsky6", {
        "prompt": "a street drummer plays a fast solo on a rainy night, close up on the sticks, neon reflections in "
                  "the puddles. <AUDCAP>crisp snare rolls, cymbal crashes, rain on the pavement<ENDAUDCAP>",
        "frames": 121, "width": 864, "height": 480, "steps": 16, "guidance": 1.0, "fps": 24.0}, pos=(280, 60))
    out = g.add_node("io.save_video", {"path": "out/kandinsky6_sound_clip.mp4"}, pos=(580, 60))
    g.connect(load.id, "model", gen.id, "model")
    g.connect(gen.id, "video", out.id, "video")
    path = finish(g, "kandinsky6_sound_clip", "Picture and sound (Kandinsky 6)",
                  "Kandinsky 6 makes a clip and its sound together; Save Video writes both.",
                  "Picture and sound: Kandinsky 6 Video + Sound makes the clip and its sound in one run (the prompt "
                  "says what is seen; what is heard goes between <AUDCAP> and <ENDAUDCAP>, speech between <S> and "
                  "<E>); the sound rides on the clip, so Save Video writes it and the timeline plays it. Connect an "
                  "image for the first frame; set 'sound' to off for the picture alone. Put "
                  f"{KANDINSKY6_MODEL} in your models folder or set STUDIO_MODELS.\nKnobs: the distilled model runs "
                  f"16 steps at guidance 1 (the full model: 50 steps, guidance 5), frames (4k+1). {_CPU}",
                  note_pos=(0, -230), category="Make a shot")
    thumb("kandinsky6_sound_clip", "Picture and sound", ((120, 40, 60), (30, 50, 120)))
    return path


def framepack_long_take(finish, thumb) -> str:
    g = Graph()
    img = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(0, 200), title="Still")
    load = g.add_node("video_models.load", {"model": FRAMEPACK_MODEL}, pos=(0, 40), title="HunyuanVideo Framepack")
    gen = g.add_node("video_models.framepack", {
        "prompt": "the figure turns slowly to the camera and smiles, the light moves across the scene",
        "frames": 301, "window": 9, "steps": 25, "guidance": 10.0, "fps": 30.0}, pos=(300, 60))
    out = g.add_node("io.save_video", {"path": "out/framepack_long_take.mp4"}, pos=(600, 60))
    g.connect(load.id, "model", gen.id, "model")
    g.connect(img.id, "image", gen.id, "image")
    g.connect(gen.id, "video", out.id, "video")
    path = finish(g, "framepack_long_take", "Long take from a still (Framepack)",
                  "HunyuanVideo Framepack makes a ten-second take from one still, section by section.",
                  "Long take from a still: Framepack Long Image to Video makes 301 frames (10 s at 30 fps) from the "
                  "still in sections of 'window' latent frames, each reading the still and the sections made, so "
                  "the take keeps the still's look to its end. Connect a last image for a move between two stills. "
                  f"Put a Framepack diffusers folder named {FRAMEPACK_MODEL} in your models folder (HunyuanVideo's "
                  "parts, lllyasviel/FramePackI2V_HY's transformer and flux_redux_bfl's SigLIP image encoder, saved "
                  "together as diffusers' Framepack example builds it) or set STUDIO_MODELS.\nKnobs: frames, window "
                  "(9: the release's), steps a section, guidance (the distilled guidance, 10), sampling (vanilla: "
                  "FramePack-F1). A GPU job: each section is a full HunyuanVideo pass.",
                  note_pos=(0, -230), category="Make a shot")
    thumb("framepack_long_take", "Long take from a still", ((40, 80, 60), (140, 90, 40)))
    return path


def chronoedit_image_edit(finish, thumb) -> str:
    g = Graph()
    img = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(0, 200), title="Picture to edit")
    load = g.add_node("video_models.load", {"model": CHRONOEDIT_MODEL}, pos=(0, 40), title="ChronoEdit 14B")
    gen = g.add_node("video_models.chronoedit", {
        "prompt": "turn the scene into a snowy winter evening, warm light in the windows", "steps": 50,
        "guidance": 5.0}, pos=(300, 60))
    pic = g.add_node("footage.save_sequence", {"path": "out/chronoedit_image_edit.####.png", "depth": "8"},
                     pos=(600, 0), title="Save the edited picture")
    clip = g.add_node("io.save_video", {"path": "out/chronoedit_image_edit.mp4"}, pos=(600, 200),
                      title="Save the edit clip")
    g.connect(load.id, "model", gen.id, "model")
    g.connect(img.id, "image", gen.id, "image")
    g.connect(gen.id, "image", pic.id, "video")
    g.connect(gen.id, "video", clip.id, "video")
    path = finish(g, "chronoedit_image_edit", "Edit a picture by an instruction (ChronoEdit)",
                  "ChronoEdit edits a picture as its prompt says; the edit is the last frame of a short clip.",
                  "Edit a picture: ChronoEdit Image Edit reads the picture and the instruction (the prompt) and makes "
                  "a short clip from the picture to its edit, as a video model would film it; its last frame is "
                  "the edited picture (saved as a PNG), the clip is saved beside it. The size follows the picture's "
                  f"aspect at up to 1280x720's area. Put {CHRONOEDIT_MODEL} in your models folder or set "
                  "STUDIO_MODELS.\nKnobs: prompt (the instruction), steps (50), guidance (5), reasoning_steps (0: "
                  "off; above 0 the first steps reason over a 'reasoning_frames' clip, for edits that move things), "
                  "width and height (0: from the picture). A GPU job: a 14B model.",
                  note_pos=(0, -230), category="Footage and finishing")
    thumb("chronoedit_image_edit", "Edit a picture", ((60, 60, 90), (210, 180, 120)))
    return path


def ltx2_hdr_exr(finish, thumb) -> str:
    g = Graph()
    clip = g.add_node("io.load_video", {"path": "../media/walker.mp4"}, pos=(0, 220), title="SDR clip")
    load = g.add_node("video_models.load", {"model": LTX23_MODEL}, pos=(0, 0), title="LTX-2.3 distilled")
    lora = g.add_node("video_models.lora", {"lora": HDR_LORA, "strength": 1.0}, pos=(260, 0), title="HDR IC-LoRA")
    hdr = g.add_node("video_models.ltx2_hdr", {
        "prompt": "a person walks through a sunlit street, bright sky, deep shadows", "frames": 41, "steps": 8,
        "guidance": 1.0, "strength": 1.0}, pos=(520, 60))
    out = g.add_node("footage.save_sequence", {"path": "out/ltx2_hdr/frame.####.exr", "depth": "half"},
                     pos=(800, 60), title="Save HDR EXR")
    g.connect(load.id, "model", lora.id, "model")
    g.connect(lora.id, "model", hdr.id, "model")
    g.connect(clip.id, "video", hdr.id, "video")
    g.connect(hdr.id, "video", out.id, "video")
    path = finish(g, "ltx2_hdr_exr", "SDR to HDR EXR (LTX-2 HDR)",
                  "LTX-2.3 with its HDR IC-LoRA lifts an SDR clip to linear HDR, written as half-float EXR frames.",
                  "SDR to HDR: LTX-2 HDR reads the clip in context (the HDR IC-LoRA, through Video LoRA) and makes "
                  "it again in linear light, its highlights above 1 (SDR white). Save Image Sequence writes half-"
                  "float EXR frames, which keep them; an MP4 or an 8/16-bit PNG would clip them, and the viewer "
                  f"shows the clipped picture. Put {LTX23_MODEL} in your models folder (or set STUDIO_MODELS) and "
                  f"{HDR_LORA} (Lightricks/LTX-2.3-22b-IC-LoRA-HDR) in its loras/ folder.\nKnobs: frames (8k+1 "
                  "from the clip's first; 0: the whole clip), steps (the release's 8, no guidance), strength, "
                  "width and height (0: the clip's; multiples of 32), 'embeddings' (the HDR LoRA's connector "
                  "embeddings file, read in place of the prompt). A GPU job: a 22B model.",
                  note_pos=(0, -230), category="Footage and finishing")
    thumb("ltx2_hdr_exr", "SDR to HDR", ((20, 20, 30), (255, 240, 200)))
    return path
