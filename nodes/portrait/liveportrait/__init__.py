"""LivePortrait (KwaiVGI, MIT): its five networks written after the release (blocks.py, networks.py,
motion_net.py), the user's safetensors read header-first (files.py) and the driving-video path (animate.py)."""
