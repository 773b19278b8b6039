"""`tag_jsonl`: one output line per input line, errors as objects, never a crash."""

import json

from crawler.tagging.jsonl import tag_jsonl
from crawler.tagging.rules import rules_version
from tests.waiting import patience


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


def test_too_long_text_is_refused_with_an_error_and_the_next_line_is_tagged():
    from crawler.tagging.jsonl import MAX_TEXT_CHARS

    outs = _run(
        json.dumps({"id": "big", "text": "мошенники " * (MAX_TEXT_CHARS // 10 + 1)},
                   ensure_ascii=False),
        json.dumps({"id": "next", "text": "Полиция задержала мошенников."}, ensure_ascii=False),
    )
    assert outs[0]["id"] == "big" and "over the limit" in outs[0]["error"]
    assert outs[1]["id"] == "next" and "fraud" in outs[1]["topics"]


def test_an_over_long_line_is_skipped_while_read_and_names_its_id():
    import io

    from crawler.tagging.jsonl import MAX_LINE_BYTES

    huge = json.dumps({"id": 42, "text": "x" * (MAX_LINE_BYTES + 10)}).encode()
    stream = io.BytesIO(huge + b"\n" + json.dumps({"id": "ok", "text": "ОПГ задержана."},
                                                  ensure_ascii=False).encode() + b"\n")
    outs = [json.loads(line) for line in tag_jsonl(stream)]
    assert outs[0] == {"id": 42, "line": 1,
                       "error": f"line is {len(huge) + 1} bytes, over the limit of "
                                f"{MAX_LINE_BYTES} bytes: skipped"}
    assert outs[1]["id"] == "ok" and "ocg" in outs[1]["topics"]


def test_dozor_tag_process_keeps_the_interface_and_survives_a_huge_line(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from crawler.tagging.jsonl import MAX_LINE_BYTES

    lines = [
        json.dumps({"id": "a", "title": "Алаяқтар ұсталды", "text": "Полиция алаяқтарды ұстады."},
                   ensure_ascii=False),
        json.dumps({"id": "huge", "text": "ОПГ " * (MAX_LINE_BYTES // 4 + 1)}),
        json.dumps({"id": "b", "title": None, "text": "Погода в Астане."}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with source.open("rb") as stdin:
        done = subprocess.run([sys.executable, "-m", "jobs.cli", "tag"], stdin=stdin,
                              capture_output=True, timeout=patience(120), check=True,
                              cwd=Path(__file__).resolve().parent.parent)
    outs = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o["id"] for o in outs] == ["a", "huge", "b"]
    assert set(outs[0]["topics"]) == {"fraud"} and outs[0]["topics"]["fraud"]["evidence"]
    assert "error" in outs[1] and outs[2]["topics"] == {}
