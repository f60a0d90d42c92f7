"""ComfyUI's web page served by `main.py serve`: ``routes.py`` (the page at ``/`` and its static
files, the template browser, the model library, the jobs API of its queue and history panels, the
lists it reads at boot), ``frontend.py`` (where pip put the ``comfyui-frontend-package`` wheel),
``library_templates.py`` (ComfyUI's template library without its download addresses) and
``studio_templates.py`` (Studio's own templates as a module of the browser).

Reads the API's declarations and model lists (api/), the bridge's jobs (bridge/jobs.py) and the
checks (checks/); nothing below imports it."""
