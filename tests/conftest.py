"""Shared fixtures: a records directory builder and a CLI runner with fixed, colourless output."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from incidents.cli import main
from incidents.spec import incident_from_data
from incidents.store import render_record

# Property tests: quick by default; `INCIDENTS_EXAMPLES=10000 pytest -m properties` (which
# tools/reliability.py runs) gives each that many examples.
settings.register_profile(
    "incidents",
    max_examples=int(os.environ.get("INCIDENTS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("incidents")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis test is marked `properties`, so that `-m properties` runs them all."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.properties)


REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "records"
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
REFERENCE = SHARED / "reference" / "places.md"


def needs_shared(path: Path, what: str) -> pytest.MarkDecorator:
    """Skip a test that reads the project's shared/ folder when it is not beside this checkout.

    shared/ (seed articles, the place-name reference) is not in the repository: CI and the
    developers have it beside their clone, a fresh clone elsewhere does not. The reason says
    exactly what is missing, so a skip is never mistaken for a pass.
    """
    return pytest.mark.skipif(
        not path.exists(), reason=f"needs {what} at {path}: the project's shared/ folder beside the checkout"
    )


def incident(**overrides: Any) -> dict[str, Any]:
    """A valid incident as plain data; tests change only what they are about."""
    data: dict[str, Any] = {
        "id": "2023-09-01-sotk",
        "title": "Exchange of fire near Sotk",
        "date": "2023-09-01",
        "date_precision": "day",
        "places": ["Sotk"],
        "region": ["Gegharkunik"],
        "tags": ["artillery"],
        "status": "active",
        "claims": [
            claim(
                side="azerbaijan",
                initiator="armenia",
                weapons=["combat drones"],
                casualties={"azerbaijan": {"wounded": 2}},
            ),
            claim(
                side="armenia",
                initiator="azerbaijan",
                weapons=["artillery"],
                casualties={"armenia": {"killed": 3, "wounded": 2}},
            ),
        ],
    }
    data.update(overrides)
    return data


def claim(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "side": "armenia",
        "by": "Ministry of Defence",
        "reported": "2023-09-01",
        "stance": "alleges",
        "source": {"title": "A headline", "publisher": "An agency"},
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_records(tmp_path: Path) -> Callable[..., Path]:
    """Write incidents (plain data, validated) into a fresh records directory; return it."""

    def make(*incidents: dict[str, Any], raw: dict[str, str] | None = None) -> Path:
        root = tmp_path / "records"
        root.mkdir(exist_ok=True)
        for data in incidents:
            parsed, problems = incident_from_data(data, "fixture")
            assert not problems, problems
            path = root / data["id"][:4] / f"{data['id']}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_record(parsed), encoding="utf-8")
        for name, text in (raw or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the CLI as a user would, with NO_COLOR and a fixed width."""
    monkeypatch.delenv("INCIDENTS_RECORDS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below root with its bytes, the index aside: to prove a failed command changed
    no record (the index in .incidents/ is a cache the files rebuild)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".incidents" not in p.relative_to(root).parts
    }


@pytest.fixture(autouse=True)
def _cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's key and fallback location in a cache of the test run's own, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
