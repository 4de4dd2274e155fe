"""Questions on a terminal: how `add` and `claim` ask for what a person left out.

Every answer is checked as it is given, so a mistake is corrected at once instead of after the
last question; questions go to stderr, so stdout stays the command's result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from .errors import IncidentsError, UsageError
from .places import fold
from .text import strip_unsafe


def can_ask(flag: bool | None) -> bool:
    """Whether questions may be asked: --interactive/--no-interactive, else whether stdin is a terminal."""
    return sys.stdin.isatty() if flag is None else flag


def ask(
    value: Any,
    option: str,
    prompt: str,
    interactive: bool,
    check: Callable[[str], Any] | None = None,
    default: str | None = None,
) -> Any:
    """Return value, or ask for it on a terminal until it is valid; fail plainly in a script."""
    while value in (None, ""):
        if not interactive:
            raise UsageError(f"missing {option} (not asked for: stdin is not a terminal, or --no-interactive)")
        value = click.prompt(prompt, default=default, show_default=default is not None, err=True).strip()
        if check and value:
            try:
                check(value)
            except IncidentsError as exc:
                click.echo(f"  {strip_unsafe(str(exc))}", err=True)
                value = None
    return value


def ask_optional(prompt: str, check: Callable[[str], Any] | None = None) -> str | None:
    """Ask for a value a person may skip with Enter; asked again until valid."""
    while True:
        value = click.prompt(f"{prompt} (Enter to skip)", default="", show_default=False, err=True).strip()
        if not value or check is None:
            return value or None
        try:
            check(value)
            return value
        except IncidentsError as exc:
            click.echo(f"  {strip_unsafe(str(exc))}", err=True)


def ask_list(prompt: str) -> list[str]:
    """Several values on one line, separated by commas."""
    answer = ask_optional(f"{prompt}, separated by commas")
    return [part.strip() for part in (answer or "").split(",") if part.strip()]


def choose(name: str, forms: list[str], names: list[str], descriptions: list[str]) -> str:
    """Which of the places an ambiguous name can mean: by number, by qualified form or by the
    place's own name (Jermuk for 'Istisu (Vayots Dzor Province)')."""
    click.echo(f"{strip_unsafe(name)!r} can mean:", err=True)
    for number, (form, what) in enumerate(zip(forms, descriptions, strict=True), 1):
        click.echo(f"  {number}) {form}  ({what})", err=True)
    while True:
        answer = click.prompt("Which one (number or name)", err=True).strip()
        chosen = [f for n, f in enumerate(forms, 1) if answer == str(n) or fold(answer) == fold(f)]
        if fold(answer) != fold(name):  # the ambiguous name itself is not an answer
            chosen = chosen or [f for f, own in zip(forms, names, strict=True) if fold(answer) == fold(own)]
        if len(chosen) == 1:
            return chosen[0]
        click.echo(f"  answer 1 to {len(forms)}, or one of the names above", err=True)
