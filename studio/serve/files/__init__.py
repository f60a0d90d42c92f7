"""Files in and out of the server's folders, for every client: ``routes.py`` (``/view``,
``/upload/image``, ``/upload/mask``, ``/users``, ``/settings``, ``/userdata``), ``view.py`` (an
image re-encoded for a gallery, or by channel), ``uploads.py`` (a file or a painted mask written
into the input folder, size- and frame-capped) and ``userdata.py`` (the web page's settings and
saved files, every name confined to its folder).

Imports the checks (checks/: the folders and their confinement, a JSON body read safely) only."""
