"""ComfyUI's tiled diffusion upscales read as Tiled Diffusion Upscale (studio/convert/finishing/tiled_upscale.py reads
them by their declared types, on a loaded clip's way and after a generated take). This mapping gives the converter
the names of ssitu/ComfyUI_UltimateSDUpscale's saved values in a UI file's order, which the catalogue cannot: the
pack's INPUT_TYPES are built when it runs (usdu_nodes.py@34a3c2c: USDU_base_inputs() lists them, remove_input and
rename_input cut and rename them for the NoUpscale and CustomSample forms, prepare_inputs makes the dict), so the
catalogue's reading of its source holds no inputs for them. The order here is that list's (facts read, nothing
copied); the frontend's seed control after 'seed'; 'batch_size' last (newer versions). Plain data."""
from __future__ import annotations

from studio.convert.api import CONTROL, ComfyMapping

_AFTER = ("seed", CONTROL, "steps", "cfg", "sampler_name", "scheduler", "denoise", "mode_type", "tile_width",
          "tile_height", "mask_blur", "tile_padding", "seam_fix_mode", "seam_fix_denoise", "seam_fix_width",
          "seam_fix_mask_blur", "seam_fix_padding", "force_uniform_tiles", "tiled_decode", "batch_size")
WIDGETS = {"UltimateSDUpscale": ("upscale_by", *_AFTER), "UltimateSDUpscaleCustomSample": ("upscale_by", *_AFTER),
           "UltimateSDUpscaleNoUpscale": _AFTER}

MAPPING = ComfyMapping(key="tiled_diffusion", title="Tiled Diffusion Upscale", widgets=WIDGETS)
