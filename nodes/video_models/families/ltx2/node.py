"""LTX-2: picture and sound made together (diffusers' LTX2Pipeline / LTX2ImageToVideoPipeline,
whose AutoencoderKLLTX2Audio and vocoder turn the audio latents into a waveform).

The sound leaves on an Audio port and rides on the clip (``clip.audio``), so Save Video muxes it
and the timeline plays it like a loaded video's; 'sound: input' keeps the track on the audio
input instead; 'sound: drive' makes the picture to that track (encoded by LTX-2's audio VAE and held
clean while the video is denoised: sound_drive.py) and keeps it; 'sound: voice' reads the track as a reference voice
(LTX-2.3 with an ID-LoRA) and makes the take's speech in that voice (ref_voice.py). One sound input, as the other
voice-driven nodes have (Wan S2V's 'audio'); what the node does with it is the 'sound' choice. Files saved before
(node version 1) had a second 'voice' input: ``upgrade`` wires it into 'audio' with 'sound: voice'. Progress, previews, Stop inside a step, LoRAs and the model cache are the
other video-model nodes' (sampling.Sampler). The picture and its sound are made in one call:
LTX-2 is not run in windows (the sound of separate windows would not join)."""
from __future__ import annotations

from contextlib import nullcontext

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Text
from studio.core.spec import In, Out
from studio.core.values import Audio
from studio.engine.clip import ArrayClip

from ...base.errors import ModelError
from ...base.family import valid_frames
from ...loading.inputs import video_model_input
from ...sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of, say_frame_rule
from ...takes.continue_from import CONTINUE_FROM, CONTINUE_PARAMS, cut_lead, one_call_lead, \
    with_lead
from ...takes.keyframes_at import KEY_INPUTS, KEY_PARAMS, first_size
from .ic_control import control_rate, control_size, take_frames  # (0 with a control clip: its length, size, rate)
from .sound_continue import held_for

SOUNDS = ("generated", "input", "drive", "voice")
MAX_TOKENS = 1024  # LTX2Pipeline's own max_sequence_length


def sound_of(pipe, audio) -> Audio | None:
    """The pipeline's waveform ([1, channels, samples] at the vocoder's rate) as an Audio value."""
    if audio is None:
        return None
    import torch
    a = torch.as_tensor(audio).detach().float().cpu().numpy()
    a = a[0] if a.ndim == 3 else a
    rate = int(getattr(pipe.vocoder.config, "output_sampling_rate", 0) or pipe.audio_vae.config.sample_rate)
    return Audio(np.clip(a.T, -1.0, 1.0), rate)


class LTX2Video(GeneratorNode):
    """Make a clip and its sound from a prompt (and an optional first image) with LTX-2. The sound
    comes out on the audio port and with the clip (Save Video writes it, the timeline plays it);
    'sound: input' keeps the track on the audio input instead; 'sound: drive' makes the picture to that
    track (a talking or singing portrait: the mouth and motion follow the given voice) and keeps it;
    'sound: voice' reads the track as a reference voice (with LTX-2.3's ID-LoRA): the take's own speech
    is made in that voice. The whole clip is made in one call."""
    streams_output = False  # one window with its sound: nothing to stream
    carries_sound = True  # its video carries the sound it makes (Concatenate joins it: studio/convert/takes/joined_sound)
    code_version = 1  # 1: 'sound: drive' with frames 0 makes the sound's length (it made 121 frames)
    version = 2  # 2: one sound input ('voice' became 'audio' with 'sound: voice'; upgrade below)
    id = "video_models.ltx2"
    title = "LTX-2 Video + Sound"
    task = "t2v"
    source_ports = ("control",)  # frames 0 with a control clip: its length (ic_control.take_frames), declared for the
    # converter's count of that clip's frames (folded_sizes._counted) and the length foreseen (take_length)
    rate_ports = ("control",)  # fps 0: its rate (ic_control.control_rate; the converter's clip_rate)
    size_ports = ("control",)  # width and height 0 with no other picture wired: its size (ic_control.control_size)
    inputs = (In("model", "Video Model", help="an LTX-2 model (LTX2Pipeline)"),
              In("image", "Image", optional=True, help="the first frame: image to video"),
              In("prompt", "Text", optional=True),
              In("audio", "Audio", optional=True,
                 help="the sound the 'sound' choice uses: a track to keep instead of the made sound ('input'), a "
                      "voice to make the picture to ('drive': a talking portrait; frames 0: the take lasts as long), "
                      "or a few seconds of a voice whose timbre the take's new speech is made in ('voice': LTX-2.3 "
                      "with an ID-LoRA wired through Video LoRA; about 5 s of clean speech)"),
              In("control", "Video", optional=True, help="a control clip (Edges, Depth, Pose...) the take follows, "
                                                         "read by an IC-LoRA wired through Video LoRA; 'frames', "
                                                         "'width', 'height' and 'fps' 0 take its length, size "
                                                         "(where no image, keyframe or clip continued sizes the take; "
                                                         "rounded down as LTX-2 needs) and rate"),
              CONTINUE_FROM) + KEY_INPUTS
    outputs = (Out("video", "Video", help="the picture, with the sound (continued from a clip: its last frames "
                                          "first)"), Out("audio", "Audio"),
               Out("latent", "Latent", help="the latents the picture was decoded from, for LTX-2 Latent Upscale's "
                                            "'latent' (a later pass samples them as made: no VAE round trip); none "
                                            "where the frames are not all of them (a continued clip cut)"))
    params = (Text("prompt", "a singer on a stage sings into the camera, close up, cinematic"),
              Text("negative_prompt", ""),
              Choice("sound", "generated", choices=SOUNDS, help="generated: LTX-2's own sound; input: the track "
                                                                "on the audio input replaces the made sound "
                                                                "afterwards (the picture is not made to it); "
                                                                "drive: the picture is made to the track on the "
                                                                "audio input, held clean while the video is "
                                                                "denoised, and the track is kept (cut to the "
                                                                "take; a shorter track is refused); voice: the "
                                                                "take's own speech made in the timbre of the "
                                                                "voice on the audio input (an ID-LoRA)"),
              Float("image_strength", 1.0, min=0.01, max=1.0, help="how firmly the first frame holds the image "
                    "on 'image' (1: held clean, as given; below 1: its latents start noised to 1 - this of the "
                    "noise and each step keeps this share of them, the model's the rest: ComfyUI's "
                    "LTXVImgToVideoInplace strength, LTX2ConditionPipeline's condition strength)"),
              Int("image_crf", -1, min=-1, max=100, help="the pictures given (the image, keyframes) compressed as a "
                  "frame of an H.264 video at this CRF before they are encoded, as LTX-2 was trained (ComfyUI's "
                  "LTXVPreprocess img_compression); 0: not compressed; -1: the model's own (33; LTX-2.5's 18)"),
              Float("control_strength", 1.0, min=0.0, max=1.0, help="how clean the control clip looks to the model "
                                                                   "(1: as given; 0: as noisy as the take)"),
              Float("audio_guidance", 0.0, min=0.0, max=20.0, help="how closely the sound follows the prompt; 0: "
                    "the picture's guidance (one guidance for both, as ComfyUI's CFGGuider runs LTX-2); LTX-2's "
                    "release guides its sound at 7"),
              Float("guidance_rescale", 0.7, min=0.0, max=1.0, help="how far each guided step is scaled back "
                    "to the spread of the prompted prediction, against over-bright, burnt frames at high guidance "
                    "(the picture's and the sound's; 0: none; 0.7: LTX-2's pipelines' own; ComfyUI-LTXVideo's STG "
                    "guider 'rescale')"),
              Float("identity_guidance", 3.0, min=0.0, max=100.0, help="with a reference voice: how strongly the "
                    "sound is pushed toward that voice (one more model call a step: the sound with the reference "
                    "minus without it, times this; 0: no extra call, the voice is still read)"),
              Float("identity_start", 0.0, min=0.0, max=1.0, help="identity guidance from this part of the schedule "
                    "(0: the first, noisiest step; the step's noise level at most 1 - this)"),
              Float("identity_end", 1.0, min=0.0, max=1.0, help="identity guidance up to this part of the schedule "
                    "(1: the last step; the step's noise level at least 1 - this)")) + \
        tuple(q for q in COMMON if q.name not in ("window", "overlap") + TAKE_PARAMS) + KEY_PARAMS + \
        CONTINUE_PARAMS + (Bool("continue_sound", False, help="with 'continue_from' and 'sound: generated': the clip's "
                                "sound under the frames continued is the take's first sound, the rest made on "
                                "from it (else the take's whole sound is made anew)"),)

    @classmethod
    def estimate(cls, params, base_dir, inputs):
        """'sound: drive' with frames 0 is timed for the frames the voice gives (its file's declared length), as
        take_to_sound makes them: the LTX-2 portrait said the same time for a 3 s voice as for the template's 6 s."""
        import math

        from ...sampling.advice import family_wired
        seconds = float((inputs.get("audio") or {}).get("seconds") or 0.0)
        fam, _ = family_wired(inputs)
        if params.get("sound") == "drive" and not int(params.get("frames") or 0) and seconds > 0 and fam is not None:
            fps = float(params.get("fps") or 0) or fam.fps
            params = dict(params, frames=valid_frames(fam, max(1, math.ceil(seconds * fps - 1e-6))))
        return super().estimate(params, base_dir, inputs)

    @classmethod
    def upgrade(cls, version: int, params: dict, links: dict) -> str | None:
        """Version 1's second sound input 'voice' wired into the one 'audio', with 'sound: voice'. With both
        wired, the one the old node used is kept: the voice when 'sound' was generated (the track on 'audio'
        was not used then), else the track (a voice beside it was refused)."""
        if version >= 2 or "voice" not in links:
            return None
        voice = links.pop("voice")
        if "audio" in links and params.get("sound", "generated") != "generated":
            return (f"the reference voice on 'voice' is disconnected: LTX-2 now has one sound input, and 'audio' "
                    f"keeps its track for 'sound: {params.get('sound')}' (a voice beside it was refused)")
        dropped = links.pop("audio", None) is not None
        links["audio"] = voice
        params["sound"] = "voice"
        return ("its reference voice now comes in on 'audio' with 'sound: voice' (LTX-2 has one sound input)"
                + ("; the track on 'audio', which 'sound: generated' did not use, is disconnected" if dropped else ""))

    def run(self, ctx, model, image=None, prompt=None, audio=None, control=None, continue_from=None, **keys):
        from ...sampling.sampler import Sampler, filter_kwargs
        ref = video_model_input(model)
        p = ctx.params
        if ref.fam.key != "ltx2":
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: LTX-2 Video + Sound needs an LTX-2 "
                             "model (LTX2Pipeline)")
        if p.sound != "generated" and audio is None:
            raise StudioError(f"'sound' is '{p.sound}' but nothing is connected to the audio input")
        voice = audio if p.sound == "voice" else None
        if voice is not None:  # refused before the model is made ready (ref_voice.py)
            from .ref_voice import check_voice
            check_voice(ctx, ref, voice, p)
        if p.sound == "generated" and audio is not None:
            ctx.warn("the audio input is not used: set 'sound' to 'input' to keep it, 'drive' to make the "
                     "picture to it or 'voice' to speak in its voice")
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        asked, fps = p.frames, p.fps or control_rate(ctx, control) or ref.fam.fps  # (fps 0: the control clip's rate)
        if p.sound == "drive":  # frames 0: the take follows the sound; a shorter track refused before the model loads
            from .sound_drive import check_length, take_to_sound
            if not asked:
                asked, audio = take_to_sound(ctx, ref.fam, audio, fps)
            check_length(audio, valid_frames(ref.fam, asked), fps)
        from ...sampling.prompt_cache import all_cached, text_kwargs
        task = "i2v" if image is not None else "t2v"
        tokens = min(MAX_TOKENS, int(getattr(ref.module.tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS))
        cached = all_cached(ctx, ref, task, text, p.negative_prompt, tokens)  # then Gemma is not loaded
        s = Sampler(ctx, ref, task, not cached)
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        want = asked or (len(control) if control is not None else 0) or s.fam.frames
        n = take_frames(s.fam, asked, len(control) if control is not None else None)  # (0 with a control: its length)
        say_frame_rule(ctx, s.fam, want, n)
        keyed = self._keyframes(ctx, s, n, n, keys)  # LTX2ConditionPipeline (keyframes_at.py)
        from .conditions import start_held, with_start  # (a start image below strength 1: a condition at it)
        strength = start_held(ctx, s, image, p.image_strength, bool(keyed) or control is not None)
        lead = one_call_lead(ctx, s, continue_from, image, control, n, self.title)  # the clip it continues
        img, like = None, (continue_from.width, continue_from.height) if lead else first_size(keyed)  # (or keys')
        if image is not None:
            img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
            like = (img.shape[1], img.shape[0])
        like = control_size(ctx, s.fam.size_multiple, control, like, p.width, p.height)  # (nothing else sizes it)
        w, h = output_size(ctx, s, p.width, p.height, like, self.preview)
        words = text_kwargs(ctx, s, text, p.negative_prompt, tokens) or {"prompt": text,
                                                                          "negative_prompt": p.negative_prompt or None}
        base = filter_kwargs(s.pipe, {**words, "height": h, "width": w, "num_frames": n, "frame_rate": fps,
                                      "num_inference_steps": self.steps, "guidance_scale": p.guidance,
                                      "audio_guidance_scale": p.audio_guidance or p.guidance,
                                      "guidance_rescale": (r := p.guidance_rescale), "audio_guidance_rescale": r,
                                      "max_sequence_length": tokens}, ctx.warn)
        base = with_start(ctx, s, base, img, keyed, p.keyframe_strength, strength)
        base = with_lead(s, base, lead)  # its last frames at frame 0 (continue_from.py)
        if control is not None:  # LTX2InContextPipeline: the clip read by an IC-LoRA (ic_control.py)
            from .ic_control import with_control
            base = with_control(ctx, s, base, control, n, (w, h), p.control_strength, None if keyed else img)
        from .conditions import with_crf
        base = with_crf(ref, s.pipe, base, p.image_crf)  # its CRF, or the model's (Gemma waiting: from its config)
        held = held_for(ctx, s.pipe, p.sound, continue_from, lead, fps) or nullcontext()  # (continue_sound)
        if p.sound == "drive":  # the picture made to the given sound, held clean (sound_drive.py)
            from .sound_drive import encoded_sound, sound_held, take_of
            base["audio_latents"] = encoded_sound(ctx, s.pipe, audio, n, fps)
            held = sound_held(s.pipe, base["audio_latents"])
        elif voice is not None:  # the take's speech in the reference voice (ID-LoRA: ref_voice.py)
            from .ref_voice import voice_held
            held = voice_held(ctx, s, voice, p.identity_guidance, p.identity_start, p.identity_end)
        from .take_latent import latent_kept
        with held, latent_kept(s.pipe) as kept:  # the take's latents, handed on beside its frames (take_latent.py)
            clip = s.generate(n, n, 0, lambda start, still: dict(base), fps, previews=p.previews, steps=self.steps,
                              size=(w, h))
        made = s.sound()  # the family's declared Outputs: the sound made with the picture
        if made is None and p.sound in ("generated", "voice"):
            raise ModelError(f"{type(s.pipe).__name__} made no sound")
        sound = audio if p.sound == "input" else take_of(audio, n, fps) if p.sound == "drive" else made  # voice: made
        out = self._made(ctx, cut_lead(ctx, ArrayClip(clip.frames, fps, sound), lead), w, h)  # (continue_output)
        if p.sound == "drive":
            ctx.info(f"sound: the given {sound.duration:.2f} s at {sound.rate} Hz drove the picture and is kept")
        elif made is not None:
            ctx.info(f"sound: {made.duration:.2f} s at {made.rate} Hz ({p.sound} kept)")
        return {"video": out, "audio": out.audio, "latent": kept.for_clip(out, s.pipe.vae)}
