"""The daily digest: one Almaty day's fraud and organized-crime articles by topic and region.

An article belongs to the day it was published (Asia/Almaty); one without a date, to the
day Dozor first saw it. It is listed under its first region (the one its title or first
paragraphs name), the others shown beside it, so nothing is listed twice within a topic.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
from jinja2 import Environment, PackageLoader, select_autoescape
from psycopg.rows import dict_row

from crawler.config import load_config
from crawler.errors import DozorError
from serve.i18n import Messages, messages, translations
from serve.labels import catalog
from serve.request import ALMATY

HOOK_ENV = "DOZOR_DIGEST_HOOK"
# A delivery command that hangs must not hold the scheduler forever.
HOOK_TIMEOUT_S = 300
NO_REGION = ""

# One story, one entry: an article is listed when no earlier article of its story has the
# same topic (republications and the other language's version are shown beside it).
DIGEST_SQL = """
SELECT a.id, a.source_id, a.url, a.title, a.lang, a.published_at, a.published_precision,
       a.regions, t.topic, t.subtopics, coalesce(st.article_count, 1) AS story_articles,
       coalesce(st.languages, array_remove(ARRAY[a.lang], NULL)) AS story_languages,
       coalesce((SELECT jsonb_agg(jsonb_build_object('url', b.url, 'source', b.source_id,
                                                     'lang', b.lang)
                                  ORDER BY b.published_at NULLS LAST, b.id)
                 FROM articles b
                 WHERE b.story_id = a.story_id AND b.id <> a.id AND b.status = 'ok'), '[]')
           AS others
FROM articles a
JOIN article_tags t ON t.article_id = a.id
LEFT JOIN stories st ON st.id = a.story_id
WHERE a.status = 'ok' AND t.topic = ANY(%(topics)s)
  AND ((a.published_at >= %(start)s AND a.published_at < %(end)s)
       OR (a.published_at IS NULL AND a.first_seen_at >= %(start)s
           AND a.first_seen_at < %(end)s))
  AND (a.story_id IS NULL OR NOT EXISTS (
      SELECT FROM articles b JOIN article_tags bt ON bt.article_id = b.id AND bt.topic = t.topic
      WHERE b.story_id = a.story_id AND b.id <> a.id AND b.status = 'ok'
        AND (coalesce(b.published_at, 'infinity'), b.id)
            < (coalesce(a.published_at, 'infinity'), a.id)))
ORDER BY t.topic, a.published_at NULLS LAST, a.id
"""


class DigestDeliveryError(DozorError):
    """Raised when the DOZOR_DIGEST_HOOK command fails or times out, from `serve.digest`."""


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One article in the digest."""

    id: int
    title: str
    url: str
    source_id: str
    lang: str | None
    published_at: datetime | None  # Asia/Almaty
    other_regions: tuple[str, ...]
    subtopics: tuple[str, ...]
    story_articles: int = 1
    story_languages: tuple[str, ...] = ()
    others: tuple[dict[str, str], ...] = ()  # the story's other articles: url, source, lang
    day_only: bool = False  # the source gave the day, not the time: no "00:00" shown


@dataclass
class RegionGroup:
    """Articles of one topic whose first region is this one ('' when none is named)."""

    region: str
    name: str
    items: list[DigestItem] = field(default_factory=list)


@dataclass
class TopicGroup:
    """One topic's articles, by region, the regions with most articles first."""

    topic: str
    name: str
    regions: list[RegionGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Articles of this topic."""
        return sum(len(r.items) for r in self.regions)


@dataclass
class Digest:
    """A day's digest."""

    day: date
    topics: list[TopicGroup]
    count: int  # distinct stories (one with two topics is listed under both)
    ui: str = "en"
    articles: int = 0  # articles of those stories, republications and translations included


def digest_day(now: datetime | None = None) -> date:
    """Yesterday in Asia/Almaty: the day a morning digest reports."""
    return (now or datetime.now(UTC)).astimezone(ALMATY).date() - timedelta(days=1)


def build_digest(conn: psycopg.Connection[Any], day: date, ui: str = "en") -> Digest:
    """The fraud and OCG stories of one Almaty day, grouped by topic and first region."""
    names = catalog()
    t = messages(ui)
    start = datetime.combine(day, time(), tzinfo=ALMATY)
    params = {"topics": list(names.topics), "start": start, "end": start + timedelta(days=1)}
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(DIGEST_SQL, params).fetchall()
    groups = {topic: TopicGroup(topic, names.name("topics", topic, ui)) for topic in names.topics}
    by_region: dict[tuple[str, str], RegionGroup] = {}
    for row in rows:
        regions = tuple(row["regions"] or ())
        first = regions[0] if regions else NO_REGION
        key = (row["topic"], first)
        if key not in by_region:
            label = names.name("regions", first, ui) if first else t("Region not stated")
            by_region[key] = RegionGroup(first, label)
            groups[row["topic"]].regions.append(by_region[key])
        published = row["published_at"]
        by_region[key].items.append(DigestItem(
            id=row["id"], title=row["title"] or row["url"], url=row["url"],
            source_id=row["source_id"], lang=row["lang"],
            published_at=published.astimezone(ALMATY) if published else None,
            other_regions=tuple(names.name("regions", r, ui) for r in regions[1:]),
            subtopics=tuple(names.name("subtopics", s, ui) for s in row["subtopics"] or ()),
            story_articles=int(row["story_articles"]),
            story_languages=tuple(row["story_languages"]),
            others=tuple(row["others"]),
            day_only=row["published_precision"] == "day",
        ))
    for group in groups.values():
        # Most articles first; the unnamed region last whatever its size.
        group.regions.sort(key=lambda g: (g.region == NO_REGION, -len(g.items), g.name))
    leads = {r["id"]: int(r["story_articles"]) for r in rows}
    return Digest(day, list(groups.values()), len(leads), ui, sum(leads.values()))


def _markdown_text(text: str) -> str:
    """Text safe inside a Markdown link label: brackets and emphasis marks escaped."""
    for ch in "\\[]*_`<>":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def _story_note(item: DigestItem, t: Messages) -> str:
    """'3 articles, kk+ru' for a story told more than once, else ''."""
    if item.story_articles <= 1:
        return ""
    return t("{n} articles, {langs}", n=item.story_articles,
             langs="+".join(item.story_languages) or "?")


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown."""
    t = messages(digest.ui)
    title = t("Dozor digest, {day} (Asia/Almaty)", day=digest.day.isoformat())
    lines = [f"# {title}", ""]
    if not digest.count:
        lines.append(t("No new fraud or organized-crime stories that day."))
        return "\n".join(lines) + "\n"
    summary = ", ".join(f"{g.name} {g.count}" for g in digest.topics)
    lines += [t("Stories: {n} (articles: {articles}). {summary}.", n=digest.count,
                articles=digest.articles, summary=summary), ""]
    for group in digest.topics:
        if not group.count:
            continue
        lines += [f"## {group.name} ({group.count})", ""]
        for region in group.regions:
            lines += [f"### {region.name} ({len(region.items)})", ""]
            for item in region.items:
                when = (f"{item.published_at:%H:%M} " if item.published_at and not item.day_only
                        else "")
                extra = [item.source_id, item.lang or ""]
                if item.subtopics:
                    extra.append(", ".join(item.subtopics))
                if item.other_regions:
                    extra.append(t("also {regions}", regions=", ".join(item.other_regions)))
                if note := _story_note(item, t):
                    extra.append(note)
                details = "; ".join(e for e in extra if e)
                lines.append(f"- {when}[{_markdown_text(item.title)}](<{item.url}>) ({details})")
                others = [f"[{o['source']} {o.get('lang') or ''}](<{o['url']}>)"
                          for o in item.others]
                if others:
                    lines.append("  " + t("Same story") + ": " + ", ".join(others))
            lines.append("")
    return "\n".join(lines)


def render_html(digest: Digest) -> str:
    """The digest as a standalone HTML page (escaped by Jinja2's autoescape)."""
    env = Environment(loader=PackageLoader("serve", "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(digest.ui), newstyle=True)  # type: ignore[attr-defined]
    t = messages(digest.ui)
    return env.get_template("digest.html").render(
        digest=digest, story_note=lambda item: _story_note(item, t),
        summary=", ".join(f"{g.name} {g.count}" for g in digest.topics))


def render(digest: Digest, fmt: str) -> str:
    """The digest in 'md' or 'html'."""
    return render_html(digest) if fmt == "html" else render_markdown(digest)


def digest_path(day: date, fmt: str) -> Path:
    """Where a digest is kept when no --output is given: the data directory."""
    return load_config().data_dir / "digests" / f"dozor-digest-{day.isoformat()}.{fmt}"


def hook_command() -> list[str] | None:
    """The delivery command from DOZOR_DIGEST_HOOK, split as a shell would (not run by one)."""
    raw = os.environ.get(HOOK_ENV, "").strip()
    return shlex.split(raw) if raw else None


def run_hook(command: list[str], path: Path) -> None:
    """Run the delivery command with the digest's path as its last argument."""
    try:
        done = subprocess.run([*command, str(path)], capture_output=True, text=True,
                              timeout=HOOK_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise DigestDeliveryError(f"{HOOK_ENV}: command not found: {command[0]}") from None
    except subprocess.TimeoutExpired:
        raise DigestDeliveryError(
            f"{HOOK_ENV}: {command[0]} did not finish within {HOOK_TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        raise DigestDeliveryError(
            f"{HOOK_ENV}: {command[0]} exited with {done.returncode}: {last}")
