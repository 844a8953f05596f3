"""Two versions of a text as one line of Markdown: what was removed struck through,
what was added in bold, long unchanged stretches cut to a few words either side."""

from __future__ import annotations

import difflib
import re

CONTEXT_WORDS = 5
_MARKDOWN = re.compile(r"([\\`*_~\[\]<>])")


def word_diff(old: str, new: str, context: int = CONTEXT_WORDS) -> str:
    a, b = old.split(), new.split()
    parts: list[str] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for i, (tag, a1, a2, b1, b2) in enumerate(opcodes):
        if tag == "equal":
            words = a[a1:a2]
            keep_before = context if i > 0 else 0  # after a change
            keep_after = context if i < len(opcodes) - 1 else 0  # before a change
            if len(words) > keep_before + keep_after + 1:
                words = [*words[:keep_before], "…", *words[len(words) - keep_after :]]
            parts += [w if w == "…" else _escape(w) for w in words]
            continue
        if a1 < a2:
            parts.append(f"~~{_escape(' '.join(a[a1:a2]))}~~")
        if b1 < b2:
            parts.append(f"**{_escape(' '.join(b[b1:b2]))}**")
    return " ".join(parts)


def _escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)
