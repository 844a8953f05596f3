"""A page's bytes as text, decoded as the page says, the way a browser decodes it: a
byte order mark first, then the encoding a ``<meta charset>`` or ``<meta
http-equiv="Content-Type" content="...; charset=...">`` in its first 1024 bytes
declares, else UTF-8. (An XML declaration says nothing to a browser reading HTML.)"""

from __future__ import annotations

import codecs
import re

from ..errors import ScrapeError

DEFAULT_ENCODING = "utf-8"
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
PRESCAN_BYTES = 1024
META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
# Labels browsers read as another encoding (the WHATWG Encoding Standard): Latin-1 and
# ASCII pages are read as windows-1252, and a page that declares UTF-16 in ASCII text
# cannot be UTF-16.
READ_AS = {
    **dict.fromkeys(
        ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii"),
        "windows-1252",
    ),
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be"), DEFAULT_ENCODING),
}
# windows-1252 as browsers read it: the five bytes it leaves undefined are the C1
# controls of the same number, as in Latin-1 (Python's codec refuses them).
_WINDOWS_1252 = {
    byte: char
    for byte in range(0x80, 0xA0)
    if (char := bytes([byte]).decode("cp1252", errors="ignore"))
}


def page_text(data: bytes, name: str, strict: bool = True) -> str:
    """The text of page ``name``; ``ScrapeError`` when it is not in the encoding it
    says (unless not ``strict``: then what cannot be decoded reads as U+FFFD), or says
    one no browser knows."""
    encoding, start = DEFAULT_ENCODING, 0
    label = None
    for mark, marked in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            encoding, start = marked, len(mark)
            break
    else:
        declared = META_CHARSET.search(data, 0, PRESCAN_BYTES)
        if declared is not None:
            label = declared[1].decode("ascii").lower()
            encoding = READ_AS.get(label, label)
    try:
        if codecs.lookup(encoding).name == "cp1252":
            return data.decode("latin-1").translate(_WINDOWS_1252)
        return data[start:].decode(encoding, errors="strict" if strict else "replace")
    except LookupError as exc:
        raise ScrapeError(name, "page", f"declares an unknown encoding {label!r}") from exc
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if encoding == DEFAULT_ENCODING else encoding
        raise ScrapeError(name, "page", f"not {shown} text: {exc.reason}") from exc
