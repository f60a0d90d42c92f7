"""Issue 58's 'dance to music' template: a dancer's still and a music track -> Wan Dancer (Wan-Dancer-14B's
global model draws keyframes over the take, its local model renders it at 30 fps in 149-frame segments)
-> Save Video with the music. Built by make_templates.build_all(); it runs as soon as the models setting
(or STUDIO_MODELS) holds the two Dancer files and the Wan 2.1 I2V 14B folder their text encoder, VAE and
CLIP come from (nothing is downloaded)."""
from __future__ import annotations

from studio.core.graph import Graph

GLOBAL = "wan2.2_dancer_14b_global_fp8_scaled.safetensors"  # ComfyUI's names (Comfy-Org/Wan-Dancer)
LOCAL = "wan2.2_dancer_14b_local_fp8_scaled.safetensors"
BASE = "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"  # UMT5, Wan 2.1 VAE, CLIP ViT-H, the scheduler


def dance_to_music(finish, thumb) -> str:
    g = Graph()
    glob = g.add_node("video_models.load", {"model": GLOBAL, "base": BASE}, pos=(0, 0), title="Wan Dancer global")
    loc = g.add_node("video_models.load", {"model": LOCAL, "base": BASE}, pos=(0, 130), title="Wan Dancer local")
    img = g.add_node("io.load_image", {"path": "../media/portrait.png"}, pos=(0, 260), title="Dancer")
    music = g.add_node("io.load_audio", {"path": "../media/music.wav"}, pos=(0, 380), title="Music")
    dance = g.add_node("video_models.wan_dancer", {
        "style": "K-Pop", "amplitude": "medium", "segments": 0, "width": 720, "height": 1280, "steps_global": 48,
        "steps": 24, "guidance": 5.0, "shift": 5.0, "seed": 0}, pos=(300, 60))
    out = g.add_node("io.save_video", {"path": "out/dance_to_music.mp4"}, pos=(620, 60))
    g.connect(glob.id, "model", dance.id, "global_model")
    g.connect(loc.id, "model", dance.id, "local_model")
    g.connect(img.id, "image", dance.id, "image")
    g.connect(music.id, "audio", dance.id, "audio")
    g.connect(dance.id, "video", out.id, "video")
    g.connect(music.id, "audio", out.id, "audio")
    path = finish(
        g, "dance_to_music", "Dance to music (Wan Dancer)",
        "A still of a dancer and a music track: Wan-Dancer-14B makes them dance to its beats, at 30 fps, for as "
        "long as the music lasts.",
        "Dance to music with Wan Dancer (Wan-AI/Wan-Dancer-14B, two Wan 2.1 I2V 14B models): the music's beats, "
        "onsets, MFCCs and chroma (as the release computes them) go into both models. The global model draws 38 "
        "keyframes over the whole take (149 frames at the rate the music gives: 7.5 fps for 20 s), the still "
        "its first; the local model renders the take at 30 fps in segments of 149 frames (4.97 s) between "
        "them, each hearing its own stretch of the music. segments 0 makes as many whole segments as the music "
        "covers. The music goes out with the clip (Save Video's audio). Put ComfyUI's "
        f"diffusion_models/{GLOBAL} and {LOCAL} and {BASE} (its UMT5, VAE and CLIP) in your models folder or "
        "set STUDIO_MODELS.\nKnobs: the still (a full figure), the music (a silent one is refused), style (the "
        "dance, said to the model in Chinese as the release says it) and amplitude, the release's 48 global and "
        "24 local steps, guidance 5 and shift 5; with lightx2v's step-distill LoRA on Video LoRA (ComfyUI's "
        "template: strength 3 on the global, 1.03 on the local) guidance 1 and 6 steps each. width and height: "
        "the release's 720x1280 (multiples of 16, width/16 x height/16 a multiple of 8). 'preview size' on the "
        "CPU makes at most 256 px and 8 steps.", gpu=True)
    thumb("dance_to_music", "Dance to music", ((120, 30, 90), (250, 170, 60)))
    return path
