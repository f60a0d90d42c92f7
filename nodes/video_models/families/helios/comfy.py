"""Helios's ComfyUI mapping (api.ComfyMapping; comfy_extras/nodes_helios.py of ComfyUI, read for meaning): its
text-to-video and image-to-video latents (HeliosTextToVideo, HeliosImageToVideo with its start image) are Studio's
Text / Image to Video on a Helios folder, with their size and length; its sampler, HeliosPyramidSampler (each
chunk made in stages, coarse to fine: what Studio's Helios Pyramid does from a folder saved as
HeliosPyramidPipeline), is read as a KSampler of the steps of all its stages (Studio shares the node's steps over
the stages), its cfg (1 where 'distilled', as the node runs it) and seed; HeliosVAEDecode as VAEDecode. What the
stages' own settings change is said. HeliosVideoToVideo (a clip continued) is not read: held, naming the node.
Helios is read from a diffusers folder (family.py): the workflow's files are named in one sentence."""
from __future__ import annotations

from studio.convert.api import CONTROL, I2V, T2V, ComfyMapping, PackTranslation, Task, Workflow, finite, flag_setting

SAMPLER = "HeliosPyramidSampler"
# its nodes' settings in the order a UI file saves them (ComfyUI's schema order)
WIDGETS = {
    "HeliosTextToVideo": ("width", "height", "length", "batch_size", "history_sizes"),
    "HeliosImageToVideo": ("width", "height", "length", "batch_size", "history_sizes", "keep_first_frame",
                           "num_latent_frames_per_chunk", "add_noise_to_image_latents", "image_noise_sigma_min",
                           "image_noise_sigma_max", "noise_seed", "include_history_in_output", "debug_latent_stats"),
    SAMPLER: ("add_noise", "noise_seed", CONTROL, "cfg", "pyramid_steps", "stage_range", "distilled",
              "amplify_first_stage", "gamma", "history_sizes", "keep_first_frame", "num_latent_frames_per_chunk",
              "cfg_zero_star", "use_zero_init", "zero_steps", "skip_first_chunk"),
    "HeliosVAEDecode": (),
}
# the sampler's settings Studio's Helios takes from its folder: their defaults in ComfyUI's node
OWN = {"stage_range": "0,0.333333,0.666667,1", "gamma": 1.0 / 3.0, "amplify_first_stage": False,
       "history_sizes": "16,2,1", "num_latent_frames_per_chunk": 9, "skip_first_chunk": False}
FOLDER_ONLY = ("Studio reads Helios from a diffusers folder, not ComfyUI's files ({files}): load a Helios folder "
               "saved as HeliosPyramidPipeline (ComfyUI's sampler samples in stages, as it does) on Load Video Model")


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Helios's", (SAMPLER, "HeliosVAEDecode"), WIDGETS

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == "HeliosVAEDecode":
                self.core(n, "VAEDecode", {}, {k: v for k, v in n.links.items() if k in ("samples", "vae")})
            elif n.cls == SAMPLER:
                self.sampler(n, self.named(n))

    def sampler(self, n, w: dict) -> None:
        stages = [s.strip() for s in str(w.get("pyramid_steps", "10,10,10")).split(",") if s.strip()]
        counts = [int(s) for s in stages if s.isdigit()]
        steps = sum(counts) if counts and len(counts) == len(stages) else None
        if steps is None or len(set(counts)) > 1:
            self.said.append(f"'{n.title or SAMPLER}' (#{n.id})'s steps a stage ({w.get('pyramid_steps')!r}) are "
                             "shared evenly over the stages by Studio's Helios Pyramid: set its steps")
        changed = [f"{k} {w[k]!r}" for k, v in OWN.items() if k in w and w[k] != v and not (
            finite(w[k]) and finite(v) and abs(w[k] - v) < 1e-4)]
        if changed:
            self.said.append(f"'{n.title or SAMPLER}' (#{n.id})'s {', '.join(changed)} "
                             f"{'is' if len(changed) == 1 else 'are'} not taken: Studio's Helios "
                             "Pyramid runs its folder's own stages and memory")
        distilled = flag_setting(n, "distilled", w["distilled"], self.said, "read as not distilled (the sampler's cfg "
                                 "taken)") if "distilled" in w else False
        cfg = 1.0 if distilled is True else w.get("cfg")
        self.core(n, "KSampler", {"seed": w.get("noise_seed"), "steps": steps, "cfg": cfg, "sampler_name": "euler",
                                  "scheduler": "simple", "denoise": 1.0},
                  {k: v for k, v in n.links.items() if k in ("model", "positive", "negative", "latent_image")})
        self.made[SAMPLER] = "KSampler (the steps of all its stages)"


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s Helios sampler and decode as KSampler and VAEDecode, in place; what is said of them."""
    return _Translation.translate(wf)


MAPPING = ComfyMapping(
    key="helios", title="Helios",
    tasks={"HeliosTextToVideo": Task("text to video", T2V, (), "Helios"),
           "HeliosImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "Helios",
                                      needs="start_image")},
    files=(("helios", "Helios"),), folder_only=FOLDER_ONLY, widgets=WIDGETS, translate=translate,
    flow=False)  # its own HeliosScheduler (DMD when distilled): the generators' sampler left 'auto'
