"""Node packs read as ComfyUI's core nodes before the conversion: what a family's pack translation is made of
(translation.py: api.PackTranslation), yolain's Easy-Use loaders (easy_use.py) and rgthree's LoRA stacks
(lora_stacks.py)."""
