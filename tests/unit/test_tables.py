"""The one table writer: aligned text, Markdown and CSV of the same rows."""

from __future__ import annotations

import csv
import io

from generator.tables import Table, code, code_list

TABLE = Table(("NAME", "LEVEL"), [("apps_acc", "CAN_MANAGE"), ("a", ""), ('quote "x", comma', "CAN_READ")])


def test_text_pads_columns_and_strips_trailing_spaces():
    width = len('quote "x", comma')  # the widest cell of the first column
    assert TABLE.text() == (
        f'{"NAME":<{width}}  LEVEL\n{"apps_acc":<{width}}  CAN_MANAGE\na\nquote "x", comma  CAN_READ\n'
    )


def test_markdown_has_a_separator_row_and_keeps_empty_cells():
    assert TABLE.markdown() == [
        "| NAME | LEVEL |",
        "|---|---|",
        "| apps_acc | CAN_MANAGE |",
        "| a |  |",
        '| quote "x", comma | CAN_READ |',
    ]


def test_csv_reads_back_with_dict_reader():
    rows = list(csv.DictReader(io.StringIO(TABLE.csv())))
    assert rows == [
        {"NAME": "apps_acc", "LEVEL": "CAN_MANAGE"},
        {"NAME": "a", "LEVEL": ""},
        {"NAME": 'quote "x", comma', "LEVEL": "CAN_READ"},
    ]


def test_code_spans():
    assert code("churn_acc") == "`churn_acc`"
    assert code_list(["apps_prod", "apps_all"]) == "`apps_prod`, `apps_all`"
