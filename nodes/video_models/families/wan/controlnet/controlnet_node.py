"""The Wan ControlNet node: a prompt (and a start picture for Wan 2.2 TI2V-5B's image-to-video) and a control clip make
a video with a Wan model and one of TheDenk's Wan ControlNets (depth, canny, hed, tile: controlnet.py). kijai's
WanVideoWrapper reads the same things: WanVideoControlnetLoader's file here 'controlnet', WanVideoControlnet's
strength, control_stride, control_start_percent / control_end_percent here 'strength', 'stride', 'start' / 'end',
the take's size and length the control clip's.

The control clip is read as given: a depth ControlNet was trained on MiDaS depth maps (Studio's Depth node makes
depth maps), a canny one on edges (Edges), a hed one on soft edges, a tile one on a blurred, downscaled clip. One
take of 4k + 1 frames in one call; the file and the model are checked before any large allocation, the file from
its header."""
from __future__ import annotations

from studio.core.params import Float, Int, Path, Text
from studio.core.spec import In, Out

from ....base.errors import ModelError
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, GeneratorNode, output_size, preview_and_steps, prompt_of, say_frame_rule
from .....model_file_checks import model_file_checks
from ..module_file import kept_for_file
from .controlnet import FOLDER, ControlNetError, find_file, read_file

TITLE = "Wan ControlNet"
# one call, its own hooks on the denoiser's blocks: windows, step caches and compile (which would run the blocks
# otherwise) left out, with NAG (its attention processors, untested with the hooks)
LEFT_OUT = ("window", "overlap", "long_take", "context_schedule", "hold_colour", "nag_scale", "nag_tau", "nag_alpha",
            "step_cache", "compile")


class WanControlNet(GeneratorNode):
    """Make a clip that follows a control clip (depth maps, edges, a blurred clip: what the ControlNet was trained on)
    from a prompt, and from a start picture with Wan 2.2 TI2V-5B, with a Wan model and one of TheDenk's Wan
    ControlNet files. The ControlNet steers from 'start' to 'end' of the steps; outside them the model runs as it
    is."""
    id = "video_models.wan_controlnet"
    title = TITLE
    task = "t2v"
    streams_output = False  # one call makes the take
    source_ports = ("control",)
    keywords = ("controlnet", "control net", "depth", "canny", "hed", "tile", "thedenk", "wan 2.2 5b", "wan")
    inputs = (In("model", "Video Model", help="the Wan model the ControlNet was trained on (Wan 2.2 TI2V-5B, Wan 2.1 "
                                              "T2V, Wan 2.2 T2V A14B)"),
              In("control", "Video", help="the control clip: depth maps (Depth), edges (Edges), a blurred clip (tile)"),
              In("image", "Image", optional=True, help="the first frame (Wan 2.2 TI2V-5B's image to video)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Path("controlnet", "", label="ControlNet file", lookup=True, filters="Wan ControlNet (*.safetensors)",
                   help=f"the ControlNet's file, or its name in a models folder's {FOLDER}/ "
                        "(TheDenk's wan2.2-ti2v-5b-controlnet-depth-v1 as one .safetensors)"),
              Text("prompt", "a wolf in the snow"),
              Text("negative_prompt", ""),
              Float("strength", 1.0, min=0.0, max=10.0, help="the ControlNet's outputs' weight (1: as trained)"),
              Int("stride", 3, min=1, max=8, help="the ControlNet's output i is added after the denoiser's block "
                                                  "i x stride (the wrapper's control_stride; TheDenk's: 3 for 1.3B "
                                                  "and 5B, 4 for 14B)"),
              Float("start", 0.0, min=0.0, max=1.0, help="the fraction of the steps the ControlNet starts at"),
              Float("end", 1.0, min=0.0, max=1.0,
                    help="the fraction of the steps the ControlNet ends at (not included); after it the model runs "
                         "as it is")) + \
        tuple(q for q in COMMON if q.name not in LEFT_OUT)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan-controlnet", "name": "Wan + TheDenk's ControlNet",
                 "variants": ["depth", "canny", "hed", "tile"],
                 "tasks": ["control clip to video", "control clip and image to video"],
                 "inputs": {"control clip to video": ["control (a clip)", "prompt"],
                            "control clip and image to video": ["control (a clip)", "image", "prompt"]},
                 "formats": ["TheDenk's wan2.2-ti2v-5b-controlnet-* / wan2.1 controlnets as one .safetensors "
                             "(controlnet/)"]}]

    preflight, signature_files = model_file_checks(  # the file: its error before a run, its fingerprint
        lambda cls, params, base_dir: find_file(params.get("controlnet") or "", base_dir, cls.title),
        ControlNetError)

    def _check_model(self, ref, image):
        if ref.fam.key != "wan":
            raise ModelError(f"{self.title}: model '{ref.path}' is a {ref.fam.title} model: the Wan ControlNets are "
                             "trained on Wan")
        cfg = ref.module.transformer.config
        if int(cfg.in_channels) != int(cfg.out_channels) or cfg.get("image_dim") is not None:
            raise ModelError(f"{self.title}: model '{ref.path}' reads {cfg.in_channels} channels for "
                             f"{cfg.out_channels}-channel latents (an image-to-video or control model): the Wan "
                             "ControlNets are trained on Wan 2.1 T2V, Wan 2.2 T2V A14B and TI2V-5B")
        if image is not None and not ref.module.config.get("expand_timesteps"):
            raise ModelError(f"{self.title}: model '{ref.path}' is not Wan 2.2 TI2V-5B, which alone takes a start "
                             "picture here: leave 'image' unconnected")

    def _net(self, ctx, ref, tr):
        """The ControlNet, read once per file (from its header first) and kept with the loaded model."""
        path = find_file(ctx.params.controlnet, getattr(ctx.options.get("graph"), "base_dir", None), self.title)

        def make():
            from .controlnet import build
            cfg, state = read_file(path, tr, self.title)
            return cfg, build(cfg, state)  # (moved to the latents' device and dtype at its first step: controlnet.py)
        return kept_for_file(ref, "wan_controlnet", path, make)

    def run(self, ctx, model, control, image=None, prompt=None):
        import numpy as np

        from ....base.family import valid_frames
        from ....sampling.sampler import Sampler, filter_kwargs, to_pil
        from ..fun.fun import fitted
        from .controlnet import control_pixels, controlnet_applied
        ref = video_model_input(model)
        self._check_model(ref, image)
        p = ctx.params
        if float(p.start) > float(p.end):
            raise ControlNetError(f"{self.title}: 'start' {float(p.start):g} is after 'end' {float(p.end):g}")
        cfg, net = self._net(ctx, ref, ref.module.transformer)  # the file checked before the sampler is made
        task = "i2v" if image is not None else "t2v"
        s = Sampler(ctx, ref, task)
        ratio = int(getattr(s.pipe, "vae_scale_factor_spatial", 8))
        if int(cfg["downscale"]) != ratio:
            raise ControlNetError(f"{self.title}: the ControlNet reads the clip {cfg['downscale']}x smaller, this "
                                  f"model's VAE {ratio}x: the file is for another model")
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        want = int(p.frames) or len(control)
        n = valid_frames(s.fam, want)
        a, b = s.fam.frame_multiple
        if not p.frames and n > len(control):  # the clip's own length, down to the family's rule (4k+1)
            n = max(b, (len(control) - b) // a * a + b)
        say_frame_rule(ctx, s.fam, want, n)
        first = None
        if image is not None:
            first = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (control.width, control.height), self.preview)
        s.fam.refuse_call(task, n, h, w)
        pixels = control_pixels(fitted(control, n, w, h, ctx))
        fps = p.fps or s.fam.fps
        text = prompt_of(ctx, prompt)
        base = filter_kwargs(s.pipe, {"prompt": text, "negative_prompt": p.negative_prompt or None,
                                      "height": h, "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, "guidance_scale_2": p.guidance_2 or None,
                                      **s.fam.rate_args(fps)}, ctx.warn)
        ctx.info(f"{TITLE}: {n} frames at {w}x{h} following the control clip"
                 + (", from the start picture" if first is not None else "")
                 + f", ControlNet strength {float(p.strength):g}, stride {int(p.stride)}, from {float(p.start):g} "
                   f"to {float(p.end):g} of the steps")

        def make(start, still):
            return dict(base, image=to_pil(first)) if first is not None else dict(base)
        with controlnet_applied(s.pipe, net, pixels, float(p.strength), int(p.stride), float(p.start),
                                float(p.end)):
            clip = s.generate(n, n, 0, make, fps, previews=p.previews, steps=self.steps, size=(w, h))
        return self._made(ctx, clip, w, h)
