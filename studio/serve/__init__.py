"""`main.py serve`: ComfyUI's native HTTP and websocket API in front of Studio's job queue
(studio.queue), so that ComfyUI's clients (comfy-sdk through comfy-api-proxy, ComfyScript, Krita AI
Diffusion...) can send Studio jobs. Plain Python and aiohttp; the meanings of ComfyUI's routes and
messages are read from its server (GPL: nothing copied). docs/serve.md says what is answered."""
