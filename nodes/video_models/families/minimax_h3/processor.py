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
