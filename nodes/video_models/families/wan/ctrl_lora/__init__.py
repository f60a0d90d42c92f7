"""Wan 2.1 control LoRAs (spacepxl's tile / depth): a control clip's latents read beside the noise through a LoRA that
widens the patch embedding (ctrl_lora.py: the model's changes; ctrl_lora_node.py: the node)."""
