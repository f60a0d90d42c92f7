"""The names comfy_videox_fun.py reads VideoX-Fun's Wan nodes by: each node's settings in the order a UI file saves
them (the pack's INPUT_TYPES at aigc-apps/VideoX-Fun 804a425, comfyui/*/nodes.py and comfyui_nodes.py, read for
meaning), the kind of each sampler, and the pack's scheduler names. Plain data."""
from __future__ import annotations

from studio.convert.api import CONTROL

TEXT = "FunTextBox"
VACE_TASK = "VideoXFunVaceToVideo"  # the VACE sampler's task node (comfy.py declares it: start / end frames too)
_CACHE = ("teacache_threshold", "enable_teacache", "num_skip_start_steps", "teacache_offload", "cfg_skip_ratio")
_T2V = ("video_length", "width", "height", "is_image", "seed", CONTROL, "steps", "cfg", "scheduler", "shift")
_I2V = ("video_length", "base_resolution", "seed", CONTROL, "steps", "cfg", "scheduler", "shift")
_V2V = ("video_length", "base_resolution", "seed", CONTROL, "steps", "cfg", "denoise_strength", "scheduler", "shift")
_FILE = ("model_name", "precision")
_FOLDER = ("model", "GPU_memory_mode", "config", "precision")
_FUN_FOLDER = ("model", "model_type", "GPU_memory_mode", "config", "precision")
# each sampler type -> (its kind, its settings): Wan 2.2's add 'boundary' after the shift
_SAMPLERS = {
    "WanT2VSampler": ("t2v", _T2V), "WanFunT2VSampler": ("t2v", _T2V),
    "WanI2VSampler": ("i2v", _I2V), "WanFunInpaintSampler": ("inpaint", _I2V), "WanFunV2VSampler": ("v2v", _V2V),
    "Wan2_2T2VSampler": ("t2v", _T2V + ("boundary",)), "Wan2_2FunT2VSampler": ("t2v", _T2V + ("boundary",)),
    "Wan2_2I2VSampler": ("i2v", _I2V + ("boundary",)), "Wan2_2FunInpaintSampler": ("inpaint", _I2V + ("boundary",)),
    "Wan2_2FunV2VSampler": ("v2v", _V2V + ("boundary",)),
    "Wan2_2VaceFunSampler": ("vace", _I2V + ("boundary",) + _CACHE + ("padding_in_subject_ref_images",)),
}
FOLDER_LOADERS = ("LoadWanModel", "LoadWanFunModel", "LoadWan2_2Model", "LoadWan2_2FunModel", "LoadWan2_2VaceFunModel")
LORAS = ("LoadWanLora", "LoadWanFunLora", "LoadWan2_2Lora", "LoadWan2_2FunLora")
PASS_THROUGH = {"FunCompile": "torch.compile setting", "FunAttention": "attention kernel"}
CAMERA_NODES = ("CameraBasicFromChaoJie", "CameraCombineFromChaoJie")
CAMERA_POSES = ("camera_pose", "camera_pose1", "camera_pose2", "camera_pose3", "camera_pose4")
WIDGETS: dict[str, tuple[str, ...]] = {
    **{k: v + (_CACHE if k != "Wan2_2VaceFunSampler" else ()) for k, (_, v) in _SAMPLERS.items()},
    "LoadWanModel": _FOLDER, "LoadWan2_2Model": _FOLDER, "LoadWan2_2VaceFunModel": _FOLDER,
    "LoadWanFunModel": _FUN_FOLDER, "LoadWan2_2FunModel": _FUN_FOLDER,
    "LoadWanTransformerModel": _FILE, "LoadWan2_2TransformerModel": _FILE, "LoadVaceWanTransformer3DModel": _FILE,
    "LoadWanVAEModel": _FILE, "LoadWanTextEncoderModel": _FILE, "LoadWanClipEncoderModel": _FILE,
    "CombineWanPipeline": ("model_name", "GPU_memory_mode", "model_type"),
    "CombineWan2_2Pipeline": ("model_name", "GPU_memory_mode", "model_type"),
    "CombineWan2_2VaceFunPipeline": ("model_name", "GPU_memory_mode"),
    "LoadWanLora": ("lora_name", "strength_model", "lora_cache"),
    "LoadWanFunLora": ("lora_name", "strength_model", "lora_cache"),
    "LoadWan2_2Lora": ("lora_name", "lora_high_name", "strength_model", "lora_cache"),
    "LoadWan2_2FunLora": ("lora_name", "lora_high_name", "strength_model", "lora_cache"),
    TEXT: ("prompt",),
    "FunCompile": ("cache_size_limit",), "FunAttention": ("attention_type",), "FunRiflex": ("riflex_k",),
    "CameraBasicFromChaoJie": ("camera_pose", "speed", "video_length"),
    "CameraCombineFromChaoJie": CAMERA_POSES[1:] + ("speed", "video_length"),
    "CameraTrajectoryFromChaoJie": ("fx", "fy", "cx", "cy"),
}
# the pack's control-clip drawers (comfyui/annotator/nodes.py) -> the core step Studio's node stands for
ANNOTATORS = {"VideoToCanny": "Canny", "VideoToDepth": "DepthAnythingV2Preprocessor", "VideoToOpenpose": "DWPreprocessor"}
WIDGETS.update({"VideoToCanny": ("low_threshold", "high_threshold", "video_length"), "VideoToDepth": ("video_length",),
                "VideoToOpenpose": ("video_length",)})
# the pack's scheduler names -> ComfyUI's sampler names (comfy_sampling reads those)
SCHEDULERS = {"Flow": "euler", "Flow_Unipc": "uni_pc", "Flow_DPM++": "dpmpp_2m"}


def kind(cls: str) -> str:
    """A Wan sampler type's kind ('t2v', 'i2v', 'inpaint', 'v2v', 'vace'); '' for another type."""
    return _SAMPLERS.get(cls, ("",))[0]
