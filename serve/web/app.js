// Dozor's search page: plain JavaScript over the read-only API of this app, nothing fetched
// from elsewhere. Text from articles is always inserted with textContent, never as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const PAGE_SIZE = 20;
// Colours of the trend lines; "all" first, then the topics in catalog order.
const SERIES_COLOURS = ["#6b7280", "#1d4ed8", "#c2410c", "#047857", "#7c3aed"];

const state = { page: 1, names: { topics: {}, regions: {}, subtopics: {} } };

function $(id) {
  return document.getElementById(id);
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// The form as API parameters; empty fields are left out.
function formParams() {
  const params = new URLSearchParams();
  for (const name of ["q", "topic", "region", "since", "until", "order"]) {
    const value = $(name).value.trim();
    if (value && !(name === "order" && value === "relevance")) params.set(name, value);
  }
  return params;
}

function fillForm(params) {
  for (const name of ["q", "topic", "region", "since", "until"]) {
    $(name).value = params.get(name) || "";
  }
  $("order").value = params.get("order") || "relevance";
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(body.detail)
      ? body.detail.map((d) => `${d.parameter}: ${d.message}`).join("; ")
      : body.detail || `the server answered ${response.status}`;
    throw new Error(detail);
  }
  return body;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

// Segments [{text, mark}] as text nodes and <mark> elements.
function appendSegments(parent, segments) {
  for (const segment of segments) {
    parent.append(segment.mark ? el("mark", {}, segment.text) : document.createTextNode(segment.text));
  }
}

function almatyTime(iso) {
  // The API gives times with Almaty's offset: the wall-clock part is the Almaty time.
  return iso ? iso.slice(0, 16).replace("T", " ") : "undated";
}

function renderHit(hit) {
  const item = el("li", { class: hit.partial ? "result partial" : "result", "data-id": String(hit.id) });
  const heading = el("h3");
  // Only web links: a stored URL is never allowed to become javascript: or data:.
  const href = /^https?:\/\//i.test(hit.url) ? hit.url : "#";
  const link = el("a", { href, rel: "noopener noreferrer", target: "_blank" });
  appendSegments(link, hit.title_marked.length ? hit.title_marked : [{ text: hit.title || hit.url, mark: false }]);
  heading.append(link);
  item.append(heading);

  const meta = el("p", { class: "meta" });
  meta.append(el("time", { datetime: hit.published || "" }, almatyTime(hit.published)));
  meta.append(document.createTextNode(` · ${hit.source} · ${hit.lang || "?"}`));
  for (const topic of hit.topics) {
    meta.append(" ", el("span", { class: `chip topic-${topic}` }, state.names.topics[topic] || topic));
  }
  for (const region of hit.regions) {
    meta.append(" ", el("span", { class: "chip region" }, state.names.regions[region] || region));
  }
  item.append(meta);

  const snippet = el("p", { class: "snippet" });
  appendSegments(snippet, hit.snippet);
  item.append(snippet);

  if (hit.evidence.length) {
    const evidence = el("p", { class: "evidence" });
    evidence.append(el("span", { class: "evidence-label" }, "Tagged for: "));
    hit.evidence.slice(0, 8).forEach((phrase, i) => {
      if (i) evidence.append(" · ");
      evidence.append(el("mark", { class: "evidence-phrase" }, phrase));
    });
    item.append(evidence);
  }
  return item;
}

// The weekly trend as an inline SVG line chart: all matching articles and each topic.
function renderTrend(stats) {
  const box = $("trend-chart");
  box.replaceChildren();
  const weeks = stats.week;
  if (!weeks.length) {
    box.append(el("p", { class: "empty" }, "No dated articles match."));
    return;
  }
  const series = [{ key: "all", name: "All matching", values: weeks.map((w) => w.articles) }];
  for (const topic of stats.topics) {
    series.push({
      key: topic,
      name: state.names.topics[topic] || topic,
      values: weeks.map((w) => w.by_topic[topic] || 0),
    });
  }
  const width = 760, height = 220, left = 40, right = 28, top = 12, bottom = 36;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => left + (weeks.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (weeks.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "trend", "aria-hidden": "true" });

  for (const tick of new Set([0, Math.ceil(max / 2), max])) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: "grid" }));
    chart.append(svg("text", { x: left - 6, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, tick));
  }
  const every = Math.max(1, Math.ceil(weeks.length / 8));
  weeks.forEach((week, i) => {
    if (i % every === 0 || i === weeks.length - 1) {
      chart.append(svg("text", { x: x(i), y: height - 14, class: "axis", "text-anchor": "middle" }, week.key.slice(5)));
    }
  });
  series.forEach((s, n) => {
    const colour = SERIES_COLOURS[n % SERIES_COLOURS.length];
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    chart.append(svg("polyline", { points, fill: "none", stroke: colour, "stroke-width": n ? 2 : 1.5, class: `series series-${s.key}`, "data-series": s.key }));
    s.values.forEach((v, i) => {
      const dot = svg("circle", { cx: x(i), cy: y(v), r: 3, fill: colour, class: "point" });
      dot.append(svg("title", {}, `${s.name}, week of ${weeks[i].key}: ${v}`));
      chart.append(dot);
    });
  });
  box.append(chart);

  const legend = el("ul", { class: "legend" });
  series.forEach((s, n) => {
    const entry = el("li");
    const swatch = el("span", { class: `swatch swatch-${n % SERIES_COLOURS.length}` });
    entry.append(swatch, document.createTextNode(` ${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`));
    legend.append(entry);
  });
  box.append(legend);
}

async function runSearch({ append = false } = {}) {
  showError("");
  const params = formParams();
  const feed = `/feeds/search.atom${params.toString() ? "?" + params : ""}`;
  $("feed-link").href = feed;
  const query = new URLSearchParams(params);
  query.set("page", String(state.page));
  query.set("page_size", String(PAGE_SIZE));
  document.body.classList.add("loading");
  try {
    const [result, stats] = await Promise.all([
      getJSON(`/api/search?${query}`),
      append ? Promise.resolve(null) : getJSON(`/api/stats?${params}&by=week`),
    ]);
    const list = $("results");
    if (!append) list.replaceChildren();
    for (const hit of result.items) {
      if (hit.partial && !list.querySelector(".close-matches")) {
        list.append(el("li", { class: "close-matches" }, "Close matches: every word but one"));
      }
      list.append(renderHit(hit));
    }
    const total = `${result.total}${result.total_exact ? "" : "+"}`;
    $("summary").textContent = result.total
      ? `${total} article${result.total === 1 ? "" : "s"} with every word, showing ${list.querySelectorAll(".result:not(.partial)").length}.`
      : "No article holds every word.";
    $("more").hidden = !result.next;
    if (stats) renderTrend(stats);
  } catch (error) {
    showError(error.message);
  } finally {
    document.body.classList.remove("loading");
    document.body.dataset.ready = "true";
  }
}

async function loadCatalog() {
  const catalog = await getJSON("/api/catalog");
  for (const [kind, select] of [["topics", $("topic")], ["regions", $("region")]]) {
    for (const entry of catalog[kind]) {
      state.names[kind][entry.id] = entry.name;
      select.append(el("option", { value: entry.id }, entry.name));
    }
  }
  for (const entry of catalog.subtopics) state.names.subtopics[entry.id] = entry.name;
  $("q").maxLength = catalog.max_query_chars;
}

async function start() {
  try {
    await loadCatalog();
  } catch (error) {
    showError(error.message);
  }
  fillForm(new URLSearchParams(window.location.search));
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.page = 1;
    const params = formParams();
    history.pushState(null, "", params.toString() ? `?${params}` : window.location.pathname);
    runSearch();
  });
  for (const id of ["topic", "region", "since", "until", "order"]) {
    $(id).addEventListener("change", () => $("search-form").requestSubmit());
  }
  $("more").addEventListener("click", () => {
    state.page += 1;
    runSearch({ append: true });
  });
  window.addEventListener("popstate", () => {
    fillForm(new URLSearchParams(window.location.search));
    state.page = 1;
    runSearch();
  });
  runSearch();
}

document.addEventListener("DOMContentLoaded", start);
