"""Any valid incident written then read back is equal, and written again gives the same bytes."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

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
from incidents.store import render_record
from incidents.yamlio import read_yaml

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


@settings(max_examples=300, deadline=None)
@given(incidents())
def test_written_then_read_is_equal_and_rewriting_is_byte_stable(incident):
    text = render_record(incident)
    again, problems = incident_from_data(read_yaml(text), "prop.yaml")
    assert problems == []
    assert again == incident
    assert render_record(again) == text
