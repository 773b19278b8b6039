"""What the analysts' commands print: the results table and one article (`dozor show`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import IO

from serve.article import ArticleView, evidence_rules
from serve.hits import Hit
from serve.i18n import messages
from serve.labels import catalog
from serve.query import ParsedQuery
from serve.request import ALMATY

TABLE_TITLE_CHARS = 72
BODY_WIDTH = 100
# Evidence in the terminal: between these marks, then the rule's number in the legend.
OPEN_MARK, CLOSE_MARK = "\u27e6", "\u27e7"


def local(moment: datetime | None) -> str:
    """A stored time as Almaty wall-clock text."""
    return f"{moment.astimezone(ALMATY):%Y-%m-%d %H:%M}" if moment else "—"


def story_note(hit: Hit, ui: str) -> str:
    """'3 articles, kk+ru' when the hit stands for a story told more than once."""
    if hit.story_articles <= 1:
        return ""
    return messages(ui)("{n} articles, {langs}", n=hit.story_articles,
                        langs="+".join(hit.story_languages) or "?")


def write_table(hits: Sequence[Hit], out: IO[str], total: int, total_exact: bool,
                parsed: ParsedQuery, ui: str, *, stories: bool) -> None:
    """Results for the terminal: id, Almaty time, source, language, topics, title, then URL."""
    t = messages(ui)
    heads = [t("published"), t("source"), t("topics"), t("title")]
    out.write(f"{'id':>7} {heads[0]:<16} {heads[1]:<16} {'ln':<2} {heads[2]:<10} {heads[3]}\n")
    shown_close = False
    for hit in hits:
        if hit.partial and not shown_close:
            out.write("-- " + t("Close matches: every word but one") + " --\n")
            shown_close = True
        title = (hit.title or "—").replace("\n", " ")
        if len(title) > TABLE_TITLE_CHARS:
            title = title[: TABLE_TITLE_CHARS - 1] + "\u2026"
        out.write(f"{hit.id:>7} {local(hit.published_at):<16} {hit.source_id[:16]:<16}"
                  f" {hit.lang or '-':<2} {','.join(hit.topics) or '-':<10} {title}\n")
        note = story_note(hit, ui)
        out.write(f"{'':>7} {hit.url}" + (f"  [{note}]" if note else "") + "\n")
    full = sum(1 for h in hits if not h.partial)
    count = f"{total}{'' if total_exact else '+'}"
    unit = t("stories") if stories else t("articles")
    if parsed.tsquery:
        line = t("{unit} with every word: {total}, shown: {shown}", unit=unit, total=count,
                 shown=full)
    else:
        line = t("{unit}: {total}, shown: {shown}", unit=unit, total=count, shown=full)
    out.write("\n" + line[:1].upper() + line[1:])
    if full < len(hits):
        out.write("; " + t("close matches: {n}", n=len(hits) - full))
    out.write(".\n")
    if parsed.also:
        out.write(t("Also searched: {terms}", terms=", ".join(parsed.also)) + "\n")
    if stories:
        out.write(t("One row per story; --expand shows every article.") + "\n")


def _wrap(text: str, width: int = BODY_WIDTH) -> str:
    """Paragraphs wrapped for the terminal, evidence marks kept inside words."""
    import textwrap

    return "\n".join(textwrap.fill(p, width) if p.strip() else "" for p in text.split("\n"))


def render_article(view: ArticleView, ui: str) -> str:
    """One article for the terminal: facts, tags, text with marked evidence, related, versions."""
    t = messages(ui)
    names = catalog()
    row = view.row
    rules = evidence_rules(row["tags"])
    number = {(topic, rule): i for i, (topic, rule, _p) in enumerate(rules, start=1)}
    lines = [f"#{row['id']}  {row['title'] or '—'}", row["url"], ""]
    facts = [
        (t("Source"), f"{row['source_name']} ({row['source_id']})"),
        (t("Language"), names.name("languages", row["lang"] or "", ui) or "—"),
        (t("Published"), (local(row["published_at"])[:10] if row.get("published_precision")
                          == "day" else local(row["published_at"])) + " (Asia/Almaty)"),
        (t("First stored"), local(row["first_seen_at"])),
        (t("Topics"), ", ".join(f"{names.name('topics', tag.topic, ui)} ({tag.score:g})"
                                for tag in row["tags"]) or "—"),
        (t("Subtopics"), ", ".join(names.name("subtopics", s, ui)
                                   for tag in row["tags"] for s in tag.subtopics) or "—"),
        (t("Regions"), ", ".join(names.name("regions", r, ui) for r in row["regions"] or ())
         or "—"),
        (t("Criminal Code articles"), ", ".join(row["criminal_code_articles"] or ()) or "—"),
        (t("Agencies"), ", ".join(names.name("agencies", a, ui) for a in row["agencies"] or ())
         or "—"),
        (t("Damage, tenge"), _amounts(row.get("damage_kzt"))),
        (t("Cases"), ", ".join(str(c) for c in row["case_counts"] or ()) or "—"),
    ]
    for key, value in row.items():
        if key.startswith("damage") and key != "damage_kzt" and value:
            facts.append((key, str(value)))
    width = max(len(k) for k, _ in facts)
    lines += [f"{k:<{width}}  {v}" for k, v in facts]
    if view.story:
        story = t("Story")
        lines.append(f"{story:<{width}}  #{view.story['id']}: " + t(
            "{n} articles, {langs}", n=view.story["article_count"],
            langs="+".join(view.story["languages"])) + f" ({', '.join(view.story['sources'])})")
    text = "".join(
        f"{OPEN_MARK}{m.text}{CLOSE_MARK}"
        + "".join(f"[{number[(m.topic, r)]}]" for r in m.rules if (m.topic, r) in number)
        if m.topic else m.text
        for m in view.body_marks)
    lines += ["", _wrap(text or (row["lead"] or "")), ""]
    if rules:
        lines.append(t("Evidence by rule") + ":")
        for i, (topic, rule, phrases) in enumerate(rules, start=1):
            lines.append(f"  [{i}] {names.name('topics', topic, ui)} · {rule}: "
                         + ", ".join(phrases))
        lines.append("")
    for heading, related in ((t("Language versions"), view.language_versions),
                             (t("Other outlets of the same story"), view.other_outlets)):
        if related:
            lines.append(heading + ":")
            lines += [f"  #{r.id} {local(r.published_at)} {r.source_id} {r.lang or '-'}"
                      f" {r.title or ''}\n      {r.url}" for r in related]
            lines.append("")
    if view.versions:
        lines.append(t("Earlier versions") + ":")
        for version in view.versions:
            fetched = t("fetched")
            lines.append(f"  v{version.version} ({fetched} {local(version.fetched_at)}):")
            for change in version.title_changes + version.body_changes:
                if change.op != "=":
                    lines.append(f"    {change.op} {change.text.strip()[:300]}")
        lines.append("")
    if view.warc_record:
        lines.append(t("Archived page") + f": {view.warc_record}"
                     f"  (dozor show {row['id']} --archived > page.html)")
    return "\n".join(lines) + "\n"


def _amounts(value: object) -> str:
    """Damage as the article row holds it: one amount or several, with thousands spaced."""
    if value is None or value == []:
        return "—"
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(f"{v:,}".replace(",", "\u202f") if isinstance(v, int) else str(v)
                     for v in values)
