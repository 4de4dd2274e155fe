"""Properties: any valid incident written then read back is equal and rewrites to the same bytes; any
bytes or data are read into an incident or problems; the checks and the comparison judge any
incident without an exception (INCIDENTS_EXAMPLES=10000 runs each 10,000 times)."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from incidents.errors import Problem, Severity
from incidents.model import (
    CasualtyKind,
    Claim,
    Count,
    Figure,
    Incident,
    Moment,
    PlaceRef,
    PlaceRole,
    Precision,
    Source,
    Stance,
    WeaponRef,
    Window,
)
from incidents.spec import incident_from_data
from incidents.store import Store, read_gazetteer, render_record
from incidents.yamlio import read_yaml

from .conftest import BUNDLED

# Text as people write it, in the scripts records use, with the characters YAML treats specially.
LETTERS = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd", "Ps", "Pe", "Sm"),
    whitelist_characters="əƏşŞğĞçÇıİöüՍոթքСотк:#&*!|>'\"%@`-?,[]{}",
)
text = st.text(LETTERS, min_size=1, max_size=30).filter(str.strip)  # blank text is refused
notes = st.one_of(st.none(), st.text(st.one_of(LETTERS, st.just("\n")), min_size=1, max_size=60).filter(str.strip))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
side = st.sampled_from(["armenia", "azerbaijan", "eu-mission", "russia"])
count = st.one_of(
    st.integers(0, 500).map(lambda n: Count(n, n)),
    st.integers(0, 500).map(lambda n: Count(n, None)),
    st.tuples(st.integers(0, 50), st.integers(1, 50)).map(lambda t: Count(t[0], t[0] + t[1])),
)
figures = st.lists(st.tuples(side, st.sampled_from(list(CasualtyKind)), st.booleans(), count), max_size=4).map(
    lambda items: tuple(
        sorted(
            {(s, k, c): Figure(s, k, c, n) for s, k, c, n in items}.values(),
            key=lambda f: (f.side, f.civilian, list(CasualtyKind).index(f.kind)),
        )
    )
)
places = st.lists(
    st.builds(
        PlaceRef, name=text, role=st.sampled_from(list(PlaceRole)), means=st.sampled_from([None, "jermuk", "sotk"])
    ),
    max_size=3,
).map(tuple)
weapons = st.lists(st.builds(WeaponRef, name=text, by=st.one_of(st.none(), side)), max_size=3).map(tuple)
sources = st.builds(
    Source,
    title=text,
    publisher=st.one_of(st.none(), text),
    date=st.one_of(st.none(), days),
    url=st.none(),
    ref=st.one_of(st.none(), text),
)
claims = st.builds(
    Claim,
    side=side,
    source=sources,
    by=st.one_of(st.none(), text),
    reported=st.one_of(
        st.none(),
        days.map(Moment),
        st.builds(
            Moment, days, st.times().map(lambda t: t.replace(second=0, microsecond=0)), st.just(timedelta(hours=4))
        ),
    ),
    stance=st.sampled_from(list(Stance)),
    initiator=st.one_of(st.none(), side),
    target=st.one_of(st.none(), text),
    weapons=weapons,
    places=places,
    window=st.one_of(
        st.just(Window()),
        st.just(Window(datetime(2023, 3, 8, 21, 30), datetime(2023, 3, 9, 4, 15), timedelta(hours=4))),
        st.just(Window(time(21, 30), None, None)),
        st.just(Window(time(23, 5), time(1, 0), timedelta(hours=-3, minutes=-30))),
    ),
    violations=st.one_of(st.none(), count),
    casualties=figures,
    statement=notes,
    note=notes,
)


@st.composite
def incidents(draw):
    start = draw(days)
    end = draw(st.one_of(st.none(), st.integers(0, 10).map(lambda n: start + timedelta(days=n))))
    slug = draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True))
    return Incident(
        id=f"{start.isoformat()}-{slug}",
        title=draw(text),
        date=start,
        end_date=end,
        date_precision=draw(
            st.sampled_from(
                [Precision.DAYS, Precision.WEEK, Precision.MONTH] if end and end != start else list(Precision)
            )
        ),
        places=draw(places),
        region=tuple(draw(st.lists(text, max_size=2))),
        tags=tuple(draw(st.lists(text, max_size=2))),
        notes=draw(notes),
        claims=tuple(  # some with ids of their own, the others c1, c2… by position
            replace(c, id=f"k{n}") if draw(st.booleans()) else c
            for n, c in enumerate(draw(st.lists(claims, max_size=3)))
        ),
    )


@given(incidents())
def test_written_then_read_is_equal_and_rewriting_is_byte_stable(incident):
    text = render_record(incident)
    again, problems = incident_from_data(read_yaml(text), "prop.yaml")
    assert problems == []
    assert again == incident
    assert render_record(again) == text


# --- the loader, the checks and the comparison: no exception but the project's own -------------

yaml_like = st.text(st.sampled_from(list("abc:-[]{}&*!|>'\"#%@`?,\n\t 0123456789.~\\ə\x00\x1b")), max_size=200)
plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
field_names = st.sampled_from(["id", "title", "date", "end_date", "date_precision", "places", "region", "tags",
                               "status", "claims", "sources", "links", "notes", "side", "casualties", "source",
                               "reported", "window", "violations", "people", "retracts", "revises"])  # fmt: skip
record_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates().map(str),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names | st.text(max_size=6), inner, max_size=6),
    max_leaves=25,
)


@given(st.binary(max_size=400) | yaml_like.map(str.encode))
def test_any_bytes_are_read_or_refused_with_problems_never_an_exception(raw):
    from incidents.store import parse_data

    data, problems = parse_data(raw, "prop.yaml")
    assert all(p.path == "prop.yaml" and p.line >= 1 and p.message for p in problems)
    assert data is None or not problems  # refused bytes give no data
    if not problems:  # and what the parser gave is an incident or problems, in the reader too
        incident, found = incident_from_data(data, "prop.yaml")
        assert (incident is None) == any(p.severity == Severity.ERROR for p in found)


@given(record_like)
def test_any_data_is_an_incident_or_problems_never_an_exception(data):
    incident, problems = incident_from_data(data, "prop.yaml")
    assert (incident is None) == any(p.severity == Severity.ERROR for p in problems)  # never both, never neither
    assert all(isinstance(p.message, str) and p.message for p in problems)


@given(incidents())
def test_the_checks_judge_any_incident_with_problems_only(incident):
    from pathlib import Path

    from incidents.checks import record_problems
    from incidents.store import Record

    path = Path("/nonexistent/records") / incident.id[:4] / f"{incident.id}.yaml"
    problems = record_problems(Record(incident, path, str(path)), path.parent.parent, GAZETTEER)
    assert all(isinstance(p, Problem) and p.message for p in problems)


@given(incidents())
def test_the_comparison_of_any_incident_is_a_verdict_and_the_same_twice(incident):
    from incidents.compare import Verification, compare, default_columns, verification
    from incidents.summary import conflicting

    columns = default_columns(incident, SIDES)
    first = compare(incident, SIDES, columns)
    assert compare(incident, SIDES, columns) == first  # a pure rule: the same answer each time
    assert all(row.verdict is None or row.cells for row in first.rows)  # a verdict is on what was said
    assert verification(incident, SIDES, conflicting(incident, SIDES, first)) in set(Verification)


GAZETTEER = read_gazetteer(None)[0]
SIDES = Store(BUNDLED).sides()[0]
