"""What the translation tests compare between a text and its translation."""

from __future__ import annotations

import re
import string


def fields(text: str) -> list[tuple[str, str | None, str]]:
    """The {...} format fields of a text: name, conversion, format spec."""
    return sorted((name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text) if name is not None)


def numbers(text: str) -> list[str]:
    """The numbers of a text, written either way: 12,288 and 12 288 are 12288; 0.5 and 0,5 are 05."""
    return sorted(re.sub(r"\D", "", found) for found in re.findall(r"\d+(?:[., \u00a0\u202f]\d+)*", text))
