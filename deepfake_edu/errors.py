"""The one error type a user sees: a single line that says what went wrong and what to do."""


class LabError(Exception):
    """Bad input or a missing file. The CLI prints ``error: <message>`` and exits with status 2;
    the demo shows the message in the page. The message must say what to do next."""
