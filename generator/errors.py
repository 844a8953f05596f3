"""Errors and warnings that docs2sdk reports to its user.

Every problem with input names the page (or file) and the item it is about. The
command line turns these into messages and exit codes; no traceback reaches the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Docs2SdkError(Exception):
    """A problem docs2sdk can explain; the message is meant for the user."""

    exit_code = 1


class ScrapeError(Docs2SdkError):
    """A page that cannot be read as an operation page."""

    exit_code = 2

    def __init__(self, page: str, item: str, problem: str) -> None:
        self.page, self.item, self.problem = page, item, problem
        super().__init__(f"{page}: {item}: {problem}")

    def __reduce__(self) -> tuple[type[ScrapeError], tuple[str, str, str]]:
        # Raised in worker processes too, so it must survive pickling.
        return (type(self), (self.page, self.item, self.problem))

    def within(self, folder: str) -> ScrapeError:
        """The same error, its page named with the folder it is in (a project's books
        may have pages of the same name)."""
        return ScrapeError(f"{folder}/{self.page}", self.item, self.problem)


class ScrapeErrors(Docs2SdkError):
    """Several pages that cannot be read: each is reported, not only the first."""

    exit_code = 2

    def __init__(self, errors: list[ScrapeError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def scrape_failure(errors: list[ScrapeError]) -> ScrapeError | ScrapeErrors:
    """What to raise for ``errors``: the error itself when there is one."""
    return errors[0] if len(errors) == 1 else ScrapeErrors(errors)


class ModelError(Docs2SdkError):
    """A model file that does not validate."""

    exit_code = 3


class ConfigError(Docs2SdkError):
    """A docs2sdk.yaml that does not validate."""

    exit_code = 3


class StrictError(Docs2SdkError):
    """Warnings given while --strict asked for none."""

    exit_code = 4


class OutputError(Docs2SdkError):
    """Writing would replace or delete what docs2sdk did not make; nothing was written."""

    exit_code = 6


@dataclass(frozen=True, order=True)
class Warning_:
    """Something the scraper could read but not fully understand."""

    page: str
    item: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}: {self.item}: {self.problem}"


@dataclass
class Diagnostics:
    """Collects warnings in the order they were found, each once."""

    warnings: list[Warning_] = field(default_factory=list)
    _seen: set[Warning_] = field(default_factory=set, repr=False)

    def warn(self, page: str, item: str, problem: str) -> None:
        self._add(Warning_(page, item, problem))

    def extend(self, other: Diagnostics) -> None:
        for warning in other.warnings:
            self._add(warning)

    def _add(self, warning: Warning_) -> None:
        # A schema shown in a request and a response would warn twice otherwise.
        if warning not in self._seen:
            self._seen.add(warning)
            self.warnings.append(warning)
