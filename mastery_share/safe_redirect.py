"""Where a `next` parameter may send the browser: a path on this site, nothing else.

The one check for every `next` in the app. An open redirect lets a phishing link borrow our
sign-in page. Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
`/<tab>/evil.example` and `/\\evil.example` both become `//evil.example`, another site; a
newline in a Location header cannot even be sent. Hence: no control, format or line-separator
characters and no backslash, in the value as given or after any round of percent-decoding.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# Longer than any page of ours; a huge value is an attack, not a place to go back to.
MAX_NEXT_LENGTH = 2048
# Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned
# characters, and the Unicode line and paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# `%252F` is `%2F` once decoded and `/` twice: a proxy or a framework may decode again.
_DECODE_ROUNDS = 3


def _decoded_forms(target: str) -> list[str]:
    forms = [target]
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    return forms


def _is_local_path(value: str) -> bool:
    if "\\" in value or any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES
                            for char in value):
        return False
    if not value.startswith("/") or value.startswith("//"):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def is_safe_next(target: str | None) -> bool:
    """True only for a path on this site that every browser reads the same way."""
    if not target or len(target) > MAX_NEXT_LENGTH:
        return False
    return all(_is_local_path(form) for form in _decoded_forms(target))


def safe_next_url(target: str | None, default: str) -> str:
    """`target` when it is a same-site path (see is_safe_next), otherwise `default`."""
    return target if is_safe_next(target) else default
