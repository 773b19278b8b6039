// Dozor's search page: plain JavaScript over the read-only API of this app, nothing fetched
// from elsewhere. Uses common.js (t, tf, el, svg, getJSON).
"use strict";

const PAGE_SIZE = 20;
// Colours of chart series: "all" first, then the topics; the compared query last.
const SERIES_COLOURS = ["#4b5563", "#1d4ed8", "#c2410c", "#047857", "#7c3aed"];
const COMPARE_COLOUR = "#be185d";
const FILTERS = ["topic", "subtopic", "region", "source", "lang", "since", "until"];

const state = { page: 1, names: { topics: {}, regions: {}, subtopics: {}, sources: {}, languages: {} }, run: 0 };

// The form as API parameters; empty fields and defaults are left out.
function formParams() {
  const params = new URLSearchParams();
  for (const name of ["q", ...FILTERS, "order"]) {
    const value = $(name).value.trim();
    if (value && !(name === "order" && value === "relevance")) params.set(name, value);
  }
  if (!$("cross_language").checked) params.set("cross_language", "false");
  if (!$("stories").checked) params.set("stories", "false");
  return params;
}

function fillForm(params) {
  for (const name of ["q", ...FILTERS]) $(name).value = params.get(name) || "";
  $("order").value = params.get("order") || "relevance";
  $("cross_language").checked = params.get("cross_language") !== "false";
  $("stories").checked = params.get("stories") !== "false";
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

// An error leaves nothing of the previous search on screen: results, counts, charts.
function clearResults() {
  for (const id of ["results", "trend-chart", "region-chart", "source-chart"]) $(id).replaceChildren();
  $("summary").textContent = "";
  $("also").hidden = true;
  $("exports").hidden = true;
  $("more").hidden = true;
}

// Segments [{text, mark, kind}]: searched words as <mark class="hit">, evidence styled apart.
function appendSegments(parent, segments) {
  for (const s of segments) {
    if (!s.mark) parent.append(document.createTextNode(s.text));
    else if (s.kind === "evidence") parent.append(el("span", { class: "evidence" }, s.text));
    else parent.append(el("mark", { class: "hit" }, s.text));
  }
}

function renderHit(hit) {
  const item = el("li", { class: hit.partial ? "result partial" : "result", "data-id": String(hit.id) });
  const heading = el("h3");
  const link = el("a", { href: hit.view || `/article/${hit.id}` });
  appendSegments(link, hit.title_marked.length ? hit.title_marked : [{ text: hit.title || hit.url, mark: false }]);
  heading.append(link);
  item.append(heading);

  const meta = el("p", { class: "meta" });
  meta.append(el("time", { datetime: hit.published || "" }, almatyTime(hit.published)));
  meta.append(" · ", el("a", { href: safeHref(hit.url), rel: "noopener noreferrer", target: "_blank", class: "source" }, state.names.sources[hit.source] || hit.source));
  meta.append(` · ${hit.lang || "?"}`);
  const note = storyNote(hit.story_articles, hit.story_languages);
  if (note) meta.append(" · ", el("span", { class: "story-note" }, note));
  for (const topic of hit.topics) meta.append(" ", el("span", { class: `chip topic-${topic}` }, state.names.topics[topic] || topic));
  for (const region of hit.regions) meta.append(" ", el("span", { class: "chip region" }, state.names.regions[region] || region));
  item.append(meta);

  const snippet = el("p", { class: "snippet" });
  appendSegments(snippet, hit.snippet);
  item.append(snippet);

  if (hit.evidence.length) {
    const evidence = el("p", { class: "evidence-line" });
    evidence.append(el("span", { class: "evidence-label" }, t("Tagged for:") + " "));
    hit.evidence.slice(0, 8).forEach((phrase, i) => {
      if (i) evidence.append(" · ");
      evidence.append(el("span", { class: "evidence" }, phrase));
    });
    item.append(evidence);
  }
  return item;
}

// A date key as a short axis label; the year shown at the first tick and where it changes.
function axisLabel(key, previous, period) {
  const [year, month, day] = key.split("-");
  const short = period === "day" || period === "week" ? `${day}.${month}` : key;
  return !previous || previous.slice(0, 4) !== year ? [short, year] : [short];
}

// The trend as an inline SVG line chart (all, each topic, and the compared query).
function renderTrend(stats, period, compared, comparedLabel) {
  const box = $("trend-chart");
  box.replaceChildren();
  const rows = stats[period];
  if (!rows.length) {
    box.append(el("p", { class: "empty" }, t("No dated articles match.")));
    return;
  }
  const keys = rows.map((r) => r.key);
  const series = [{ key: "all", name: t("All matching"), values: rows.map((r) => r.articles), colour: SERIES_COLOURS[0] }];
  if (compared) {
    const byKey = Object.fromEntries(compared[period].map((r) => [r.key, r.articles]));
    for (const r of compared[period]) if (!keys.includes(r.key)) keys.push(r.key);
    keys.sort();
    series[0].values = keys.map((k) => (rows.find((r) => r.key === k) || { articles: 0 }).articles);
    series.push({ key: "compare", name: comparedLabel, values: keys.map((k) => byKey[k] || 0), colour: COMPARE_COLOUR });
  } else {
    stats.topics.forEach((topic, n) => {
      series.push({ key: topic, name: stats.topic_names[topic] || topic, values: rows.map((r) => r.by_topic[topic] || 0), colour: SERIES_COLOURS[(n + 1) % SERIES_COLOURS.length] });
    });
  }
  const narrow = box.clientWidth && box.clientWidth < 560;
  const width = narrow ? 420 : 760, height = narrow ? 240 : 230, left = 36, right = 18, top = 12, bottom = 44;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => left + (keys.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (keys.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "trend", "aria-hidden": "true" });
  for (const tick of new Set([0, Math.ceil(max / 2), max])) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: "grid" }));
    chart.append(svg("text", { x: left - 6, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, tick));
  }
  // Labels never overlap: at most one per ~70 px of chart.
  const room = Math.max(2, Math.floor((width - left - right) / 70));
  const every = Math.max(1, Math.ceil(keys.length / room));
  let previous = null;
  keys.forEach((key, i) => {
    if (i % every !== 0) return;
    const label = svg("text", { x: x(i), y: height - 26, class: "axis", "text-anchor": "middle" });
    axisLabel(key, previous, period).forEach((line, n) => label.append(svg("tspan", { x: x(i), dy: n ? 13 : 0 }, line)));
    chart.append(label);
    previous = key;
  });
  series.forEach((s, n) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    chart.append(svg("polyline", { points, fill: "none", stroke: s.colour, "stroke-width": n ? 2 : 1.5, class: `series series-${s.key}`, "data-series": s.key }));
    s.values.forEach((v, i) => {
      const dot = svg("circle", { cx: x(i), cy: y(v), r: 2.5, fill: s.colour, class: "point" });
      dot.append(svg("title", {}, `${s.name}, ${keys[i]}: ${v}`));
      chart.append(dot);
    });
  });
  box.append(chart);
  const legend = el("ul", { class: "legend" });
  for (const s of series) {
    const entry = el("li");
    entry.append(el("span", { class: "swatch" }), document.createTextNode(` ${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`));
    entry.firstChild.dataset.colour = s.colour;
    legend.append(entry);
  }
  box.append(legend);
  // Colours set through the CSSOM (style attributes would need 'unsafe-inline').
  legend.querySelectorAll(".swatch").forEach((node) => { node.style.background = node.dataset.colour; });
}

// Horizontal bars: the ten largest counts of one dimension.
function renderBars(id, rows) {
  const box = $(id);
  box.replaceChildren();
  if (!rows.length) {
    box.append(el("p", { class: "empty" }, t("Nothing matches.")));
    return;
  }
  const top = rows.slice(0, 10);
  const max = Math.max(1, ...top.map((r) => r.articles));
  const list = el("ul", { class: "bar-list" });
  for (const row of top) {
    const item = el("li");
    item.append(el("span", { class: "bar-name" }, row.name || row.key || t("not stated")));
    const bar = el("span", { class: "bar" });
    const fill = el("span", { class: "bar-fill" });
    fill.style.width = `${(100 * row.articles) / max}%`;
    bar.append(fill);
    item.append(bar, el("span", { class: "bar-count" }, String(row.articles)));
    list.append(item);
  }
  box.append(list);
}

function updateExports(params, counts) {
  const box = $("exports");
  const unit = $("stories").checked ? counts.stories : counts.articles;
  $("export-count").textContent = tf("Export all {n} matching articles:", { n: counts.articles }) + " ";
  for (const fmt of ["csv", "xlsx", "jsonl"]) {
    const query = new URLSearchParams(params);
    query.delete("stories");
    query.set("format", fmt);
    if ($("export-body").checked) query.set("body", "true");
    $(`export-${fmt}`).href = withUi(`/api/export?${query}`);
  }
  box.hidden = counts.articles === 0;
  return unit;
}

async function runSearch({ append = false } = {}) {
  const run = ++state.run;
  showError("");
  const params = formParams();
  $("feed-link").href = `/feeds/search.atom${params.toString() ? "?" + params : ""}`;
  const query = new URLSearchParams(params);
  query.set("page", String(state.page));
  query.set("page_size", String(PAGE_SIZE));
  const period = $("period").value;
  const statsQuery = new URLSearchParams(params);
  statsQuery.delete("order");
  for (const by of [period, "region", "source"]) statsQuery.append("by", by);
  const compare = $("compare").value.trim();
  document.body.classList.add("loading");
  try {
    const [result, stats, counts, compared] = await Promise.all([
      getJSON(withUi(`/api/search?${query}`)),
      append ? null : getJSON(withUi(`/api/stats?${statsQuery}`)),
      append ? null : getJSON(`/api/count?${statsQuery}`),
      append || !compare ? null : getJSON(withUi(`/api/stats?${(() => { const c = new URLSearchParams(statsQuery); c.set("q", compare); return c; })()}`)),
    ]);
    if (run !== state.run) return; // a newer search started meanwhile
    const list = $("results");
    if (!append) list.replaceChildren();
    for (const hit of result.items) {
      if (hit.partial && !list.querySelector(".close-matches")) {
        list.append(el("li", { class: "close-matches" }, t("Close matches: every word but one")));
      }
      list.append(renderHit(hit));
    }
    const shown = list.querySelectorAll(".result:not(.partial)").length;
    const total = `${result.total}${result.total_exact ? "" : "+"}`;
    const words = (params.get("q") || "").trim() !== "";
    const stories = result.unit === "stories";
    let summary;
    if (!result.total) summary = words ? t("No article holds every word.") : t("No article matches the filters.");
    else if (words && stories) summary = tf("Stories with every word: {total}, shown: {shown}.", { total, shown });
    else if (words) summary = tf("Articles with every word: {total}, shown: {shown}.", { total, shown });
    else if (stories) summary = tf("Stories: {total}, shown: {shown}.", { total, shown });
    else summary = tf("Articles: {total}, shown: {shown}.", { total, shown });
    $("summary").textContent = summary;
    $("also").hidden = !result.also_searched.length;
    $("also").textContent = result.also_searched.length ? tf("Also searched: {terms}", { terms: result.also_searched.join(", ") }) : "";
    $("more").hidden = !result.next;
    if (stats) {
      renderTrend(stats, period, compared, compare);
      renderBars("region-chart", stats.region);
      renderBars("source-chart", stats.source);
    }
    if (counts) updateExports(params, counts);
  } catch (error) {
    if (run !== state.run) return;
    clearResults();
    showError(error.message);
  } finally {
    if (run === state.run) {
      document.body.classList.remove("loading");
      document.body.dataset.ready = "true";
    }
  }
}

async function loadCatalog() {
  const catalog = await getJSON(withUi("/api/catalog"));
  const selects = [["topics", "topic"], ["subtopics", "subtopic"], ["regions", "region"], ["sources", "source"], ["languages", "lang"]];
  for (const [kind, id] of selects) {
    for (const entry of catalog[kind]) {
      state.names[kind][entry.id] = entry.name;
      $(id).append(el("option", { value: entry.id }, entry.name));
    }
  }
  $("q").maxLength = catalog.max_query_chars;
}

// Today / 7 / 30 days (Asia/Almaty) set the date fields; "All time" clears them.
function applyPreset(days) {
  if (days === "") {
    $("since").value = "";
    $("until").value = "";
    return;
  }
  const today = new Date(Date.now() + 5 * 3600 * 1000).toISOString().slice(0, 10);
  const start = new Date(Date.parse(today) - Number(days) * 86400 * 1000).toISOString().slice(0, 10);
  $("since").value = start;
  $("until").value = today;
}

function submitSearch() {
  state.page = 1;
  const params = formParams();
  history.pushState(null, "", params.toString() ? `?${params}` : window.location.pathname);
  runSearch();
}

async function loadSaved() {
  const list = $("saved-list");
  list.replaceChildren();
  try {
    const saved = await getJSON("/api/saved-searches");
    for (const s of saved) {
      const item = el("li", { class: s.active ? "saved" : "saved paused", "data-id": String(s.id) });
      const filters = Object.entries(s.filters).map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ");
      item.append(el("strong", {}, s.name), document.createTextNode(` — ${s.query || "…"}${filters ? " (" + filters + ")" : ""} → ${[...s.email, s.webhook].filter(Boolean).join(", ")}`));
      if (!s.active) {
        item.append(" ", el("span", { class: "chip paused-badge" }, tf("Paused since {time}", { time: almatyTime(s.paused_since) })));
      } else if (s.alerts_from) {
        item.append(" ", el("span", { class: "hint alerts-from" }, tf("Alerts from {time}", { time: almatyTime(s.alerts_from) })));
      }
      if (s.last_error) item.append(el("span", { class: "save-error" }, ` ${s.last_error}`));
      // Pause / resume: a paused search gets no alerts, and resuming does not send what
      // matched meanwhile (docs/analysts.md).
      const toggle = el("button", { type: "button", class: "link toggle" }, s.active ? t("Pause") : t("Resume"));
      toggle.addEventListener("click", async () => {
        await getJSON(`/api/saved-searches/${s.id}/${s.active ? "pause" : "resume"}`, { method: "POST" }).catch((e) => showError(e.message));
        loadSaved();
      });
      const remove = el("button", { type: "button", class: "link delete" }, t("Delete"));
      remove.addEventListener("click", async () => {
        await getJSON(`/api/saved-searches/${s.id}`, { method: "DELETE" }).catch((e) => showError(e.message));
        loadSaved();
      });
      item.append(" ", toggle, " ", remove);
      list.append(item);
    }
  } catch (error) {
    list.append(el("li", { class: "hint" }, error.message));
  }
}

async function saveSearch(event) {
  event.preventDefault();
  const params = formParams();
  const filters = {};
  for (const [field, key] of [["topic", "topics"], ["subtopic", "subtopics"], ["region", "regions"], ["source", "sources"], ["lang", "langs"]]) {
    if (params.get(field)) filters[key] = [params.get(field)];
  }
  const body = {
    name: $("save-name").value.trim(), query: params.get("q") || "", filters,
    kind: $("save-spikes").checked ? "spikes" : "matches", cross_language: $("cross_language").checked,
    email: $("save-email").value.split(",").map((e) => e.trim()).filter(Boolean),
    webhook: $("save-webhook").value.trim() || null, daily_cap: Number($("save-cap").value || 20),
    ui_lang: $("save-lang").value,
  };
  try {
    await getJSON("/api/saved-searches", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
    $("save-status").textContent = tf("Saved: {name}", { name: body.name });
    loadSaved();
  } catch (error) {
    $("save-status").textContent = error.message;
  }
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
    submitSearch();
  });
  for (const id of [...FILTERS, "order", "cross_language", "stories"]) $(id).addEventListener("change", submitSearch);
  for (const id of ["period", "export-body"]) $(id).addEventListener("change", () => runSearch());
  $("compare").addEventListener("change", () => runSearch());
  for (const button of document.querySelectorAll(".preset")) {
    button.addEventListener("click", () => {
      applyPreset(button.dataset.days);
      submitSearch();
    });
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
  $("save-form").addEventListener("submit", saveSearch);
  loadSaved();
  runSearch();
}

document.addEventListener("DOMContentLoaded", start);
