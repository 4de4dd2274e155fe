import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from incidents.yamlio import YamlSyntaxError, dump_yaml, read_yaml


def test_yaml_11_traps_stay_text():
    data = read_yaml("time: 21:30\nflag: no\nday: 2023-09-01\nyes: on\ncount: 3\n")
    assert data == {"time": "21:30", "flag": "no", "day": "2023-09-01", "yes": "on", "count": 3}


def test_lines_of_keys_and_items():
    data = read_yaml("a: 1\nlist:\n  - x\n  - y: 2\n")
    assert data.key_lines == {"a": 1, "list": 2}
    assert data["list"].item_lines == [3, 4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x 1\nb: *x\n", "anchors"),
        ("a: !!python/object/apply:os.system ['true']\n", "tags"),
        ("a: 1\na: 2\n", "twice"),
        ("---\na: 1\n---\nb: 2\n", "one YAML document"),
        ("a:\n" + "".join("  " * depth + "b:\n" for depth in range(1, 13)) + "  " * 13 + "c: 1\n", "nested"),
        ("[" * 20 + "]" * 20, "nested"),
    ],
)
def test_refused_documents_say_why_in_the_projects_words(text, message):
    # These refusals are the project's own rules, so their wording is the project's to test.
    with pytest.raises(YamlSyntaxError, match=message):
        read_yaml(text)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: a\nplaces: [1\n", 3),  # an unclosed flow list: found at the end of the text
        ("id: a\ntitle: b: c\n", 2),
        ("[" * 60000 + "]" * 60000, 1),  # deeper than libyaml itself allows (6.0.4 refuses it first)
        ("{" * 60000 + "}" * 60000, 1),
    ],
)
def test_malformed_yaml_is_refused_at_its_line(text, line):
    # The wording of these comes from libyaml and changes between its versions: only the
    # refusal, its line and that it is one of the project's errors are the project's behaviour.
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml(text)
    assert caught.value.line == line
    assert str(caught.value).strip() and "\n" not in str(caught.value)


def test_alias_bomb_is_refused_before_it_expands():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    with pytest.raises(YamlSyntaxError, match="anchors"):
        read_yaml(bomb)


@pytest.mark.parametrize(
    "value",
    ["21:30", "no", "yes", "on", "2023-09-01", "1e3", "0x1f", "null", "~", "3", "+04:00", "", "- x", "a: b", "#x"],
)
def test_writer_quotes_what_any_yaml_reader_would_misread(value):
    text = dump_yaml({"v": value})
    assert read_yaml(text) == {"v": value}
    assert yaml.safe_load(text) == {"v": value}  # a YAML 1.1 reader gets the text too


def test_writer_keeps_letters_readable_and_is_stable():
    data = {"title": "Daşkəsən / Սոթք / Сотк", "notes": "line one\nline two\n"}
    text = dump_yaml(data)
    assert "Daşkəsən / Սոթք / Сотк" in text
    assert dump_yaml(read_yaml(text)) == text


def test_a_character_yaml_refuses_is_located_on_its_line():
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("id: a\ntitle: ok\nnotes: bad \x1b[31m here\n")
    assert caught.value.line == 3 and "U+001B" in str(caught.value)


text = st.text(st.characters(blacklist_categories=("Cc", "Cs")))  # what a valid record's text can hold
rows = st.lists(
    st.dictionaries(
        st.sampled_from(["id", "title", "places", "end_date", "sides", "n", "flag", "nested"]),
        st.none()
        | st.booleans()
        | st.integers()
        | text
        | st.lists(text, max_size=3)
        | st.dictionaries(text.filter(bool), st.none() | text | st.integers(), max_size=3),
    ),
    max_size=2,
)


@given(rows)
def test_the_fast_emitter_writes_rows_as_the_canonical_one_does(value):
    """The same text always: where libyaml would escape a letter beyond U+FFFF (an emoji) or
    write a long key as `? key`, the Python emitter writes it instead."""
    assert dump_yaml(value, fast=True) == dump_yaml(value)


multiline = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.just("\n"))
records = st.recursive(
    st.none() | st.booleans() | st.integers() | multiline,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text.filter(bool), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(text.filter(bool), records, min_size=1, max_size=6))  # a record is a mapping
def test_a_record_is_written_as_the_canonical_emitter_writes_it(value):
    """A record is written by libyaml's quicker emitter only where its text is the Python
    emitter's: every character, multi-line text, nesting; the text of a record is the format."""
    assert dump_yaml(value, fast=True) == dump_yaml(value)
