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


# --- the pager (issue 14, item 6) -----------------------------------------------------------------


@pytest.fixture
def pager_env(monkeypatch):
    for name in ("INCIDENTS_PAGER", "PAGER", "LESS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_table_taller_than_the_terminal_goes_through_the_pager_as_git_sends_it(pager_env, tmp_path):
    out = tmp_path / "paged"
    pager_env.setenv("PAGER", f"env > {tmp_path / 'env'}; cat > {out}")
    command = render.pager_command(50, 40)
    assert command and render.page("line\n" * 50, command)
    assert out.read_text() == "line\n" * 50
    assert "LESS=FRX" in (tmp_path / "env").read_text().splitlines()  # quit if it fits, colours, no clearing
    pager_env.setenv("INCIDENTS_PAGER", "more")
    assert render.pager_command(50, 40) == "more"
    pager_env.delenv("INCIDENTS_PAGER")
    pager_env.delenv("PAGER")
    assert render.pager_command(50, 40) == "less"


@pytest.mark.parametrize("pager", ["", "cat", " cat "])
def test_no_pager_when_the_table_fits_or_none_is_wanted(pager_env, pager):
    assert render.pager_command(10, 40) is None
    pager_env.setenv("PAGER", pager)
    assert render.pager_command(100, 40) is None


def test_no_pager_option_and_a_missing_pager(pager_env):
    import click

    from incidents.cli import main

    with click.Context(main) as ctx:
        ctx.meta[render.NO_PAGER] = True
        assert render.pager_command(100, 40) is None
    assert render.page("text\n", "incidents-no-such-pager-anywhere") is False  # the caller then prints it


def test_output_on_a_terminal_pages_a_long_table_and_prints_a_short_one(pager_env, tmp_path, monkeypatch, capsys):
    from rich.console import Console
    from rich.text import Text

    out = tmp_path / "paged"
    pager_env.setenv("PAGER", f"cat > {out}")
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(force_terminal=True, height=5, width=40))
    monkeypatch.setattr(render, "_on_a_terminal", lambda: True)
    render.output("table", None, lambda: Text("\n".join(f"row {n}" for n in range(20))))
    assert out.read_text().split() == [w for n in range(20) for w in ("row", str(n))]
    assert capsys.readouterr().out == ""
    render.output("table", None, lambda: Text("one row"))
    assert "one row" in capsys.readouterr().out


def test_no_pager_when_stdout_is_not_a_terminal_even_if_colours_are_forced(pager_env, tmp_path, monkeypatch, capsys):
    from rich.console import Console
    from rich.text import Text

    pager_env.setenv("PAGER", f"cat > {tmp_path / 'paged'}")
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(force_terminal=True, height=5, width=40))
    render.output("table", None, lambda: Text("\n".join(f"row {n}" for n in range(20))))
    assert not (tmp_path / "paged").exists() and "row 19" in capsys.readouterr().out


def test_a_pipe_gets_80_columns_or_COLUMNS_never_the_terminal_s_width(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert render.console().width == 80  # stdout here is not a terminal, whatever the one around is
    monkeypatch.setenv("COLUMNS", "132")
    assert render.console().width == 132
