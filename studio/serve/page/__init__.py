"""ComfyUI's web page served by `main.py serve`: ``routes.py`` (the page at ``/`` and its static
files, the template browser, the model library, the jobs API of its queue and history panels, the
lists it reads at boot), ``frontend.py`` (where pip put the ``comfyui-frontend-package`` wheel),
``library_templates.py`` (ComfyUI's template library without its download addresses) and
``studio_templates.py`` (Studio's own templates as a module of the browser), ``extension.py``
(Studio's one extension of the page: a workflow's download lists taken out as it opens, Studio's
sentence for each model file this machine lacks shown).

Reads the API's declarations and model lists (api/), the bridge's jobs (bridge/jobs.py) and the
checks (checks/); nothing below imports it."""
