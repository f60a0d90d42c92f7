"""Files in and out of the server's folders, for every client: ``routes.py`` (``/view``,
``/upload/image``, ``/upload/mask``, ``/users``, ``/settings``, ``/userdata``), ``view.py`` (an
image re-encoded for a gallery, or by channel), ``uploads.py`` (a file or a painted mask written
into the input folder, size- and frame-capped), ``userdata.py`` (the web page's settings and
saved files, every name confined to its folder) and ``names.py`` (the names of the files jobs
write into the output folder: one counter a name, under one lock; the API's prompts take them).

Imports the checks (checks/: the folders and their confinement, a JSON body read safely) only."""
