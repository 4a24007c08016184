"""The commented example configuration shipped with Duban.

`python -m bot init DIR` copies these files into an office's own config folder; Duban never
reads them in place (the checkout's config/ links here for the demo and the docs).
"""
