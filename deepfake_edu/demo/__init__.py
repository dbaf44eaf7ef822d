"""The classroom demo: a Gradio app over the lab's prepared assets.

Five tabs, each a thin page over plain functions in ``logic`` (tests call them directly), each a
call into the library that owns the job: inside the autoencoder (``lessons.funnel``), make a
fake (``swap.fakes``), catch it (``forensics.judge``), spot it (``lessons.spot_the_fake``), check
a file (``provenance``). ``state.DemoLab`` holds the server's shared models and pictures;
``app.build_app(assets)`` builds the Blocks app; ``deepfake-edu demo`` prepares what is missing
and serves it on 127.0.0.1.
"""
