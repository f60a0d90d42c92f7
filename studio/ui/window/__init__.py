"""The shell: the main window, its file actions, its run feedback and its dock layout."""
