"""The funnel tab's models are ``lessons.funnel``'s (one experiment for lab 1 and the demo); this
name stays for ``demo.loadtest``, which picks a width the lab has trained."""

from deepfake_edu.lessons.funnel import trained_widths  # noqa: F401
