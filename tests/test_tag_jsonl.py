"""`tag_jsonl`: one output line per input line, errors as objects, never a crash."""

import json

from crawler.tagging.jsonl import tag_jsonl
from crawler.tagging.rules import rules_version


def _run(*lines):
    return [json.loads(out) for out in tag_jsonl(lines)]


def test_tags_a_line():
    line = json.dumps(
        {
            "id": "a1",
            "title": "В Шымкенте задержаны мошенники",
            "text": "Полиция задержала мошенников, звонивших от имени банка. Ущерб 2 млн тенге.",
        },
        ensure_ascii=False,
    )
    (out,) = _run(line)
    assert out["id"] == "a1"
    assert set(out["topics"]) == {"fraud"}
    assert {"score", "subtopics", "evidence"} <= set(out["topics"]["fraud"])
    assert out["regions"] == ["shymkent"]
    assert out["kz_related"] is True
    assert out["damage_kzt"] == [2_000_000]
    assert out["rules_version"] == rules_version()


def test_title_is_optional_and_no_topic_gives_empty_object():
    (out,) = _run(json.dumps({"id": 7, "text": "Погода в Астане: без осадков."}))
    assert out["id"] == 7 and out["topics"] == {} and "error" not in out


def test_bad_lines_give_errors_in_place():
    outs = _run(
        "{not json",
        json.dumps({"id": "x", "title": 5, "text": "t"}),
        json.dumps({"id": "y"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "z", "text": "ok", "lang": "de"}),
        json.dumps({"id": "ok", "text": "Ничего"}),
    )
    assert [o.get("id") for o in outs] == [None, "x", "y", None, "z", "ok"]
    assert [("error" in o) for o in outs] == [True, True, True, True, True, False]
    assert outs[0]["line"] == 1 and outs[4]["line"] == 6
