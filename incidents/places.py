"""Place names: folding spellings to one key, and the gazetteer that knows both sides' names.

Azerbaijani ə, ı and ş have no ASCII decomposition, so stripping accents alone leaves Daşkəsən
unmatched with Dashkasan; the explicit table below writes each letter as the English-language
press does. Romanisations of Armenian add apostrophes (Sot'k') and doubled letters (Sissian).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .errors import Problem
from .model import NO_META, Meta, PlaceRef

# How the English-language press writes letters that NFKD cannot take apart.
_LETTERS = str.maketrans(
    {
        "ə": "a",
        "Ə": "a",
        "ı": "i",
        "İ": "i",
        "ş": "sh",
        "Ş": "sh",
        "ç": "ch",
        "Ç": "ch",
        "ğ": "gh",
        "Ğ": "gh",
        "x": "kh",
        "X": "kh",
        "ʼ": "",
        "’": "",
        "'": "",
        "‘": "",
    }
)
_DIGRAPHS = (("dzh", "j"), ("dj", "j"))


# For ids, an ASCII x stays x: "exchange" is English far more often than Azerbaijani.
_ID_LETTERS = {code: value for code, value in _LETTERS.items() if chr(code) not in "xX"}


_AZERBAIJANI = re.compile("[əƏıİşŞçÇğĞ]")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII with Azerbaijani letters written as the press writes them (for ids); the
    x of a word with other Azerbaijani letters (Xankəndi) is kh, any other x stays x (exchange)."""
    text = unicodedata.normalize("NFC", text)
    text = " ".join(w.translate(_LETTERS if _AZERBAIJANI.search(w) else _ID_LETTERS) for w in text.split(" "))
    text = unicodedata.normalize("NFKD", text)
    # Accents go; other non-ASCII letters (Armenian, Cyrillic) go; dashes and spaces stay breaks.
    kept = (ch if ord(ch) < 128 else "" if unicodedata.category(ch)[0] in "LM" else " " for ch in text)
    return "".join(kept).casefold()


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The key two spellings share when they are one name: case, diacritics, ə/a, apostrophes,
    spacing and doubled letters do not count (Daşkəsən = Dashkasan, Sot'k' = Sotk). Letters of
    other scripts (Սոթք, Сотк) are kept, so that names in Armenian or Russian match too.
    Cached: an archive names the same few hundred places and bodies over and over."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).translate(_LETTERS))
    key = "".join(ch for ch in text if ch.isalnum()).casefold()
    for digraph, single in _DIGRAPHS:
        key = key.replace(digraph, single)
    return re.sub(r"(.)\1+", r"\1", key)


# The loose key: what is left when the letters that transliterations of one name disagree on are
# merged (Basargeçer typed as Basargecer, Dashkasan as Dashkesen, Qubadlı as Gubadly, Lachin as
# Lachyn, Cermuk as Jermuk). It is only asked when the exact key finds nothing, and a loose key
# shared by two places resolves to both (ambiguous), so merging letters never merges places.
_LOOSE = (
    ("dzh", "j"), ("sh", "s"), ("ch", "j"), ("zh", "j"), ("gh", "g"), ("kh", "x"), ("c", "j"),
    ("q", "g"), ("e", "a"), ("y", "i"), ("w", "v"),
)  # fmt: skip


def loose(key: str) -> str:
    """A folded key with transliteration variants merged; see _LOOSE."""
    for variant, common in _LOOSE:
        key = key.replace(variant, common)
    return re.sub(r"(.)\1+", r"\1", key)


# --- the gazetteer ------------------------------------------------------------------------------

NAMINGS = {  # --names: which of a place's names to show, first found wins
    "armenian": ("hy_latn", "en"),
    "azerbaijani": ("az", "az_latn", "en"),
    "english": (),
}
LANGUAGES = ("en", "hy", "hy_latn", "az", "az_latn", "ru")
# Words after a name that say what kind of place it is, in English, Azerbaijani and Russian:
# "Kalbajar region", "Kəlbəcər rayonu" and "Кельбаджарский район" name Kalbajar. Those that give
# a type (value) also tell apart places that share a name: "Tavush village" is not the province.
_KIND_WORDS_RAW: dict[str, str | None] = {
    **dict.fromkeys(["district", "rayon", "raion", "rayonu", "район"], "district"),
    **dict.fromkeys(["province", "marz", "vilayəti", "область"], "province"),
    **dict.fromkeys(["village", "kəndi", "село"], "village"),
    **dict.fromkeys(["town", "city", "şəhəri", "город"], "town"),
    **dict.fromkeys(
        ["region", "municipality", "community", "direction", "area", "areas", "settlement", "settlements", "sector", "section",
         "istiqaməti", "bölgəsi", "ərazisi", "qəsəbəsi", "направление", "ar", "massif"],
        None,
    ),
}  # fmt: skip
_TYPE_GROUPS = {"town": {"town", "city", "capital"}}
_KIND_WORDS = {fold(word): kind for word, kind in _KIND_WORDS_RAW.items()}
# "the border zone of X", "border villages of X": statements that name a stretch of X's border.
_BORDER_OF = re.compile(
    r"^\s*(?:the\s+)?border\s+(?:zone|zones|area|areas|section|villages?|settlements?)\s+of\s+", re.I
)
_KIND_OF = re.compile(r"^\s*(?:the\s+)?(?P<kind>\w+)\s+of\s+(?=\S)", re.I)
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*\((?P<qualifier>[^()]+)\)\s*$")
# The Azerbaijani MoD's formula: "the Zod direction of the Basarkechar region", "Arazdeyen
# village of the Vedi region": a place, then what contains it.
_OF = re.compile(r"^(?:the\s+)?(?P<name>.+?)\s+of\s+(?:the\s+)?(?P<qualifier>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    """One place with every name each side uses for it (see incidents/data/places.yaml)."""

    id: str
    name: str
    type: str
    country: str | None = None
    within: tuple[str, ...] = ()
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sector_names: tuple[str, ...] = ()
    uncertain_names: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    coord_source: str | None = None
    coord_uncertain: bool = False
    uncertain: str | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()
    meta: Meta = field(default=NO_META, compare=False, repr=False)

    def all_names(self) -> list[str]:
        names = [self.name, *(n for lang in LANGUAGES for n in self.names.get(lang, ())), *self.sector_names]
        return list(dict.fromkeys(names))

    def name_in(self, naming: str) -> str:
        for lang in NAMINGS.get(naming, ()):
            if self.names.get(lang):
                return self.names[lang][0]
        return self.name


@dataclass(frozen=True)
class Resolution:
    """What a name stands for: one place, several (ambiguous), or none (unknown)."""

    text: str
    candidates: tuple[Place, ...]
    uncertain: bool = False  # matched only through a name the reference marks uncertain

    @property
    def place(self) -> Place | None:
        """The one place the name certainly stands for: None if unknown, ambiguous or uncertain
        (Khaipalu is only probably Khalfali), so that no comparison or filter takes a guess."""
        return self.candidates[0] if len(self.candidates) == 1 and not self.uncertain else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


# The two states, so that `--region Armenia` finds every place whose country is AM: each place
# lies within its country (or both, for a crossing marked AM/AZ) without the data saying so.
COUNTRIES = (
    Place("country_am", "Armenia", "country", "AM", names={
        "en": ("Armenia", "Republic of Armenia"), "hy": ("Հայաստան",), "az": ("Ermənistan",), "ru": ("Армения",),
    }),
    Place("country_az", "Azerbaijan", "country", "AZ", names={
        "en": ("Azerbaijan", "Republic of Azerbaijan"), "az": ("Azərbaycan",), "hy": ("Ադրբեջան",), "ru": ("Азербайджан",),
    }),
)  # fmt: skip


def country_ids(place: Place) -> tuple[str, ...]:
    """The country places a place lies in, by its `country` (AM, AZ, AM/AZ)."""
    if place.type == "country" or not place.country:
        return ()
    return tuple(f"country_{code.lower()}" for code in place.country.split("/"))


class Gazetteer:
    """Places and their names, with containment; answers "is X the same place as, or in, Y"."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places: dict[str, Place] = {p.id: p for p in (*COUNTRIES, *places)}
        self._index: dict[str, list[str]] = {}
        self._uncertain: dict[str, list[str]] = {}
        self._loose: dict[str, list[str]] = {}
        self._loose_uncertain: dict[str, list[str]] = {}
        for place in self.places.values():
            for name in place.all_names():
                _add(self._index, fold(name), place.id)
                _add(self._loose, loose(fold(name)), place.id)
            for name in place.uncertain_names:
                _add(self._uncertain, fold(name), place.id)
                _add(self._loose_uncertain, loose(fold(name)), place.id)
        self._children: dict[str, set[str]] = {}
        for place in self.places.values():
            for parent in place.within or country_ids(place):  # a top-level place is in its country
                self._children.setdefault(parent, set()).add(place.id)
        self.resolve = functools.lru_cache(maxsize=None)(self._resolve)  # type: ignore[method-assign]

    def resolve_ref(self, ref: PlaceRef | str) -> Resolution:
        """What a record's place stands for: the place the analyst chose for it (`means`) where
        there is one, else what its name resolves to."""
        if isinstance(ref, str):
            return self.resolve(ref)
        if ref.means:
            chosen = self.places.get(ref.means)
            return Resolution(ref.name, (chosen,) if chosen else ())
        return self.resolve(ref.name)

    def _lookup(self, key: str) -> tuple[list[str], bool]:
        """Places a folded name stands for, exactly or else loosely, and whether only uncertainly.

        A place that bears the name only uncertainly still counts as a candidate beside those that
        bear it for sure (Yellija): the name is then ambiguous, never silently one of them."""
        certain = self._index.get(key) or self._loose.get(loose(key), [])
        maybe = self._uncertain.get(key) or self._loose_uncertain.get(loose(key), [])
        if certain:
            return [*certain, *(i for i in maybe if i not in certain)], False
        return list(maybe), bool(maybe)

    def _candidates(self, name: str) -> tuple[list[str], bool]:
        name = _BORDER_OF.sub("", name) or name  # "the border zone of Gegharkunik province"
        kinds: list[str | None] = []
        kind_of = _KIND_OF.match(name)  # "the village of Sotk" is "Sotk village"
        if kind_of and fold(kind_of["kind"]) in _KIND_WORDS:
            kinds.append(_KIND_WORDS[fold(kind_of["kind"])])
            name = name[kind_of.end() :]
        words = name.split()
        if words and words[0].casefold() == "the":
            words = words[1:]
        while len(words) > 1 and fold(words[-1]) in _KIND_WORDS:
            kinds.append(_KIND_WORDS[fold(words.pop())])
        for text in dict.fromkeys([name, " ".join(words)]):
            ids, uncertain = self._lookup(fold(text))
            if ids:
                wanted = {t for kind in kinds if kind for t in _TYPE_GROUPS.get(kind, {kind})}
                typed = [i for i in ids if self.places[i].type in wanted]
                return (typed if text != name and typed else ids), uncertain
        if name in self.places:
            return [name], False
        return [], False

    def _resolve(self, text: str) -> Resolution:
        ids, uncertain = self._candidates(text)
        # "Istisu (Jermuk)", "Zod direction of the Basarkechar region": a name, then what narrows it
        qualified = _QUALIFIED.match(text) or _OF.match(text)
        if not ids and qualified:
            ids, uncertain = self._candidates(qualified["name"])
            ids = self._qualify(ids, qualified["qualifier"])
        return Resolution(text, tuple(self.places[i] for i in dict.fromkeys(ids)), uncertain)

    def _qualify(self, ids: list[str], qualifier: str) -> list[str]:
        """Narrow candidates by a qualifier: their type, the place itself, or a place containing it."""
        by_type = [i for i in ids if fold(self.places[i].type) == fold(qualifier)]
        if by_type:
            return by_type
        named = self._candidates(qualifier)[0]
        itself = [i for i in ids if i in named]
        return itself or [i for i in ids if any(q in self.ancestors(i) for q in named)]

    def ancestors(self, place_id: str) -> set[str]:
        """Every place that contains this one, however indirectly, its country included."""
        place = self.places.get(place_id)
        found: set[str] = set(country_ids(place)) if place else set()
        todo = list(place.within) if place else []
        while todo:
            parent = todo.pop()
            if parent not in found and parent in self.places:
                found.add(parent)
                todo.extend(self.places[parent].within)
        return found

    def descendants(self, place_id: str) -> set[str]:
        found: set[str] = set()
        todo = list(self._children.get(place_id, ()))
        while todo:
            child = todo.pop()
            if child not in found:
                found.add(child)
                todo.extend(self._children.get(child, ()))
        return found

    def related(self, a: str, b: str) -> bool:
        """One place, or one inside the other."""
        return a == b or a in self.ancestors(b) or b in self.ancestors(a)

    def qualified_forms(self, resolution: Resolution) -> list[str]:
        """How to name each candidate of an ambiguous name unambiguously: by what contains it
        ('Istisu (Kalbajar District)'), else by its type ('Tavush (village)'), else by its id."""
        base = _QUALIFIED.match(resolution.text)
        name = base["name"] if base else resolution.text
        candidates = resolution.candidates
        ids = {p.id for p in candidates}
        containers = [p.within[0] if p.within else None for p in candidates]
        if all(containers) and len(set(containers)) == len(containers) and not ids & set(containers):
            qualifiers = [self.places[c].name for c in containers if c]
        elif len({p.type for p in candidates}) == len(candidates):
            qualifiers = [p.type for p in candidates]
        else:
            qualifiers = [p.id for p in candidates]
        return [f"{name} ({q})" for q in qualifiers]

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Known names closest to an unknown one, for "did you mean": one name per place, so that
        three spellings of Kalbajar do not crowd out Kapan."""
        names: dict[str, str] = {}  # place id -> its closest name
        for key in difflib.get_close_matches(fold(text), list(self._index), n=limit * 4, cutoff=0.7):
            for place_id in self._index[key]:
                place = self.places[place_id]
                names.setdefault(place_id, next((n for n in place.all_names() if fold(n) == key), place.name))
        return list(dict.fromkeys(names.values()))[:limit]

    def search(self, query: str) -> list[Place]:
        """Places any of whose names contains the query (folded); all places for an empty query."""
        key = fold(query)
        if not key:
            return list(self.places.values())
        exact = self.resolve(query).candidates
        loose = [p for p in self.places.values() if p not in exact and any(key in fold(n) for n in p.all_names())]
        return [*exact, *loose]

    def display(self, text: PlaceRef | str, naming: str) -> str:
        """A record's place name in one naming convention; unknown or ambiguous names as written."""
        place = self.resolve_ref(text).place
        return place.name_in(naming) if place else str(text)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def split_qualified(text: str) -> tuple[str, str] | None:
    """'Istisu (Jermuk)' -> ('Istisu', 'Jermuk'): a name, and what says which place it is."""
    match = _QUALIFIED.match(text)
    return (match["name"], match["qualifier"]) if match else None


def did_you_mean(gazetteer: Gazetteer, name: str) -> str:
    """'; did you mean 'Vardenis'?' for an unknown name, or nothing when no known name is close."""
    close = gazetteer.suggest(name)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def uncertain_note(resolution: Resolution) -> str:
    """Why a name that matches only through an uncertain identification is not taken as that place."""
    names = " or ".join(p.name for p in resolution.candidates)
    return (
        f"{resolution.text!r} is only probably {names} (the gazetteer marks this identification uncertain);"
        " it is matched as written"
    )


def _add(index: dict[str, list[str]], key: str, place_id: str) -> None:
    if key and place_id not in index.setdefault(key, []):
        index[key].append(place_id)


def unknown_parents(places: Iterable[Place]) -> list[Problem]:
    """A place `within` an id no place has: checked on the merged gazetteer, since a local place
    may sit within a built-in one."""
    places = list(places)
    known = {p.id for p in places}
    return [
        Problem(place.meta.path, place.meta.line_of(f"within[{n}]"), place.meta.field(f"within[{n}]"),
                f"unknown place id {parent!r}{did_you_mean_id(parent, known)}")
        for place in places
        for n, parent in enumerate(place.within)
        if parent not in known
    ]  # fmt: skip


def did_you_mean_id(place_id: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(place_id, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
