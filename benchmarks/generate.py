"""A realistic synthetic archive for the benchmark: what years of one border look like.

Incidents from 2020 to 2025 at the gazetteer's villages and towns, each named as the side
speaking names it (Basarkechar by Azerbaijan, Vardenis by Armenia); one to four claims by
Armenia, Azerbaijan, the EU mission and Russia, in their different voices, with times,
casualties (exact, at least, up to), weapons, places with roles and sources with URLs; some
multi-day, week or month dated; tags. One file in a thousand is broken (a YAML error, a
missing date, an unknown side), as a hand-edited archive has them. Nothing here is a real
event: titles and statements say they are synthetic.

    python benchmarks/generate.py DIR N     (writes N records into DIR/records)
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

from incidents.spec import incident_from_data
from incidents.store import read_gazetteer, render_record

SIDES = {  # side: (voices, what it calls places)
    "armenia": (["Ministry of Defence", "National Security Service", "Ministry of Foreign Affairs"], "hy"),
    "azerbaijan": (["Ministry of Defence", "State Border Service", "Prosecutor General's Office"], "az"),
    "eu-mission": (["EU Monitoring Mission in Armenia"], "en"),
    "russia": (["Ministry of Foreign Affairs", "Border guard service"], "ru"),
}
WEAPONS = ["artillery", "mortars", "small arms", "large-calibre machine guns", "drones", "grenade launchers"]
TAGS = ["ceasefire-violation", "shelling", "sniper", "drone", "civilian-damage", "detention", "mine"]
ROLES = ["at", "near", "from"]


def places_by_naming() -> list[dict[str, str]]:
    """Each village or town of the gazetteer with the name each side would use (those whose
    names are shared by other places are left out: a record would have to qualify them)."""
    gazetteer, _ = read_gazetteer(None)
    found = []
    for place in gazetteer.places.values():
        if place.type not in ("village", "town", "city", "settlement"):
            continue
        names = {"en": place.name}
        for naming, languages in (("hy", ("hy_latn", "en")), ("az", ("az", "az_latn")), ("ru", ("ru",))):
            names[naming] = next((place.names[lang][0] for lang in languages if place.names.get(lang)), place.name)
        if all(gazetteer.resolve(name).place is not None for name in names.values()):
            found.append(names)
    return found or [{"en": "Sotk", "hy": "Sotk", "az": "Zod", "ru": "Sotk"}]


def incident_data(rng: random.Random, i: int, places: list[dict[str, str]]) -> dict:
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(6 * 365))
    where = rng.sample(places, rng.choice([1, 1, 1, 2, 3]))
    precision = rng.choices(["day", "days", "week", "month"], [80, 10, 6, 4])[0]
    data = {
        "id": f"{day.isoformat()}-synthetic-{i}",
        "title": f"Synthetic incident {i} near {where[0]['en']}",
        "date": day.isoformat() if precision != "month" else day.replace(day=1).isoformat(),
        "date_precision": precision,
        "places": [p["en"] for p in where],
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
        "status": "active",
        "claims": [claim(rng, i, side, day, where) for side in rng.sample(list(SIDES), rng.randint(1, 4))],
    }
    if precision == "days":
        data["end_date"] = (day + timedelta(days=rng.randint(1, 4))).isoformat()
    if precision == "week":
        data["date"] = (day - timedelta(days=day.weekday())).isoformat()
    return data


def claim(rng: random.Random, i: int, side: str, day: date, where: list[dict[str, str]]) -> dict:
    voices, naming = SIDES[side]
    other = {"armenia": "azerbaijan", "azerbaijan": "armenia"}.get(side, rng.choice(["armenia", "azerbaijan"]))
    figure = rng.choice([1, 2, 3, "2+", "up to 5"])
    said = {
        "side": side,
        "by": rng.choice(voices),
        "reported": f"{(day + timedelta(days=rng.randint(0, 2))).isoformat()} {rng.randint(6, 23):02d}:{rng.choice(['00', '15', '40'])}",
        "stance": "alleges" if side in ("armenia", "azerbaijan") else "observed",
        "weapons": rng.sample(WEAPONS, rng.randint(0, 3)),
        "places": [{"name": p[naming], "role": rng.choice(ROLES)} for p in where],
        "statement": f"Synthetic statement {i} by {side}: units opened fire in the direction of {where[0][naming]}.",
        "source": {
            "title": f"Synthetic report {i} ({side})",
            "publisher": rng.choice(["Armenpress", "APA", "Azertac", "news.am", "EUMA", "TASS"]),
            "url": f"https://example.org/{side}/{i}",
        },
    }
    if side in ("armenia", "azerbaijan"):
        said["initiator"] = other
        if rng.random() < 0.3:
            said["casualties"] = {side: {rng.choice(["killed", "wounded"]): figure}}
    return said


BROKEN = [  # each with the id its file name gives, so that it is broken in one way only
    "id: [unclosed\n",
    "id: {id}\ntitle: A record without its date\nclaims: []\n",
    "id: {id}\ntitle: t\ndate: '{day}'\nclaims:\n- side: atlantis\n  source: {{title: x}}\n",
]


def generate(root: Path, n: int, seed: int = 1, broken_every: int = 1000) -> None:
    """N record files under root, as `add` writes them, one in `broken_every` broken."""
    rng = random.Random(seed)
    places = places_by_naming()
    for i in range(n):
        path: Path
        if broken_every and i % broken_every == broken_every - 1:
            day = f"2021-01-0{i % 7 + 1}"
            text = BROKEN[(i // broken_every) % len(BROKEN)].format(id=f"{day}-broken-{i}", day=day)
            path = root / "2021" / f"{day}-broken-{i}.yaml"
        else:
            data = incident_data(rng, i, places)
            incident, problems = incident_from_data(data, "generated")
            if incident is None or problems:
                raise SystemExit(f"the generator made a bad record: {problems[0]}")
            text = render_record(incident)
            path = root / data["id"][:4] / f"{data['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) / "records", int(sys.argv[2]))
