// Dozor's article page: the stored text with the tags' evidence marked by rule, facts,
// language versions and other outlets of the story, earlier versions with what changed, and
// the archived page in a sandboxed frame. Uses common.js.
"use strict";

const FACTS = [
  ["topics", t("Topics")], ["subtopics", t("Subtopics")], ["regions", t("Regions")],
  ["agencies", t("Agencies")], ["criminal_code_articles", t("Criminal Code articles")],
  ["damage_kzt", t("Damage, tenge")], ["case_counts", t("Cases")],
];

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

// Marks [{text, topic, rules}] with the rule numbers of the legend after each evidence.
function appendMarks(parent, marks, numbers) {
  for (const m of marks) {
    if (!m.topic) {
      parent.append(document.createTextNode(m.text));
      continue;
    }
    const span = el("span", { class: `evidence ev-${m.topic}`, title: m.rules.join("\n") }, m.text);
    parent.append(span);
    const refs = m.rules.map((r) => numbers[`${m.topic} ${r}`]).filter(Boolean);
    if (refs.length) parent.append(el("sup", { class: "rule-ref" }, refs.join(",")));
  }
}

function relatedList(id, items) {
  const list = $(id);
  list.closest("section").hidden = !items.length;
  for (const r of items) {
    const item = el("li");
    item.append(el("a", { href: `/article/${r.id}` }, r.title || r.url));
    const translated = t("translation on the same site");
    const note = `${almatyTime(r.published)} · ${r.source_name} · ${r.lang || "?"}${r.translation ? " · " + translated : ""}`;
    item.append(" ", el("span", { class: "meta" }, note));
    list.append(item);
  }
}

function renderChanges(parent, changes) {
  for (const c of changes) {
    if (c.op === "=") parent.append(document.createTextNode(c.text.length > 300 ? c.text.slice(0, 140) + " … " + c.text.slice(-140) : c.text));
    else parent.append(el(c.op === "+" ? "ins" : "del", {}, c.text));
  }
}

async function start() {
  const id = document.body.dataset.article;
  if (document.referrer.startsWith(window.location.origin + "/?") || document.referrer === window.location.origin + "/") {
    $("back").href = document.referrer;
  }
  let article, view;
  try {
    [article, view] = await Promise.all([getJSON(withUi(`/api/articles/${id}`)), getJSON(withUi(`/api/articles/${id}/view`))]);
  } catch (error) {
    showError(error.message);
    document.body.dataset.ready = "true";
    return;
  }
  const numbers = {};
  view.rules.forEach((r, i) => { numbers[`${r.topic} ${r.rule}`] = i + 1; });
  appendMarks($("title"), view.title_marks.length ? view.title_marks : [{ text: article.title || article.url }], numbers);
  const meta = $("meta");
  // A source that gave only the day: no made-up 00:00.
  const published = article.published_precision === "day" ? almatyTime(article.published).slice(0, 10) : almatyTime(article.published);
  meta.append(el("time", { datetime: article.published || "" }, published), " · ");
  meta.append(el("a", { href: safeHref(article.url), rel: "noopener noreferrer", target: "_blank" }, article.source_name), ` · ${article.lang || "?"}`);
  if (article.version > 1) meta.append(" · " + tf("version {n}", { n: article.version }));
  const facts = $("facts");
  for (const [key, label] of FACTS) {
    const values = view.facts[key] || [];
    if (!values.length) continue;
    facts.append(el("dt", {}, label), el("dd", {}, values.join(", ")));
  }
  for (const [key, values] of Object.entries(view.facts)) {
    if (FACTS.some(([k]) => k === key) || !values.length) continue;
    facts.append(el("dt", {}, key), el("dd", {}, values.join(", ")));
  }
  if (view.story && view.story.articles > 1) {
    $("story").textContent = tf("Story #{id}: {note} ({sources})", { id: view.story.id, note: storyNote(view.story.articles, view.story.languages), sources: view.story.sources.join(", ") });
  }
  const body = $("body");
  if (view.body_marks.length) {
    let paragraph = el("p");
    for (const mark of view.body_marks) {
      const parts = mark.text.split("\n");
      parts.forEach((part, i) => {
        if (i > 0) {
          if (paragraph.childNodes.length) body.append(paragraph);
          paragraph = el("p");
        }
        if (part) appendMarks(paragraph, [{ ...mark, text: part }], numbers);
      });
    }
    if (paragraph.childNodes.length) body.append(paragraph);
  } else {
    body.append(el("p", { class: "empty" }, article.lead || t("No text was stored.")));
  }
  $("rules-section").hidden = !view.rules.length;
  for (const r of view.rules) {
    const item = el("li");
    item.append(el("span", { class: `chip topic-${r.topic}` }, r.topic_name), " ", el("code", {}, r.rule), ": ", document.createTextNode(r.phrases.join(", ")));
    $("rules").append(item);
  }
  relatedList("language-versions", view.language_versions);
  relatedList("other-outlets", view.other_outlets);
  $("versions-section").hidden = !view.versions.length;
  for (const v of view.versions) {
    const block = el("div", { class: "version" });
    block.append(el("h4", {}, tf("Version {n}, fetched {when}", { n: v.version, when: almatyTime(v.fetched) })));
    const title = el("p", { class: "diff" });
    renderChanges(title, v.title_changes);
    const text = el("p", { class: "diff" });
    renderChanges(text, v.body_changes);
    block.append(title, text);
    $("versions").append(block);
  }
  $("archive-section").hidden = !view.archived_page;
  $("show-archive").addEventListener("click", () => {
    // An empty sandbox: no scripts, forms, popups or same-origin access for the old page.
    const frame = el("iframe", { src: view.archived_page, sandbox: "", title: t("The page as it was fetched"), referrerpolicy: "no-referrer" });
    $("archive-frame").replaceChildren(frame);
  });
  $("article").hidden = false;
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
