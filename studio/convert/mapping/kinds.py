"""The ComfyUI node types the builder reads by name (the families' own: their mappings), and its limits.
studio.serve's object_info lists them among the types Studio reads."""
from __future__ import annotations

OUTPUTS = ("SaveVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine")
LOADERS = ("UNETLoader", "CheckpointLoaderSimple", "UnetLoaderGGUF", "LoaderGGUF", "ImageOnlyCheckpointLoader",
           "DiffusionModelLoaderKJ")
FILE_LOADERS = {"CLIPLoader": ("clip_name", "text encoder"), "DualCLIPLoader": ("clip_name1", "text encoder"),
                "VAELoader": ("vae_name", "VAE"), "CLIPVisionLoader": ("clip_name", "image encoder (clip_vision)")}
# (and the families' own loaders: their mappings' file_loaders)
# read while tracing (their values are folded into the nodes above) or shown as Studio's own notes
FOLDED = ("PrimitiveInt", "PrimitiveFloat", "PrimitiveBoolean", "PrimitiveString", "PrimitiveStringMultiline",
          "PrimitiveNode", "Reroute", "ComfySwitchNode", "ComfyMathExpression", "GetImageSize", "VAEDecode",
          "VAEDecodeTiled", "CreateVideo", "ModelSamplingSD3", "ModelSamplingAuraFlow", "CLIPVisionEncode",
          "ConditioningZeroOut", "TrimVideoLatent", "EmptyImage", "ImageScaleBy")  # (the families': their 'folded')
TEXT_NOTES = ("MarkdownNote", "Note")
FPS_NODES = ("CreateVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine")  # the video's rate
SEED_MAX = 2**31
SHIFTS = ("ModelSamplingSD3", "ModelSamplingAuraFlow")  # a flow model's shift on the model's way
MAX_LISTED = 200  # nodes not converted named one by one in their note (then how many more)
SETTINGS_CHARS = 240  # of a node's settings in that note
