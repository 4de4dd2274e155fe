"""The machine formats: what the index stores of each row, joined, is what the whole would be."""

import json

from hypothesis import given
from hypothesis import strategies as st

from incidents import formats
from incidents.formats import csv_line, item_json, json_rows, to_csv, to_json
from incidents.yamlio import dump_yaml

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)


@given(values)
def test_to_json_is_what_json_writes_with_two_spaces(value):
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert to_json(value) == formats._JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", expected)
    assert json.loads(to_json(value)) == value


@given(st.lists(st.dictionaries(st.text(), values, max_size=4), max_size=5))
def test_rows_written_one_by_one_join_into_the_list(rows):
    assert "".join(json_rows(item_json(row) for row in rows)) == to_json(rows) + "\n"


@given(st.lists(st.lists(scalars | st.lists(st.text(), max_size=3), min_size=3, max_size=3), max_size=5))
def test_csv_lines_join_into_the_table(table):
    rows = [dict(zip("abc", values, strict=True)) for values in table]
    assert csv_line(["a", "b", "c"]) + "".join(csv_line(list(row.values())) for row in rows) == to_csv(rows, "abc")


def test_yaml_of_rows_one_by_one_is_the_yaml_of_the_list():
    rows = [{"id": "2023-09-01-sotk", "places": ["Sotk", "Zod"], "end_date": None}, {"id": "x", "tags": []}]
    assert "".join(dump_yaml([row]) for row in rows) == dump_yaml(rows)
