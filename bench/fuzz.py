"""Fuzz the page scraper with mutated real pages.

    python bench/fuzz.py [--count 10000] [--seed 1] [--jobs 2] [--case N]

Each case takes one operation page from the test books and ``input/aidp``, applies
one to three random mutations (elements dropped, duplicated, moved, wrapped deep;
the page cut short; random bytes and text injected; labels corrupted) and scrapes
it. ``scrape_page`` must return a page or raise ``ScrapeError`` naming the page,
within ``--limit`` seconds. Anything else is printed with the seed and case that
reproduce it (``--case N`` reruns one case and shows its traceback), and the exit
code is 1.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Literal

from generator.errors import ScrapeError
from generator.scrape.labels import KNOWN_LABELS
from generator.scrape.page import scrape_page

ROOT = Path(__file__).resolve().parent.parent
BOOKS = ("jupyter-ul", "jupyter-dl", "airflow-ul", "airflow-dl")
PAGE_GLOBS = (
    *(f"tests/fixtures/books/{book}/op-*.html" for book in BOOKS),
    "input/aidp/op-*.html",
)

TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+|<", re.S)
OPEN_TAG = re.compile(r"<([A-Za-z][\w-]*)[^>]*?(/?)>")
CLOSE_TAG = re.compile(r"</([A-Za-z][\w-]*)\s*>")
MARKUP = re.compile(r"\s*<[^>]*>")
SECTION_HEAD = re.compile(r"<[^<>]*>(?:Response|Request|\d{3} Response|Root Schema[^<]*)<")
VOID_TAGS = frozenset({"br", "hr", "img", "input", "link", "meta", "wbr"})
WRAPPERS = ("div", "span", "li", "ul", "dl", "dt", "dd", "p", "table", "tr", "td", "b", "section")
# Text a page's words are made of, plus what a broken encoder or an editor leaves in.
NASTY = (
    "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\xa0\xad"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u2028\u2029\ufeff\ufffd\ufffe\uffff\u0301\u0336\u4e2d\u0627\u05d0\U0001f600\U0010fffd"
    '<>&;:"[]{}()/|\\#=-_*.,!? \t\n\r'
    "abcxyzABCXYZ0123456789"
)
LABELS = (
    *KNOWN_LABELS,
    "Request",
    "Response",
    "Path Parameters",
    "Query Parameters",
    "Header Parameters",
    "Supported Media Types",
    "Headers",
    "Back to Top",
    "Body",
    "Root Schema",
    "Nested Schema",
    "Match All",
    "Match One Schema",
    "(required)",
)
BAD_VALUES = (
    "",
    "1.5",
    "-1",
    "1e999",
    "-1e999",
    "NaN",
    "9" * 5000,
    "0x10",
    "true false",
    "[",
    '[ "a", ',
    '[ "a" "b" ]',
    '{"a": 1}',
    "[" * 5000,
    "[" * 500 + "]" * 500,
    "null",
    "object",
    "array[",
    "object Nowhere",
    "string(",
)

Tokens = list[str]
Mutation = Callable[[str, random.Random], str]


def elements(tokens: Tokens) -> list[tuple[int, int]]:
    """(first, last) token indexes of every element with both its tags in ``tokens``."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, token in enumerate(tokens):
        if (close := CLOSE_TAG.fullmatch(token)) is not None:
            name = close[1].lower()
            depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == name), None)
            if depth is not None:
                spans.append((stack[depth][1], i))
                del stack[depth:]
        elif (opened := OPEN_TAG.fullmatch(token)) is not None:
            name = opened[1].lower()
            if name in VOID_TAGS or opened[2]:
                spans.append((i, i))
            else:
                stack.append((name, i))
    return spans


def _element_mutation(
    change: Callable[[Tokens, int, int, random.Random], Tokens],
) -> Mutation:
    def mutate(html: str, rng: random.Random) -> str:
        tokens = TOKEN.findall(html)
        spans = elements(tokens)
        if not spans:
            return html
        first, last = rng.choice(spans)
        return "".join(change(tokens, first, last, rng))

    mutate.__name__ = change.__name__
    return mutate


@_element_mutation
def drop(tokens: Tokens, first: int, last: int, rng: random.Random) -> Tokens:
    return tokens[:first] + tokens[last + 1 :]


@_element_mutation
def duplicate(tokens: Tokens, first: int, last: int, rng: random.Random) -> Tokens:
    copies = rng.choice((1, 1, 2, 50))
    return tokens[: last + 1] + tokens[first : last + 1] * copies + tokens[last + 1 :]


@_element_mutation
def move(tokens: Tokens, first: int, last: int, rng: random.Random) -> Tokens:
    moved, rest = tokens[first : last + 1], tokens[:first] + tokens[last + 1 :]
    at = rng.randrange(len(rest) + 1)
    return rest[:at] + moved + rest[at:]


@_element_mutation
def unwrap(tokens: Tokens, first: int, last: int, rng: random.Random) -> Tokens:
    if first == last:
        return tokens[:first] + tokens[first + 1 :]
    return tokens[:first] + tokens[first + 1 : last] + tokens[last + 1 :]


@_element_mutation
def nest(tokens: Tokens, first: int, last: int, rng: random.Random) -> Tokens:
    tag = rng.choice(WRAPPERS)
    depth = rng.choice((1, 3, 30, 300, 5000))
    closed = rng.random() < 0.8  # an unclosed run of tags is hostile too
    opening, closing = [f"<{tag}>"] * depth, [f"</{tag}>"] * depth if closed else []
    return tokens[:first] + opening + tokens[first : last + 1] + closing + tokens[last + 1 :]


def swap(html: str, rng: random.Random) -> str:
    """Exchange two elements that do not contain each other."""
    tokens = TOKEN.findall(html)
    spans = elements(tokens)
    if len(spans) < 2:
        return html
    a, b = sorted(rng.sample(spans, 2))
    if a[1] >= b[0]:
        return html
    return "".join(
        tokens[: a[0]]
        + tokens[b[0] : b[1] + 1]
        + tokens[a[1] + 1 : b[0]]
        + tokens[a[0] : a[1] + 1]
        + tokens[b[1] + 1 :]
    )


def truncate(html: str, rng: random.Random) -> str:
    cut = html[: rng.randrange(len(html) + 1)]
    # Closing the document again gets past the check for a missing </html>.
    return cut + "</body></html>" if rng.random() < 0.5 else cut


def random_text(rng: random.Random, size: int) -> str:
    if rng.random() < 0.3:
        return bytes(rng.randrange(256) for _ in range(size)).decode("latin-1")
    if rng.random() < 0.5:
        return "".join(rng.choice(NASTY) for _ in range(size))
    # Any code point but a surrogate: a str read from a file cannot hold one.
    chars = (rng.randrange(0x110000) for _ in range(size))
    return "".join(chr(c) for c in chars if not 0xD800 <= c < 0xE000)


def inject(html: str, rng: random.Random) -> str:
    at = rng.randrange(len(html) + 1)
    return html[:at] + random_text(rng, rng.choice((1, 5, 50, 2000))) + html[at:]


def replace_text(html: str, rng: random.Random) -> str:
    """Replace one text node, keeping the markup."""
    tokens = TOKEN.findall(html)
    texts = [i for i, t in enumerate(tokens) if not t.startswith("<") and t.strip()]
    if texts:
        tokens[rng.choice(texts)] = random_text(rng, rng.choice((1, 20, 200)))
    return "".join(tokens)


def _occurrence(html: str, text: str, rng: random.Random) -> int | None:
    starts = [m.start() for m in re.finditer(re.escape(text), html)]
    return rng.choice(starts) if starts else None


def misspell(html: str, rng: random.Random) -> str:
    """A label misspelt: a letter dropped, doubled, swapped or changed in case."""
    label = rng.choice([lb for lb in LABELS if lb in html] or [""])
    at = _occurrence(html, label, rng) if label else None
    if at is None or len(label) < 2:
        return html
    k = rng.randrange(len(label) - 1)
    typos = (
        label[:k] + label[k + 1 :],
        label[:k] + label[k] * 2 + label[k + 1 :],
        label[:k] + label[k + 1] + label[k] + label[k + 2 :],
        label.swapcase(),
        label.lower(),
    )
    return html[:at] + rng.choice(typos) + html[at + len(label) :]


def bad_value(html: str, rng: random.Random) -> str:
    """The text right after a label replaced by a value of the wrong syntax."""
    labels = [lb for lb in KNOWN_LABELS if f"{lb}:" in html]
    if not labels:
        return html
    label = f"{rng.choice(labels)}:"
    at = _occurrence(html, label, rng)
    assert at is not None
    start = at + len(label)
    # Skip the markup between the label and its value: "<b>Minimum Length:</b> <i>1</i>".
    while (tag := MARKUP.match(html, start)) is not None:
        start = tag.end()
    end = html.find("<", start)
    return html[:start] + " " + rng.choice(BAD_VALUES) + html[end if end >= 0 else len(html) :]


def move_required(html: str, rng: random.Random) -> str:
    at = _occurrence(html, "(required)", rng)
    if at is None:
        return html
    rest = html[:at] + html[at + len("(required)") :]
    to = rng.randrange(len(rest) + 1)
    return rest[:to] + "(required)" + rest[to:]


def drop_root_label(html: str, rng: random.Random) -> str:
    at = _occurrence(html, "Root Schema : ", rng)
    return html if at is None else html[:at] + html[at + len("Root Schema : ") :]


def rename_schema(html: str, rng: random.Random) -> str:
    """A schema block or a type text names a schema that is not there, or another one."""
    found = list(re.finditer(r"(?:Nested Schema : |Root Schema : |object |array\[)([\w.-]+)", html))
    if not found:
        return html
    match = rng.choice(found)
    names = [m[1] for m in found]
    new = rng.choice((*names, "Nowhere", "", "schema", "allOf-1", "Nested Schema : X"))
    return html[: match.start(1)] + new + html[match.end(1) :]


def repeat_section(html: str, rng: random.Random) -> str:
    """A "Response", "Request", status or schema section shown twice."""
    heads = list(SECTION_HEAD.finditer(html))
    if not heads:
        return html
    start = rng.choice(heads).start()
    end = html.find("Back to Top", start)
    end = len(html) if end < 0 else end
    end = rng.randrange(start, end + 1)
    return html[:end] + html[start:end] * rng.choice((1, 2, 20)) + html[end:]


def chain_schemas(html: str, rng: random.Random) -> str:
    """A root schema gets a property that starts a chain of nested schema blocks,
    each the only property of the one before."""
    root = re.search(r"Root Schema : [^<]*", html)
    if root is None:
        return html
    lists = [i for i in (html.find("</ul>", root.end()), html.find("</dl>", root.end())) if i >= 0]
    if not lists:
        return html
    at = min(lists)
    depth = rng.choice((2, 10, 100, 1000, 5000))
    inline = rng.random() < 0.5  # a block named after its property is shown inline
    names = [f"p{n}" if inline else f"S{n}" for n in range(depth)]
    blocks = [
        f"<div><h4>Nested Schema : {name}</h4><ul>"
        + (
            f"<li><span>p{n + 1}</span>: <span>object {names[n + 1]}</span></li>"
            if n + 1 < depth
            else "<li><span>leaf</span>: <span>string</span></li>"
        )
        + "</ul></div>"
        for n, name in enumerate(names)
    ]
    first = f"<li><span>p0</span>: <span>object {names[0]}</span></li>"
    close = html.index(">", at) + 1
    return html[:at] + first + html[at:close] + "".join(blocks) + html[close:]


MUTATIONS: dict[str, Mutation] = {
    m.__name__: m
    for m in (
        drop,
        duplicate,
        move,
        unwrap,
        nest,
        swap,
        truncate,
        inject,
        replace_text,
        misspell,
        bad_value,
        move_required,
        drop_root_label,
        rename_schema,
        repeat_section,
        chain_schemas,
    )
}


def fixture_pages() -> list[Path]:
    return sorted(p for pattern in PAGE_GLOBS for p in ROOT.glob(pattern))


def mutate(html: str, rng: random.Random) -> tuple[str, list[str]]:
    """``html`` with one to three random mutations; and their names."""
    names = [rng.choice(sorted(MUTATIONS)) for _ in range(rng.choice((1, 1, 2, 3)))]
    for name in names:
        html = MUTATIONS[name](html, rng)
    return html, names


def check(html: str, page: str) -> bool:
    """Scrape ``html``: True for a page read, False for a ScrapeError naming the page.
    Any other exception propagates."""
    try:
        scraped = scrape_page(html, page)
    except ScrapeError as exc:
        if exc.page != page:
            raise AssertionError(f"ScrapeError names {exc.page!r}, not {page!r}") from exc
        return False
    # What comes back must be a model the later stages can serialise.
    scraped.operation.model_dump(mode="json")
    for schema in scraped.schemas.values():
        schema.model_dump(mode="json")
    return True


class Timeout(Exception):
    """A case still running at ten times the time allowed: a hang."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Timeout


@dataclass
class Outcome:
    case: int
    page: str
    mutations: list[str]
    result: Literal["model", "error", "crash"]
    seconds: float
    detail: str = ""


def run_case(seed: int, case: int, pages: list[Path], limit: float) -> Outcome:
    rng = random.Random(f"{seed}-{case}")
    path = rng.choice(pages)
    html, names = mutate(path.read_text(encoding="utf-8"), rng)
    start = time.perf_counter()
    # A hang is a failure to report, not a run that never ends.
    signal.setitimer(signal.ITIMER_REAL, 10 * limit)
    result: Literal["model", "error", "crash"]
    detail = ""
    try:
        result = "model" if check(html, path.name) else "error"
    except Exception:  # the very thing this looks for: any exception but a ScrapeError
        result, detail = "crash", traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - start
    if result != "crash" and seconds > limit:
        result, detail = "crash", f"took {seconds:.2f} s, more than {limit} s"
    return Outcome(case, path.name, names, result, seconds, detail)


def run_chunk(seed: int, cases: range, limit: float) -> list[Outcome]:
    signal.signal(signal.SIGALRM, _alarm)
    pages = fixture_pages()
    return [run_case(seed, case, pages, limit) for case in cases]


def chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


def main() -> int:
    parser = argparse.ArgumentParser(description="fuzz scrape_page with mutated real pages")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--limit", type=float, default=2.0, help="seconds allowed per page")
    parser.add_argument("--case", type=int, help="rerun one case and show its traceback")
    args = parser.parse_args()
    if args.case is not None:
        outcome = run_chunk(args.seed, range(args.case, args.case + 1), args.limit)[0]
        print(f"{outcome.page} {'+'.join(outcome.mutations)}: {outcome.result}")
        if outcome.detail:
            print(outcome.detail.rstrip())
        return 1 if outcome.result == "crash" else 0

    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [
            pool.submit(run_chunk, args.seed, cases, args.limit)
            for cases in chunks(args.count, 200)
        ]
        outcomes = [o for future in futures for o in future.result()]
    total = time.perf_counter() - start

    crashes = [o for o in outcomes if o.result == "crash"]
    for o in crashes:
        print(f"--- seed {args.seed} case {o.case}: {o.page} {'+'.join(o.mutations)}")
        print(o.detail.rstrip())
        print(f"reproduce: python bench/fuzz.py --seed {args.seed} --case {o.case}")
    slowest = max(outcomes, key=lambda o: o.seconds)
    models = sum(o.result == "model" for o in outcomes)
    errors = sum(o.result == "error" for o in outcomes)
    print(f"cases: {len(outcomes)} (seed {args.seed}, {args.jobs} jobs)")
    print(f"returned a model: {models}")
    print(f"ScrapeError: {errors}")
    print(f"other exceptions or over {args.limit} s: {len(crashes)}")
    print(f"total time: {total:.1f} s")
    print(
        f"slowest page: {slowest.seconds:.3f} s "
        f"(case {slowest.case}: {slowest.page} {'+'.join(slowest.mutations)})"
    )
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
