"""Problems found in records, and the one exception family the CLI turns into exit codes.

A `Problem` is a value, not an exception: loading and checking collect every problem in every
record and report them together (as beancount and hledger do), so that one bad file never hides
the next one. Exceptions are kept for conditions that stop a command outright; each class
carries the exit code documented in the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_ABORTED = 130  # as a shell reports a command stopped by Ctrl-C


class Severity(str, Enum):
    """An error fails `check` and keeps its record out of every output; a warning is reported."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one record, located as precisely as the file allows."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        message = f"warning: {self.message}" if self.severity == Severity.WARNING else self.message
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"


class IncidentsError(Exception):
    """Base of every error the CLI reports as one line on stderr."""

    exit_code = EXIT_DATA


class UsageError(IncidentsError):
    """The command line or the environment asked for something impossible."""

    exit_code = EXIT_USAGE


class DataError(IncidentsError):
    """A record, or a value given for one, is not valid."""

    exit_code = EXIT_DATA


class NotFoundError(IncidentsError):
    """An incident id, records directory or place that does not exist."""

    exit_code = EXIT_DATA


class Aborted(IncidentsError):
    """A person answered no (or stopped at a question): nothing was written."""

    exit_code = EXIT_ABORTED


class RecordProblems(DataError):
    """One or more problems in records; the message is the first, all are kept."""

    def __init__(self, problems: list[Problem], after: str = "") -> None:
        self.problems = sorted(problems)
        self.after = after  # a line to print after the problems (where an edit was kept)
        first = str(self.problems[0]) if self.problems else "invalid record"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))
