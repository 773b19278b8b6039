// Helpers shared by Dozor's pages: translated messages, DOM building, JSON requests.
// Text from articles is always inserted with textContent, never as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const MESSAGES = JSON.parse(document.getElementById("messages").textContent || "{}");
const UI = document.body.dataset.ui || "en";

// A message in the page's language (the English text is the key; English is the fallback).
function t(message) {
  return MESSAGES[message] || message;
}

// A message with {name} placeholders filled in.
function tf(message, values) {
  return t(message).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

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

// The API answers errors in the page's language (?ui=) with a code: the error thrown carries
// both, the message for people and the code for the script.
async function getJSON(path, options) {
  const response = await fetch(withUi(path), Object.assign({ headers: { Accept: "application/json" } }, options || {}));
  const body = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = typeof body.message === "string" ? body.message
      : Array.isArray(body.detail) ? body.detail.map((d) => `${d.parameter}: ${d.message}`).join("; ")
      : body.detail || tf("The server answered {status}.", { status: response.status });
    const error = new Error(message);
    error.code = body.code || `http_${response.status}`;
    throw error;
  }
  return body;
}

// A URL for the API with the page's interface language (once).
function withUi(path) {
  if (/[?&]ui=/.test(path)) return path;
  return path + (path.includes("?") ? "&" : "?") + "ui=" + encodeURIComponent(UI);
}

function almatyTime(iso) {
  // The API gives times with Almaty's offset: the wall-clock part is the Almaty time.
  return iso ? iso.slice(0, 16).replace("T", " ") : t("undated");
}

// Only web links: a stored URL is never allowed to become javascript: or data:.
function safeHref(url) {
  return /^https?:\/\//i.test(url || "") ? url : "#";
}

// "3 articles, kk+ru" for a story told more than once.
function storyNote(count, languages) {
  return count > 1 ? tf("{n} articles, {langs}", { n: count, langs: (languages || []).join("+") || "?" }) : "";
}
