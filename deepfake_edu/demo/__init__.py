"""The classroom demo: a Gradio app over the lab's prepared assets.

Five tabs, each a thin page over plain functions in ``logic`` (tests call them directly):
inside the autoencoder (``funnel``), make a fake, catch it, spot it (``quiz``), check a file.
``app.build_app(assets)`` builds the Blocks app; ``deepfake-edu demo`` prepares what is missing
and serves it on 127.0.0.1.
"""
