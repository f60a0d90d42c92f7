"""The InfiniteTalk node: a start image, a prompt and a voice's speech features make a talking clip
with Wan 2.1 I2V 14B and InfiniteTalk's patch (infinitetalk.py, after MeiGen-AI/InfiniteTalk@0107cd9
``wan/multitalk.py`` ``generate_infinitetalk``): windows of up to 81 frames at 25 fps (a longer take
continued window by window from the last 9 frames made, as the reference's streaming mode), each
through diffusers' ``WanImageToVideoPipeline`` with the audio attention hooked in.

Two speakers as the reference's: each voice's tokens side by side, each face region (mask_1, mask_2)
steering which tokens hear which voice. Guidance as the reference's vanilla CFG with its text and
audio scales equal: the conditional call has the prompt and the voice, the unconditional the
negative prompt and silence (the features zeroed), ``uncond + g (cond - uncond)``; with
'audio_guidance' set apart, the reference's three calls (``uncond + t (cond - drop_text) + a
(drop_text - uncond)``, or at guidance 1 ``drop_audio + a (cond - drop_audio)``), given through the
pipeline's two (talk_applied._guided). Each window draws its own noise (seeded by the window), where
the reference's global generator runs on. Two voices are spoken together (the wrapper's 'para'): the take lasts
as long as the longer, the shorter's features padded with silence (zeros) to its length, as the wrapper pads them;
one of them may be silent (a speaker listening: ComfyUI's two_speakers given a silent track), not both.
Dubbing a clip below 'strength' 1: each window starts from the clip's own frames noised part way down the
schedule and runs the steps from there (talk_dub.py, the wrapper's start_step on the clip's latents)."""
from __future__ import annotations

import numpy as np

from studio.core.params import Choice, Float, Int, Path, Text
from studio.core.spec import In, Out

from ....base.errors import ModelError
from ....base.voice import check_voice, too_short, voice_frames
from ....loading.inputs import video_model_input
from ....sampling import picture_size
from ....sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of
from .....model_file_checks import model_file_checks
from ..module_file import kept_for_file
from .infinitetalk import FOLDER, VAE_SCALE, TalkError, audio_tokens, build_patch, find_patch, padded_for, read_patch, \
    talk_applied, window_starts
from .talk_rate import FPS

TRAINED_FRAMES = 81  # the reference's frame_num: one window
METHODS = ("infinitetalk", "multitalk")  # how a window is conditioned (talk_motion: MultiTalk's)
# the release's negative prompt (wan/configs/wan_multitalk_14B.py sample_neg_prompt, used when none is given)
NEGATIVE = ("bright tones, overexposed, static, blurred details, subtitles, style, works, paintings, images, static, "
            "overall gray, worst quality, low quality, JPEG compression residue, ugly, incomplete, extra fingers, "
            "poorly drawn hands, poorly drawn faces, deformed, disfigured, misshapen limbs, fused fingers, still "
            "picture, messy background, three legs, many people in the background, walking backwards")
MAX_FRAMES = 90_000  # an hour at 25 fps (Speech Features encodes at most an hour)
LEFT_OUT = ("frames", "fps", "window", "overlap", "guidance_2") + TAKE_PARAMS


def fitted(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """The image scaled to cover w x h and centre-cropped (the reference's resize_and_centercrop)."""
    import cv2
    img = np.atleast_3d(np.asarray(img, np.float32))
    img = np.repeat(img[..., :1], 3, -1) if img.shape[2] < 3 else img[..., :3]
    ih, iw = img.shape[:2]
    k = max(w / iw, h / ih)
    sw, sh = max(w, int(np.ceil(iw * k))), max(h, int(np.ceil(ih * k)))
    big = img if (sw, sh) == (iw, ih) else cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA)
    top, left = (sh - h) // 2, (sw - w) // 2
    return np.ascontiguousarray(big[top:top + h, left:left + w])


def _capped(voice_frames: int, most) -> int:
    """The frames a take of 'frames' 0 lasts: the voice's, at most ``most`` where it is set (above 0)."""
    most = int(most or 0)
    return min(int(voice_frames), most) if most > 0 else int(voice_frames)


def window_frames(clip, at: int, win: int, w: int, h: int) -> np.ndarray:
    """The clip's frames ``at`` .. ``at + win - 1`` ([win, h, w, 3] in [0, 1]) fitted to the take's size as its
    pictures are, the clip's last frame past its end: a dubbed window's own frames (talk_dub)."""
    from .talk_frames import clip_frame
    return np.stack([fitted(clip_frame(clip, i), w, h) for i in range(at, at + win)])


def speech_of(features, per_frame: int, title: str):
    """The features as [T, per_frame] float32 (wav2vec2's layers after its embeddings); refused in words."""
    import torch
    x = torch.as_tensor(np.asarray(features.data) if not isinstance(features.data, torch.Tensor) else features.data)
    x = x.float().reshape(x.shape[0], -1) if x.ndim >= 2 else x.float()
    width = int((features.extras or {}).get("width") or 0)
    if x.ndim != 2 or not features.per_frame:
        raise TalkError(f"{title}: 'speech' is not per-frame features: connect Speech Features")
    if x.shape[1] == per_frame + width and width:  # Speech Features' 'all' starts with the embeddings' output
        x = x[:, width:]
    if x.shape[1] != per_frame:
        raise TalkError(f"{title}: the speech features are {x.shape[1]} values a frame but the patch reads {per_frame} "
                        "(wav2vec2's 12 layers of 768 after its embeddings): encode the voice with the wav2vec2 "
                        "InfiniteTalk was trained on (chinese-wav2vec2-base) and Speech Features' layers 'all'")
    if not torch.isfinite(x).all():
        raise TalkError(f"{title}: the speech features hold NaN or infinite values")
    return x


def check_wan_i2v(ref, title: str, needs: str) -> None:
    """Refused in words (``title``: the node's, ``needs``: what it is for) unless the loaded model ``ref`` is Wan 2.1
    I2V: Wan's family, the noise, its mask and the image latents read, CLIP image tokens, no per-token timesteps (the
    voice add-ons' check: InfiniteTalk, FantasyTalking)."""
    if ref.fam.key != "wan":
        raise ModelError(f"{title}: model '{ref.path}' is a {ref.fam.title} model: {needs}")
    cfg = ref.module.transformer.config
    if int(cfg.in_channels) != 2 * int(cfg.out_channels) + 4 or cfg.get("image_dim") is None or \
            ref.module.config.get("expand_timesteps"):
        raise ModelError(f"{title}: model '{ref.path}' is not Wan 2.1 I2V (it reads {cfg.in_channels} channels"
                         f"{'' if cfg.get('image_dim') else ', no CLIP image'}): {needs}")


class InfiniteTalk(GeneratorNode):
    """Make a talking clip from a start image and a voice with InfiniteTalk (Wan 2.1 I2V 14B and its
    InfiniteTalk patch file): the lips and face move with the speech. Connect Speech Features
    (wav2vec2, layers 'all', align 'encoder input', 25 fps) of the voice; for a dialogue a second
    speaker's on speech_2 and each speaker's face region on mask_1 / mask_2 (none: the left and the
    right of the picture, as the reference). A take longer than 81 frames is made in windows, each
    continued from the last frames of the one before; with a clip (dubbing), each window sees the
    clip's frame at its start, and below 'strength' 1 starts from the clip's own frames noised part way. Two
    voices speak together: the take lasts as long as the longer, the shorter padded with silence."""
    streams_output = False  # made whole (its windows continue each other: none is final before the next)
    id = "video_models.infinitetalk"
    title = "InfiniteTalk"
    keywords = ("infinitetalk", "multitalk", "talking head", "talking portrait", "lip sync", "speech", "voice",
                "audio driven", "dubbing")
    task = "i2v"
    length_ports = ("speech", "speech_2")  # 'frames' 0: the voice's length (Speech Features' foresight)
    rate_ports = ("clip",)  # 'fps' 0: the dubbed clip's rate (its Speech Features given it too), else the voice's
    inputs = (In("model", "Video Model", help="Wan 2.1 I2V 14B (480p): InfiniteTalk's base model"),
              In("image", "Image", optional=True, help="the speaker: the first frame (with a clip, its first frame "
                                                       "when none is given)"),
              In("speech", "Features", help="Speech Features of the voice (wav2vec2, layers 'all', fps 25)"),
              In("prompt", "Text", optional=True),
              In("speech_2", "Features", optional=True, help="a second speaker's voice (then mask_1 and mask_2)"),
              In("mask_1", "Mask", optional=True, help="two speakers: white on the first speaker's face region"),
              In("mask_2", "Mask", optional=True, help="two speakers: white on the second speaker's face region"),
              In("clip", "Video", optional=True, help="video to video (dubbing): each window sees the clip's frame "
                                                      "at its start, as the reference's video input"))
    outputs = (Out("video", "Video"),)
    params = (Path("patch", "", lookup=True, filters="InfiniteTalk patch (*.safetensors)",
                   help=f"InfiniteTalk's patch file, or its name in a models folder's {FOLDER}/ "
                        "(wan2.1_infiniteTalk_single_fp16.safetensors)"),
              Text("prompt", "a person talking to the camera"),
              Text("negative_prompt", NEGATIVE, help="the release's by default"),
              Int("frames", 0, min=0, max=MAX_FRAMES, special="the voice's length",
                  help=f"frames made; 0: the voice's length. Up to {TRAINED_FRAMES} (4k+1) in one window; longer "
                       f"takes in windows of {TRAINED_FRAMES}, each continued from the last frames of the one before"),
              Int("most_frames", 0, min=0, max=MAX_FRAMES, special="no limit",
                  help="with frames 0: the take lasts as long as the voice, at most this many frames (the "
                       "wrapper's MultiTalkWav2VecEmbeds num_frames); 0: no limit"),
              Int("motion_frames", 9, min=1, max=TRAINED_FRAMES - 8,
                  help="frames of a window carried into the next (the reference's motion_frame; MultiTalk's 25)"),
              Choice("method", "infinitetalk", choices=METHODS,
                     help="infinitetalk: each window sees the picture, the frames carried held clean; multitalk (a "
                          "MultiTalk patch): a later window is conditioned on the frames carried, noised to each "
                          "step's level, as MultiTalk's release makes long takes"),
              Float("fps", FPS, min=0.0, max=120.0, help="the clip's frame rate; the speech features' must be the "
                                                       "same (InfiniteTalk was trained at 25). 0: the rate of the "
                                                       "clip dubbed on 'clip' (Speech Features given that clip on "
                                                       "their 'video' are made at it), else the speech features'"),
              Float("audio_scale", 1.0, min=0.0, max=10.0, help="the audio attention's strength (1: as trained)"),
              Float("audio_guidance", 0.0, min=0.0, max=30.0,
                    help="the voice's guidance apart from the prompt's (the reference's audio_guide_scale: 4 with "
                         "guidance 5; with a distill LoRA at guidance 1, about 2): one more model call a step; "
                         "0: the same as guidance"),
              Float("strength", 1.0, min=0.01, max=1.0,
                    help="dubbing a clip (on 'clip'): how far each window is made anew. 1: from noise, the clip seen "
                         "at each window's start only; below 1, each window starts from the clip's own frames noised "
                         "part way and runs the last strength x steps steps (the wrapper's start_step on the clip's "
                         "latents: step 2 of 4 is 0.5)")) + \
        tuple(q for q in COMMON if q.name not in LEFT_OUT) + picture_size.PARAMS  # (the take sized by its picture)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan", "name": "InfiniteTalk (Wan 2.1 I2V 14B + audio patch)",
                 "variants": ["one speaker", "two speakers (a face region each)", "long takes in windows"],
                 "tasks": ["speech to video"],
                 "inputs": {"speech to video": ["image", "speech (Speech Features: wav2vec2, layers 'all', align "
                                                "'encoder input')", "prompt", "speech_2 + mask_1 + mask_2"]},
                 "formats": ["ComfyUI model_patches/wan2.1_infiniteTalk_*.safetensors", "infinitetalk.safetensors"]}]

    @classmethod
    def voice_seconds(cls, params) -> float | None:
        """The seconds of its voices a take reads ('frames' at 'fps'; None: 'frames' 0, the voice's length): what
        Speech Features encodes for it (studio.engine.voice_budget)."""
        from studio.engine.voice_budget import take_seconds
        if not float(params.get("fps") or 0):  # 'fps' 0: the dubbed clip's rate, known when it runs: the whole voice
            return None
        return take_seconds(params, FPS) or take_seconds(params, FPS, "most_frames")  # a capped voice: its span

    @classmethod
    def estimate(cls, params, base_dir, inputs):
        """Timed for the frames the voice gives (Speech Features' foresight) where 'frames' is 0, as run() makes them."""
        voices = [int((inputs.get(k) or {}).get("voice_frames") or 0) for k in ("speech", "speech_2") if inputs.get(k)]
        if not int(params.get("frames") or 0) and voices and max(voices) > 0:  # two voices: the longer's length
            params = dict(params, frames=_capped(max(voices), params.get("most_frames")))
        strength, steps = float(params.get("strength") or 1.0), int(params.get("steps") or 0)
        if strength < 1 and steps and inputs.get("clip"):  # a dubbed clip's windows run their last steps only
            from .talk_dub import start_step
            params = dict(params, steps=max(1, steps - start_step(steps, strength)))
        return super().estimate(params, base_dir, inputs)

    @classmethod
    def take_shape(cls, params, fam):
        """4k+1 frames in one window, or windows of 81 continued from their last 'motion_frames' (run())."""
        want = int(params.get("frames") or 0)
        if want < 1 + VAE_SCALE:
            return None
        n = want if want > TRAINED_FRAMES else (want - 1) // VAE_SCALE * VAE_SCALE + 1
        win = min(n, TRAINED_FRAMES)
        return win, len(window_starts(n, win, int(params.get("motion_frames") or 9))), 1

    preflight, signature_files = model_file_checks(  # the patch file: its error before a run, its fingerprint
        lambda cls, params, base_dir: find_patch(params.get("patch") or "", base_dir, cls.title), TalkError)

    def _patch(self, ctx, ref, tr):
        """The patch module, read once per file and kept with the loaded model."""
        path = find_patch(ctx.params.patch, getattr(ctx.options.get("graph"), "base_dir", None), self.title)
        cfg = tr.config

        def made():
            mod = build_patch(read_patch(path, self.title), int(cfg.num_attention_heads * cfg.attention_head_dim),
                              int(cfg.num_attention_heads), int(cfg.num_layers), float(cfg.eps), self.title, path)
            return mod.to(ref.dtype) if ref.dtype is not None else mod
        return kept_for_file(ref, "infinitetalk", path, made)

    def _check_model(self, ref):
        check_wan_i2v(ref, self.title, "InfiniteTalk patches Wan 2.1 I2V 14B")

    def _frames(self, ctx, speech, voice_frames: int) -> int:
        p = ctx.params
        want = p.frames or _capped(voice_frames, p.most_frames)
        n = want if want > TRAINED_FRAMES else (want - 1) // VAE_SCALE * VAE_SCALE + 1  # longer: windows, cut
        if n < 1 + VAE_SCALE:
            raise TalkError(f"{self.title}: {want} frames: InfiniteTalk makes 4k+1 frames, at least 5 (the voice "
                            f"covers {voice_frames})")
        if n != want:
            ctx.info(f"InfiniteTalk makes 4k+1 frames in one window: {want} asked, making {n}")
        too_short(self.title, voice_frames, n, self.fps, TalkError,
                  lambda h: h if h > TRAINED_FRAMES else (h - 1) // VAE_SCALE * VAE_SCALE + 1)
        return n

    @staticmethod
    def _rate(p, speech, clip) -> float:
        """The take's frame rate: 'fps', else (0) the dubbed clip's, else the speech features', else 25."""
        if p.fps:
            return float(p.fps)
        rate = getattr(clip, "fps", None) if clip is not None else getattr(speech, "fps", None)
        return float(rate) if rate else float(FPS)

    def _voice(self, ctx, speech, port: str = "speech", quiet_ok: bool = False) -> int:
        """Frames of voice the features hold (before any silence Speech Features padded them with);
        silence (but a dialogue's one listening speaker's: ``quiet_ok``) and another frame rate refused."""
        ex = speech.extras or {}
        if speech.fps and abs(float(speech.fps) - self.fps) > 1e-6:
            raise TalkError(f"{self.title}: the speech features are at {speech.fps:g} fps, the clip at {self.fps:g}: "
                            f"set Speech Features' fps to {self.fps:g}, or give them the clip on their 'video' "
                            "(InfiniteTalk was trained at 25)")
        if ex.get("align", "encoder input") != "encoder input":
            ctx.info("the speech features were interpolated after wav2vec2's layers; InfiniteTalk was trained on "
                     "features interpolated before them (Speech Features' align 'encoder input')")
        if quiet_ok and ex.get("silent"):  # (ComfyUI's two_speakers takes a silent track: 102/02's listener)
            ctx.info(f"'{port}' is silent: that speaker listens while the other speaks (its face region hears silence)")
            return voice_frames(speech)
        return check_voice(speech, self.title, 0, error=TalkError)  # silent refused; the voice's frames only

    def _speakers(self, ctx, speech, speech_2, mask_1, mask_2) -> int:
        """Frames of voice the take lasts: the voice's, two voices' the longer's (spoken together, the shorter
        padded with silence: _padded); a second speaker without a face region each refused."""
        if speech_2 is None:
            if mask_1 is not None or mask_2 is not None:
                ctx.warn("mask_1 / mask_2 mark two speakers' faces; with one voice they are not used")
            return self._voice(ctx, speech)
        if (mask_1 is None) != (mask_2 is None):
            raise TalkError(f"{self.title}: two speakers need a face region each: connect mask_1 and mask_2 "
                            "(one face region given): with none, speaker 1 is on the picture's left, speaker 2 on "
                            "its right")
        if mask_1 is None:  # the reference's regions where no bbox is given (talk_frames.halves)
            ctx.info("two speakers with no face regions: speaker 1 on the picture's left half, speaker 2 on its "
                     "right (the reference's boxes where no bbox is given)")
        quiet = [bool((v.extras or {}).get("silent")) for v in (speech, speech_2)]  # one may listen, not both
        first, second = (self._voice(ctx, v, k, not all(quiet)) for v, k in ((speech, "speech"), (speech_2, "speech_2")))
        if first != second:
            short, long_ = ("speech", "speech_2") if first < second else ("speech_2", "speech")
            ctx.info(f"the two voices speak together: the take lasts as long as the longer ('{long_}', "
                     f"{max(first, second)} frames); '{short}' ({min(first, second)} frames) is padded with silence "
                     "(its features zeroed) to that length, as the wrapper's 'para' pads it")
        return max(first, second)

    @staticmethod
    def _padded(feats: list) -> list:
        """Two voices' features of one length, the longer's: the shorter's end padded with zeros (silence, as the
        wrapper's MultiTalkWav2VecEmbeds 'para' pads it), not its last frame repeated."""
        import torch
        n = max(f.shape[0] for f in feats)
        return [f if f.shape[0] == n else torch.cat([f, f.new_zeros(n - f.shape[0], *f.shape[1:])]) for f in feats]

    def _masks(self, s, masks, img, w: int, h: int):
        """The two face regions (at the start image's size, fitted as it is) as token_masks; none given:
        the reference's left and right boxes at that size."""
        from .infinitetalk import token_masks
        from .talk_frames import halves
        if masks[0] is None and masks[1] is None:
            masks = halves(*img.shape[:2])
        got = []
        for i, m in enumerate(masks):
            a = np.asarray(m.frame(0) if hasattr(m, "frame") else m, np.float32)
            a = a if a.ndim == 2 else a[..., 0]
            if a.shape != img.shape[:2]:
                import cv2
                a = cv2.resize(a, (img.shape[1], img.shape[0]), interpolation=cv2.INTER_NEAREST)
            got.append(fitted(a[..., None], w, h)[..., 0] > 0.5)
            if not got[-1].any():
                raise TalkError(f"{self.title}: mask_{i + 1} marks no face (all black at the take's size)")
        cfg = s.pipe.transformer.config
        return token_masks(got, h, w, tuple(cfg.patch_size[1:]), int(s.pipe.vae_scale_factor_spatial))

    def run(self, ctx, model, image=None, speech=None, prompt=None, speech_2=None, mask_1=None, mask_2=None,
            clip=None):
        import torch
        from ....base.calls import to_pil
        from ....sampling.sampler import Sampler, filter_kwargs
        from .talk_frames import clip_frame
        if image is None and clip is None:
            raise TalkError(f"{self.title}: no picture: connect the speaker's image, or a clip to dub")
        if ctx.params.method == "multitalk" and clip is not None:
            raise TalkError(f"{self.title}: method 'multitalk' makes a take from a picture, as MultiTalk's release: "
                            "disconnect 'clip', or set method 'infinitetalk' to dub it")
        ref = video_model_input(model)
        self._check_model(ref)
        self.fps = self._rate(ctx.params, speech, clip)
        n = self._frames(ctx, speech, self._speakers(ctx, speech, speech_2, mask_1, mask_2))
        s = Sampler(ctx, ref, "i2v")
        patch = self._patch(ctx, ref, s.pipe.transformer)
        feats = self._padded([speech_of(v, patch.audio_proj.proj1.in_features // 5, self.title)
                              for v in (speech, speech_2) if v is not None])
        p = ctx.params
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        self.start, self.sigma = self._dub_start(ctx, s, clip)
        img = clip_frame(clip, 0) if image is None else \
            np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        self.clip = clip
        w, h = output_size(ctx, s, p.width, p.height, (img.shape[1], img.shape[0]), self.preview)
        self.masks = self._masks(s, (mask_1, mask_2), img, w, h) if speech_2 is not None else None
        win = min(n, TRAINED_FRAMES)
        base = filter_kwargs(s.pipe, {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None,
                                      "image": to_pil(fitted(img, w, h)), "height": h, "width": w, "num_frames": win,
                                      "num_inference_steps": self.steps, "guidance_scale": p.guidance}, ctx.warn)
        starts = window_starts(n, win, p.motion_frames)
        ctx.info(f"InfiniteTalk: {n} frames ({n / self.fps:.2f} s at {self.fps:g} fps) lip-synced to "
                 + ("the two voices, each on its face region" if len(feats) > 1 else "the voice")
                 + (f", in {len(starts)} windows of {win} continued from their last {p.motion_frames} frames"
                    + (" (MultiTalk's: each conditioned on them, noised to each step)" if p.method == "multitalk"
                       else "") if len(starts) > 1 else "") + ("; the unconditional call hears silence" if p.guidance > 1 else "")
                 + ("; each window sees the clip's frame at its start" if clip is not None else "")
                 + (f", starts from the clip's own frames noised to step {self.start} of {self.steps} (strength "
                    f"{p.strength:g}) and runs the last {self.steps - self.start}" if self.start else "")
                 + (f"; the voice guided at {p.audio_guidance:g} apart from the prompt's {p.guidance:g} (one more call a "
                    "step)" if self._apart(p) else ""))
        from studio.engine.clip import ArrayClip, frames_buffer
        out, where = frames_buffer((n, h, w, 3))
        if where:
            ctx.info(where)
        held, carried = None, None
        for k, at in enumerate(starts):
            ctx.check_cancelled()
            frames = self._window(ctx, s, patch, feats, base, at, win, k, held, last=k == len(starts) - 1 and k > 0,
                                  carried=carried)
            keep = 0 if k == 0 else p.motion_frames
            out[at + keep:min(n, at + win)] = frames[keep:min(win, n - at)]
            if k + 1 < len(starts):
                from ..fun.fun import encode_frames
                carried = np.array(frames[-p.motion_frames:])  # a writable copy
                with torch.inference_mode():
                    held = encode_frames(s.pipe, carried)
        return self._made(ctx, ArrayClip(out, self.fps), w, h)

    @staticmethod
    def _motion(ctx, s, kwargs: dict, carried, win: int, k: int) -> dict:
        """talk_applied's MultiTalk arguments for window ``k``: False for the first (nothing held); for a later one,
        the condition of the frames ``carried`` (talk_motion) and its noise's generator, its picture (CLIP's) the
        last of them."""
        import torch
        from ....base.calls import to_pil
        from .talk_motion import motion_condition
        if not k:
            return {"motion": False}
        kwargs["image"] = to_pil(carried[-1])
        with torch.inference_mode():
            cond = motion_condition(s.pipe, carried, win)
        return {"motion": cond, "generator": ctx.torch_generator(device="cpu", salt=1000 + k)}

    def _dub_start(self, ctx, s, clip) -> tuple[int, float | None]:
        """(the step each window starts at, the noise level there): (0, None) from noise; below 'strength' 1 with a
        clip, the step of its schedule (talk_dub); refused where no step would run."""
        from .talk_dub import start_sigma, start_step
        p = ctx.params
        if p.strength >= 1:
            return 0, None
        if clip is None:
            ctx.warn(f"'strength' {p.strength:g} applies to a clip to dub (on 'clip'): with none, each window is made "
                     "from noise")
            return 0, None
        start = start_step(self.steps, p.strength)
        if start >= self.steps:
            raise TalkError(f"{self.title}: strength {p.strength:g} of {self.steps} steps runs none: set strength to at "
                            f"least {1 / self.steps:.3g} (one step)")
        return start, start_sigma(s.pipe, p, self.steps, start, self.title)

    @staticmethod
    def _apart(p) -> tuple[float, float] | None:
        """(text, audio) guidance when the voice's is set apart from the prompt's, else None."""
        a = float(p.audio_guidance)
        return (max(1.0, float(p.guidance)), a) if a and a != max(1.0, float(p.guidance)) else None

    def _window(self, ctx, s, patch, feats, base: dict, at: int, win: int, k: int, held, last: bool,
                carried=None) -> np.ndarray:
        """One window's frames [win, h, w, 3]: its audio from frame ``at``, its first latent frames
        ``held`` (the previous window's last frames, ``carried``; None: the start image's), its own noise."""
        import torch
        p = ctx.params
        if last:  # the reference's reversed tail where the last window runs past the voice's features
            feats = [padded_for(f, at + win) for f in feats]
        with torch.inference_mode():  # two speakers: their tokens side by side; silence is one speaker's
            cond = torch.cat([audio_tokens(patch, f, at, win) for f in feats], 2)
            apart = self._apart(p)
            uncond = audio_tokens(patch, torch.zeros_like(feats[-1]), at, win) if p.guidance > 1 or apart else cond
        kwargs = dict(base)
        if k and self.clip is not None:  # dubbing: the window's picture is the clip's frame at its start
            from ....base.calls import to_pil
            from .talk_frames import clip_frame
            kwargs["image"] = to_pil(fitted(clip_frame(self.clip, at), base["width"], base["height"]))
        vae = s.pipe.vae
        f = s.pipe.vae_scale_factor_spatial
        shape = (1, int(vae.config.z_dim), (win - 1) // VAE_SCALE + 1, base["height"] // f, base["width"] // f)
        if k:  # the reference's noise goes on from window to window: each window its own here
            kwargs["latents"] = torch.randn(shape, generator=ctx.torch_generator(device="cpu", salt=k))
            ctx.info(f"window {k + 1}: frames {at}-{at + win - 1}, its first {p.motion_frames} held from the last")
        from contextlib import nullcontext

        from .talk_dub import noised, sampled_from
        if self.start:  # dubbing from a start step: the window's own frames of the clip, noised to it (talk_dub)
            from ..fun.fun import encode_frames
            with torch.inference_mode():  # (the first window's noise: the one its call would draw, salt 0)
                clean = encode_frames(s.pipe, window_frames(self.clip, at, win, base["width"], base["height"]))
                noise = kwargs["latents"] if k else torch.randn(shape, generator=ctx.torch_generator(device="cpu"))
                kwargs["latents"] = noised(clean, noise, self.sigma)
        motion = {}
        if p.method == "multitalk":  # MultiTalk's conditioning (talk_motion): the frames carried, not the picture
            motion = self._motion(ctx, s, kwargs, carried, win, k)
        with talk_applied(s.pipe, patch, cond, uncond, p.audio_scale, held, self.masks, apart, **motion), \
                (sampled_from(s.pipe, self.start, self.sigma, self.title) if self.start else nullcontext()):
            clip = s.generate(win, win, 0, lambda start_at, still: dict(kwargs), self.fps, previews=p.previews,
                              steps=self.steps - self.start, size=(base["width"], base["height"]))
        return np.asarray(clip.frames if hasattr(clip, "frames") else clip.chunk(0, win), np.float32)
