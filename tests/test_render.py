"""What render shows beside a command's output: the progress bar of a long read."""

import io

import pytest
from rich.console import Console

from incidents import render


@pytest.fixture
def terminal(monkeypatch):
    """stderr as a terminal that records what is drawn on it."""
    screen = io.StringIO()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(file=screen, force_terminal=True, width=80))
    return screen


def test_a_long_read_on_a_terminal_shows_how_far_it_got_and_clears_it(terminal):
    tell = render.reading_progress(after=0)
    tell(250, 1000)
    assert "250/1000" in terminal.getvalue()
    tell(1000, 1000)
    assert "1000/1000" in terminal.getvalue()
    assert terminal.getvalue().endswith("\x1b[2K")  # the bar's line is erased when done


def test_a_quick_read_shows_nothing(terminal):
    tell = render.reading_progress(after=60)
    tell(250, 1000)
    tell(1000, 1000)
    assert terminal.getvalue() == ""


def test_under_no_color_nothing_is_drawn(terminal, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    tell = render.reading_progress(after=0)
    tell(250, 1000)
    assert terminal.getvalue() == ""


def test_in_a_pipe_nothing_is_drawn(monkeypatch):
    pipe = io.StringIO()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(file=pipe))
    tell = render.reading_progress(after=0)
    tell(250, 1000)
    tell(1000, 1000)
    assert pipe.getvalue() == ""
