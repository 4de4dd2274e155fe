"""The gazetteer: every name in the reference, hierarchy, transliteration, ambiguity, overrides."""

import json
import re
from pathlib import Path

import pytest
import yaml

from incidents.model import PlaceRef
from incidents.places import fold
from incidents.store import Store, read_gazetteer

from .conftest import REFERENCE, claim, incident, needs_shared, snapshot

GAZETTEER = read_gazetteer(None)[0]


def ids(name):
    return {p.id for p in GAZETTEER.resolve(name).candidates}


def reference_entries():
    """The YAML blocks of shared/reference/places.md, as the reference itself gives them."""
    if not REFERENCE.exists():
        return []
    blocks = re.findall(r"```yaml\n(.*?)```", REFERENCE.read_text("utf-8"), re.S)
    return [entry for block in blocks for entry in yaml.safe_load(block)]


def reference_names(entry):
    names = entry.get("names") or {}
    found = []
    for key, value in names.items():
        if key == "az_mod_subregions":
            continue
        for name in value if isinstance(value, list) else []:
            text = re.sub(r"\s*\(.*?\)\s*$", "", name).strip()
            if text and "unverified" not in name and "UNCERTAIN" not in name:
                found += re.split(r"\s*/\s*", text)  # "Кармир Шука/Караньлуг": two old names
    return found


ENTRIES = reference_entries()


@needs_shared(REFERENCE, "the place-name reference")
@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_every_name_in_the_reference_resolves_to_its_place(entry):
    assert entry["id"] in GAZETTEER.places
    for name in reference_names(entry):
        assert entry["id"] in ids(name), (name, ids(name))


def test_every_name_in_the_package_data_resolves_to_its_own_place():
    for place in GAZETTEER.places.values():
        for name in place.all_names():
            assert place.id in ids(name), name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Basarkechar", "Vardenis"), ("Basargeçer", "Basarkechar"), ("Gorus", "Goris"), ("Kalbajar", "Karvachar"),
        ("Zod", "Sotk"), ("Garakilsa", "Sisian"), ("Karakilise", "Sisian"), ("Daşkəsən", "Dashkasan"),
        ("Dashkesan", "Dashkasan"), ("Kəlbəcər", "Kelbajar"), ("Xankəndi", "Stepanakert"), ("Lisagor", "Turshsu"),
        ("Сотк", "Sotk"), ("Սոթք", "Sotk"), ("Sot'k'", "Sotk"), ("Shamshaddin", "Berd"), ("Qafan", "Kapan"),
        ("Arazdeyen", "Yeraskh"), ("Digh", "Tegh"), ("Kalbajar region", "Kalbajar District"), ("the Lachin District", "Lachin"),
    ],
)  # fmt: skip
def test_both_sides_names_are_one_place(a, b):
    assert ids(a) == ids(b) and len(ids(a)) == 1


@pytest.mark.parametrize("query", ["Gegharkunik", "Vardenis", "Basarkechar", "Zod", "Sotk", "Göyçə"])
def test_an_incident_recorded_at_sotk_is_found_from_every_level_and_naming(cli, make_records, query):
    root = make_records(incident(places=["Sotk"], region=[], claims=[]))
    out = cli("--records", str(root), "list", "--region", query, "--format", "csv").stdout
    assert "2023-09-01-sotk" in out


def test_hierarchy_both_ways():
    assert "gegharkunik" in GAZETTEER.ancestors("sotk") and "vardenis" in GAZETTEER.ancestors("sotk")
    assert "sotk" in GAZETTEER.descendants("gegharkunik")
    assert GAZETTEER.related("sotk", "gegharkunik") and GAZETTEER.related("gegharkunik", "sotk")
    assert not GAZETTEER.related("sotk", "kut")  # neighbours are not one place
    assert not GAZETTEER.related("sotk", "kalbajar")


def test_a_region_filter_does_not_match_the_province_from_a_village():
    assert not GAZETTEER.related("sotk", "syunik")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Istisu", {"jermuk", "istisu_kalbajar"}),
        ("Martuni", {"martuni_gegharkunik", "khojavend"}),
        ("Tavush", {"tavush", "tavush_village"}),
        ("Agarak", {"agarak", "agarak_lori", "agarak_aragatsotn"}),  # places.md 0.3: Syunik town, two villages
    ],
)
def test_ambiguous_names_are_never_merged(name, expected):
    resolution = GAZETTEER.resolve(name)
    assert resolution.ambiguous and resolution.place is None
    assert {p.id for p in resolution.candidates} == expected
    forms = GAZETTEER.qualified_forms(resolution)
    assert sorted(next(iter(ids(form))) for form in forms) == sorted(expected)  # each form names one place


def test_qualified_forms_people_write():
    assert ids("Istisu (Jermuk)") == {"jermuk"}
    assert ids("Istisu (Kalbajar)") == {"istisu_kalbajar"}
    assert ids("Martuni (Khojavend)") == {"khojavend"}
    assert ids("Tavush (village)") == {"tavush_village"}


def test_uncertain_identifications_are_flagged():
    resolution = GAZETTEER.resolve("Khaipalu")
    assert [p.id for p in resolution.candidates] == ["khalfali"] and resolution.uncertain
    assert resolution.place is None  # probable is not certain: no filter or comparison takes it as Khalfali


def test_unknown_places_get_suggestions():
    assert GAZETTEER.resolve("Vardenus").candidates == ()
    assert "Vardenis" in GAZETTEER.suggest("Vardenus")
    assert "Kalbajar" in GAZETTEER.suggest("Kalbajr")


def test_coordinates_are_never_invented():
    for place_id in ("artanish", "khalfali", "istisu_kalbajar", "tavush_village", "nerkin_hand"):
        place = GAZETTEER.places[place_id]
        assert place.lat is None and place.lon is None


def test_names_in_one_convention():
    assert GAZETTEER.display("Zod", "armenian") == "Sotk"
    assert GAZETTEER.display("Sotk", "azerbaijani") == "Zod"
    assert GAZETTEER.display("Karvachar", "azerbaijani") == "Kəlbəcər rayonu"
    assert GAZETTEER.display("Basarkechar", "english") == "Vardenis"
    assert GAZETTEER.display("Istisu", "english") == "Istisu"  # ambiguous: left as written


def test_records_directory_can_add_and_override_places(make_records):
    root = make_records(
        raw={
            "places.yaml": "places:\n"
            "- {id: new_pass, name: New Pass, type: feature, within: [sotk], names: {az_latn: [Yeni Kecid]}}\n"
            "- {id: sotk, name: Sotk village, type: village, within: [vardenis], names: {en: [Sotk]}}\n"
        }
    )
    gazetteer, problems = Store(root).gazetteer()
    assert problems == []
    assert {p.id for p in gazetteer.resolve("Yeni Kecid").candidates} == {"new_pass"}
    assert "gegharkunik" in gazetteer.ancestors("new_pass")
    assert gazetteer.places["sotk"].name == "Sotk village"
    assert gazetteer.resolve("Zod").candidates == ()  # the override replaced the entry and its names


def test_check_reports_ambiguous_and_unknown_places(cli, make_records):
    root = make_records(incident(places=["Istisu", "Nowhereville"], claims=[claim(places=["Khaipalu"])]))
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1
    out = result.stdout
    assert (
        "places[0]: 'Istisu' is ambiguous: write 'Istisu (Vayots Dzor Province)' or 'Istisu (Kalbajar District)'" in out
    )
    assert "places[1]: warning: unknown place 'Nowhereville'" in out
    assert "claims[0].places[0]: warning: 'Khaipalu' is only probably Khalfali" in out


def test_add_refuses_an_ambiguous_place_in_a_script_and_asks_on_a_terminal(cli, tmp_path):
    root = str(tmp_path / "records")
    result = cli("--records", root, "add", "--date", "2023-01-01", "--title", "t", "--place", "Martuni")
    assert result.exit_code == 2 and "'Martuni (Gegharkunik Province)' or 'Martuni (Karabakh)'" in result.stderr
    result = cli(
        "--records",
        root,
        "add",
        "--interactive",
        "--date",
        "2023-01-01",
        "--title",
        "t",
        "--place",
        "Martuni",
        "--init",
        input="2\n",
    )
    assert result.exit_code == 0, result.output
    # The word stays as written; the place meant is stored beside it (issue 11), never a rewrite.
    assert Store(Path(root)).load().records[0].incident.places == (PlaceRef("Martuni", means="khojavend"),)
    # The choices say which place each is; a name is an answer too.
    args = ["--records", root, "add", "--interactive", "--date", "2023-01-02", "--title", "t", "--place", "Istisu"]
    result = cli(*args, input="4\nIstisu\nJermuk\n")  # out of range, the ambiguous name itself: asked again
    assert "(Jermuk, town, AM)" in result.output and result.output.count("answer 1 to 2") == 2
    assert Store(Path(root)).load().get("2023-01-02-istisu").incident.places == (PlaceRef("Istisu", means="jermuk"),)


def test_add_warns_about_unknown_places_with_suggestions(cli, tmp_path):
    result = cli("--records", str(tmp_path), "add", "--date", "2023-01-01", "--title", "t", "--place", "Vardenus")
    assert result.exit_code == 0
    assert "'Vardenus' is not in the gazetteer; did you mean 'Vardenis'" in result.stderr


def test_places_command_answers_what_the_other_side_calls_it(cli):
    out = cli("places", "Basarkechar").stdout
    assert "Vardenis" in out and "Basarkeçər" in out and "Gegharkunik Province" in out
    nothing = cli("places", "Nowhereville")  # an answer, as `list` finding nothing is
    assert nothing.exit_code == 0 and "no place called 'Nowhereville'" in nothing.stderr
    assert cli("places", "Nowhereville", "--format", "json").stdout.strip() == "[]"
    assert len(cli("places", "--format", "json").stdout) > 1000


def test_diff_compares_places_by_identity_and_says_so(cli, make_records):
    root = make_records(
        incident(claims=[claim(side="armenia", places=["Sotk"]), claim(side="azerbaijan", places=["Zod"])])
    )
    out = cli("--records", str(root), "diff", "2023-09-01-sotk").stdout
    places_row = next(line for line in out.splitlines() if line.startswith("Places"))
    assert "agree" in places_row
    assert "Sotk (Armenia) and Zod (Azerbaijan) are one place: Sotk" in out


def test_list_and_show_in_one_naming(cli, make_records):
    root = make_records(incident(places=["Zod"], claims=[claim(places=["Basarkechar"])]))
    assert "Sotk" in cli("--records", str(root), "list", "--names", "armenian").stdout
    shown = cli("--records", str(root), "show", "2023-09-01-sotk", "--names", "english").stdout
    assert "Vardenis" in shown and "Basarkechar" not in shown


def test_fold_ignores_what_spellings_vary_in():
    assert fold("Daşkəsən") == fold("Dashkasan") == fold("DASHKASAN")
    assert fold("Verin Shorzha") == fold("Verin-Shorzha")
    assert fold("Sissian") == fold("Sisian")


@pytest.mark.parametrize(
    ("typed", "place_id"),
    [
        # Azerbaijani letters typed as plain ones, not as the press's digraphs (places.md 1: az_ascii)
        ("Basargecer", "vardenis"),
        ("Yuxari Sorca", "verin_shorzha"),
        ("Sərur", "sharur"),
        # ə written e where the data has a, and the other way round; ı written y
        ("Dashkasen", "dashkasan"),
        ("Zengilan", "zangilan"),
        ("Gedebey", "gadabay"),
        ("Lachyn", "lachin"),
        ("Gubadly", "gubadli"),
        # Azerbaijani c is English j
        ("Cermuk", "jermuk"),
    ],
)
def test_transliteration_variants_resolve(typed, place_id):
    assert GAZETTEER.resolve(typed).place.id == place_id


def test_loose_spellings_never_merge_two_places():
    # Every loose key shared by two places is a name they share exactly (a known homonym).
    from incidents.places import fold, loose

    for key, ids in GAZETTEER._loose.items():
        if len(ids) > 1:
            exact = [{fold(n) for n in GAZETTEER.places[i].all_names() if loose(fold(n)) == key} for i in ids]
            assert set.intersection(*exact), (key, ids)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kalbajar rayonu", {"kalbajar"}),
        ("Basarkeçər rayonu", {"vardenis"}),
        ("Tavuş vilayəti", {"tavush"}),
        ("Tavush village", {"tavush_village"}),  # the kind word tells the homonyms apart
        ("Tavush Province", {"tavush"}),
        ("Tovuz region", {"tavush_village", "tovuz"}),  # "region" gives no type: still ambiguous
    ],
)
def test_words_for_a_kind_of_place_in_either_language(typed, expected):
    assert {p.id for p in GAZETTEER.resolve(typed).candidates} == expected


def test_a_name_a_place_bears_only_uncertainly_still_makes_it_ambiguous():
    # places.md 0.3: Yellicə is a Kalbajar settlement and the short old name of Norabak.
    resolution = GAZETTEER.resolve("Yellija")
    assert {p.id for p in resolution.candidates} == {"yellija_kalbajar", "norabak"}
    assert resolution.ambiguous and resolution.place is None


def test_a_probable_name_is_matched_as_written_and_said_so(cli, make_records):
    # places.md 0.3: "Khaipalu" is only probably Khalfali; a filter must not take it as certain.
    root = make_records(incident(id="2023-03-05-khaipalu", date="2023-03-05", places=["Khaipalu"], region=[]))
    result = cli("--records", str(root), "list", "--region", "Khalfali", "--format", "json")
    assert json.loads(result.stdout) == []
    result = cli("--records", str(root), "list", "--region", "Khaipalu", "--format", "json")
    assert [row["id"] for row in json.loads(result.stdout)] == ["2023-03-05-khaipalu"]
    assert "only probably Khalfali" in result.stderr


def test_adding_the_same_event_again_is_pointed_out(cli, make_records):
    # Zod is Sotk: a second account of one event belongs in a claim, not in a second record.
    root = make_records(incident())
    args = ["--records", str(root), "add", "--date", "1 Sep 2023", "--title", "Fire at Zod", "--place", "Zod"]
    before = snapshot(root)
    refused = cli(*args, "--interactive", input="n\n")
    assert refused.exit_code == 130 and "2023-09-01-sotk is on the same day at the same place" in refused.output
    assert snapshot(root) == before
    script = cli(*args)  # a script is refused: a second account belongs in a claim
    assert (
        script.exit_code == 1
        and "incidents claim 2023-09-01-sotk" in script.stderr
        and "--allow-duplicate" in script.stderr
    )
    assert snapshot(root) == before
    added = cli(*args, "--allow-duplicate")  # unless it says this is a second incident
    assert added.exit_code == 0 and "incidents claim 2023-09-01-sotk" in added.stderr
    assert (root / "2023" / "2023-09-01-zod.yaml").is_file()


@pytest.mark.parametrize(
    ("name", "place_id", "within"),
    [
        # places.md names these only in its prose; they are known, with what contains them.
        ("Zəylik", "zeylik", "kalbajar"),
        ("Yuxarı Ayrım", "yukhari_ayrim", "kalbajar"),
        ("Tezekend", "tezekend", "dashkasan"),
        ("Kilit", "kilit", "ordubad"),
        ("Karchevan", "karchevan", "syunik"),
        ("Sadarak District (Nakhchivan AR)", "sadarak", "nakhchivan"),  # a reference canonical name
    ],
)
def test_places_from_the_references_prose(name, place_id, within):
    place = GAZETTEER.resolve(name).place
    assert place.id == place_id and within in GAZETTEER.ancestors(place_id)
    assert place.lat is None or place_id == "sadarak"  # no coordinate the reference does not give


@pytest.mark.parametrize(
    ("phrase", "place_id"),
    [
        # places.md 0.1: the Azerbaijani MoD names a place, then the Soviet-era district it lies in
        ("Zod direction of the Basarkechar region", "sotk"),
        ("Arazdeyen village of the Vedi region", "yeraskh"),
        ("Digh settlement of the Gorus region", "tegh"),
        ("Karchevan settlement of the Agarak region", "karchevan"),
    ],
)
def test_the_ministrys_place_of_district_formula(phrase, place_id):
    assert GAZETTEER.resolve(phrase).place.id == place_id


def test_a_place_of_a_district_that_does_not_contain_it_is_not_guessed():
    assert GAZETTEER.resolve("Zod of the Kalbajar region").candidates == ()


def test_region_by_country_finds_the_places_of_that_state(cli, make_records):
    root = str(make_records(
        incident(id="2023-09-01-sotk", places=["Sotk"], region=[], claims=[]),
        incident(id="2023-09-01-kalbajar", places=["Kalbajar"], region=[], claims=[]),
    ))  # fmt: skip
    for query, expected in (("Armenia", ["2023-09-01-sotk"]), ("Azərbaycan", ["2023-09-01-kalbajar"])):
        out = cli("--records", root, "list", "--region", query, "--format", "json").stdout
        assert [row["id"] for row in json.loads(out)] == expected


def test_chambarak_as_the_azerbaijani_mod_names_it(cli):
    # dating.md, Azerbaijani MoD, 9 March 2023: fired on from "... Istisu, the Chambarak region".
    assert ids("the Chambarak region") == {"chambarak"}
    assert "gegharkunik" in GAZETTEER.ancestors("chambarak")
    place = GAZETTEER.places["chambarak"]
    assert place.sources and place.lat is None and place.uncertain  # no coordinate or name it does not give


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("border zone of Gegharkunik province", "gegharkunik"),  # issue 11: a stretch of a province's border
        ("the border villages of Tavush Province", "tavush"),
        ("Tegh community", "tegh"),
        ("Nerkin-And", "nerkin_hand"),
        ("Kornidzor", "kornidzor"),
        ("Gornidzor", "kornidzor"),  # armenews.com, December 2020
        ("Կոռնիձոր", "kornidzor"),  # 168.am, 26 December 2022
    ],
)
def test_names_real_reports_use(name, place_id):
    assert ids(name) == {place_id}


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        # Encyclopaedia of Islam THREE: "Azeris call the region Dağlıq Qarabağ, while Armenians
        # refer to it as Artsakh"; Simple English Wikipedia: "Armenian: Լեռնային Ղարաբաղ".
        ("Artsakh", "nagorno_karabakh"), ("Արցախ", "nagorno_karabakh"), ("Dağlıq Qarabağ", "nagorno_karabakh"),
        ("Nagorno-Karabakh", "nagorno_karabakh"), ("Լեռնային Ղարաբաղ", "nagorno_karabakh"),
        ("Qarabağ", "karabakh"), ("Karabakh", "karabakh"),
    ],
)  # fmt: skip
def test_karabakh_and_nagorno_karabakh_are_two_places_each_under_every_name(name, place_id):
    assert ids(name) == {place_id}


def test_each_sides_naming_shows_that_sides_own_name_where_it_has_one():
    # Issue 11: `--names armenian` printed Lachin (the Azerbaijani name) for Lachin District,
    # whose Armenian name is Kashatagh (places.md: "Քաշաթաղ (NKR province)"); likewise Akna for
    # Aghdam and Vordvat for Ordubad, which places.md lists among the Armenian names.
    assert [GAZETTEER.display(n, "armenian") for n in ("Lachin", "Aghdam", "Ordubad")] == [
        "Kashatagh",
        "Akna",
        "Vordvat",
    ]
    assert GAZETTEER.display("Kashatagh", "azerbaijani") == "Laçın rayonu"
    assert (
        GAZETTEER.display("Zod", "armenian") == "Sotk"
        and GAZETTEER.display("Karvachar", "azerbaijani") == "Kəlbəcər rayonu"
    )
