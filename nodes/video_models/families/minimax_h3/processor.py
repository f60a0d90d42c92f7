"""Qwen3-VL's processor for MiniMax H3 where torchvision is not installed: transformers' video
processor needs torchvision, and without it transformers 5.23 cannot make a Qwen3VLProcessor at all
(its class check looks the video processor's base class up and fails). Text and image to video need
only the processor's token types (text, image pads, video pads: diffusers' get_qwen3vl_prompt_embeds)
and its image processor (PIL's where torchvision is missing), so the processor is made without its
video processor; a reference video (MiniMax H3 Reference to Video's 'video_*' inputs, reference.py)
needs it, and is refused in words where it is missing (reference images and sounds do not)."""
from __future__ import annotations


def torchvision_missing() -> bool:
    import importlib.util
    return importlib.util.find_spec("torchvision") is None


def text_processor(folder: str):
    """A Qwen3VLProcessor from ``folder`` (a processor's saved files), its video processor left out
    when torchvision is missing (its own from_pretrained otherwise)."""
    from transformers import AutoImageProcessor, AutoTokenizer, Qwen3VLProcessor
    if not torchvision_missing():
        return Qwen3VLProcessor.from_pretrained(folder, local_files_only=True)

    class Qwen3VLProcessorNoVideo(Qwen3VLProcessor):
        def check_argument_for_proper_class(self, argument_name, argument):
            if argument_name == "video_processor" and argument is None:
                return None
            return super().check_argument_for_proper_class(argument_name, argument)

    return Qwen3VLProcessorNoVideo(image_processor=AutoImageProcessor.from_pretrained(folder, local_files_only=True),
                                   tokenizer=AutoTokenizer.from_pretrained(folder, local_files_only=True))


# The released Qwen3-VL image processor's settings (16-pixel patches, 2x2 merge, 2-frame temporal patch, mean and
# std 0.5: ComfyUI's comfy/text_encoders/qwen3vl.py and minimax.py preprocess so); its pixel bounds are
# transformers' Qwen2VLImageProcessor defaults (the release's processor/ folder was not readable here)
IMAGE_PROCESSOR = dict(patch_size=16, merge_size=2, temporal_patch_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3)


def processor_of(tokenizer, folder: str | None = None):
    """A Qwen3VLProcessor around ``tokenizer``: its image processor from ``folder``'s
    preprocessor_config.json when it has one, else IMAGE_PROCESSOR (Studio's data); no video processor where
    torchvision is missing (as text_processor)."""
    import os

    from transformers import AutoImageProcessor, Qwen2VLImageProcessorPil, Qwen3VLProcessor
    if folder and os.path.isfile(os.path.join(folder, "preprocessor_config.json")):
        if not torchvision_missing():
            return Qwen3VLProcessor.from_pretrained(folder, local_files_only=True)
        image = AutoImageProcessor.from_pretrained(folder, local_files_only=True)
    else:
        image = Qwen2VLImageProcessorPil(**IMAGE_PROCESSOR)
    if not torchvision_missing():
        from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor
        return Qwen3VLProcessor(image_processor=image, tokenizer=tokenizer, video_processor=Qwen3VLVideoProcessor())
    return _no_video(image, tokenizer)


def _no_video(image, tokenizer):
    from transformers import Qwen3VLProcessor

    class Qwen3VLProcessorNoVideo(Qwen3VLProcessor):
        def check_argument_for_proper_class(self, argument_name, argument):
            if argument_name == "video_processor" and argument is None:
                return None
            return super().check_argument_for_proper_class(argument_name, argument)

    return Qwen3VLProcessorNoVideo(image_processor=image, tokenizer=tokenizer)
