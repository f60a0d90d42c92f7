"""Validation and bounds: what every request of `main.py serve` passes before anything is queued.

- ``headers.py``: the outermost middleware: one set of security headers (the Content-Security-Policy
  keeping the page's every request here, frame-ancestors, nosniff) on every answer.
- ``guards.py``: aiohttp middlewares: the Host must name this machine (DNS rebinding), a page's
  Origin must be this server, a token when one is set; ``login.py``: that token given once in a
  browser (a form, then a cookie).
- ``bodies.py``: a request's JSON body read safely (nesting checked before the parser recurses).
- ``validate.py``: ComfyUI's check of a prompt against the declarations ``/object_info`` serves;
  ``refused.py``: a prompt refused as ComfyUI refuses one (a 400 naming its nodes, in the error
  types ComfyUI's page knows).
- ``bounds.py``: a job's memory foreseen from its graph, refused when it would not fit.
- ``folders.py``: the server's folders, every name a request gives kept inside them; ``public.py``:
  no path of this machine in an answer.

Imports no other room of studio/serve: the routes and the bridge build on it."""
