// The facilitator's console: the countdown and live connection, plus helpers for actions
// that need more than one htmx attribute: reorder, edit, move, merge (the selected items or a
// suggested pair, in one click), delete with undo, minutes → seconds, and the board by
// keyboard. Every call goes through call() with the page's CSRF and view headers.
import { call, ready } from "./call.js";
import "./closing.js";
import { boardKeys } from "./keyboard.js";
import { watchConnection } from "./connection.js";
import { startTimer } from "./timer.js";
import { deleted, merged, undoNewest } from "./undo.js";

function showError(message) {
  const box = document.getElementById("console-error");
  if (box) { box.textContent = message; box.hidden = false; }
}

async function send(method, path, body) {
  const answer = await call(method, path, body);
  if (!answer.ok && !answer.offline) { showError(answer.detail); }
  return answer;
}

function moveStep(button) {
  const ids = Array.from(document.querySelectorAll(".agenda-step")).map(function (li) {
    return parseInt(li.id.replace("agenda-step-", ""), 10);
  });
  const id = parseInt(button.dataset.moveStep, 10);
  const from = ids.indexOf(id);
  const to = from + parseInt(button.dataset.direction, 10);
  if (to < 0 || to >= ids.length) { return; }
  ids.splice(to, 0, ids.splice(from, 1)[0]);
  send("PUT", "/agenda", { step_ids: ids });
}

function editItem(id) {
  const current = document.querySelector("#item-" + id + " .text");
  const text = window.prompt(document.body.dataset.editPrompt, current ? current.textContent : "");
  if (text !== null && text.trim()) { send("PATCH", "/items/" + id, { text: text }); }
}

function starItem(id) {
  const item = document.getElementById("item-" + id);
  send("PATCH", "/items/" + id, { starred: !item.classList.contains("starred") });
}

function selectItem(id) {
  const box = document.querySelector("#item-" + id + " .merge-pick");
  if (box) { box.checked = !box.checked; }
}

async function deleteItem(id) {
  const answer = await send("DELETE", "/items/" + id);
  if (answer.ok) { deleted(id, showError); }
}

// The suggestions panel that is open, if any: it stays open through a merge and is read
// again, so pairs that merge settled go and new scores show.
function openSuggestions() {
  const panel = document.querySelector(".duplicates[data-duplicates]");
  return panel && panel.childElementCount ? panel : null;
}

function refreshSuggestions(memberIds) {
  const panel = openSuggestions();
  if (!panel) { return; }
  panel.querySelectorAll("[data-pair]").forEach(function (row) {
    const ids = row.dataset.pair.split(" ");
    if (memberIds.some(function (id) { return ids.includes(String(id)); })) { row.remove(); }
  });
  htmx.ajax("GET", panel.dataset.duplicates, { target: panel, swap: "innerHTML" });
}

async function merge(targetId, memberIds) {
  const answer = await send("POST", "/items/" + targetId + "/merge", { member_ids: memberIds });
  if (answer.ok) {
    merged(targetId, memberIds, showError);
    refreshSuggestions(memberIds);
  }
}

function mergeSelected() {
  const ids = Array.from(document.querySelectorAll(".merge-pick:checked")).map(function (box) {
    return parseInt(box.value, 10);
  });
  if (ids.length < 2) { showError(document.body.dataset.mergeHint); return; }
  merge(ids[0], ids.slice(1));
}

function configOf(form) {
  const config = {};
  form.querySelectorAll("[name]").forEach(function (field) {
    if (field.hasAttribute("data-list")) {  // checkboxes of one name: the checked values
      config[field.name] = (config[field.name] || []).concat(field.checked ? [field.value] : []);
      return;
    }
    let value = field.value;
    if (field.hasAttribute("data-int")) { value = value === "" ? null : parseInt(value, 10); }
    else if (field.hasAttribute("data-lines")) {
      value = value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
    } else if (value === "") { value = null; }
    config[field.name] = value;
  });
  return config;
}

// htmx's own requests (buttons with hx-post etc.) show their refusals in the same box.
function showHtmxRefusals() {
  document.addEventListener("htmx:responseError", function (event) {
    let detail = event.detail.xhr.statusText;
    try { detail = JSON.parse(event.detail.xhr.responseText).detail; } catch (e) { /* keep */ }
    showError(typeof detail === "string" ? detail : JSON.stringify(detail));
  });
  document.addEventListener("htmx:beforeRequest", function () {
    const box = document.getElementById("console-error");
    if (box) { box.hidden = true; }
  });
}

// The report panel's texts: "Saved" shows after a save that worked (a script here rather than
// an hx-on attribute, which the Content-Security-Policy would refuse to run).
function showSavedTexts() {
  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.target.closest && event.target.closest("form[data-report-texts]");
    if (!form) { return; }
    form.querySelector("[data-saved]").hidden = !event.detail.successful;
  });
}

function onClick(event) {
  const target = event.target.closest("button");
  if (!target) { return; }
  if (target.dataset.moveStep) { moveStep(target); }
  else if (target.dataset.edit) { editItem(target.dataset.edit); }
  else if (target.dataset.delete) { deleteItem(target.dataset.delete); }
  else if (target.dataset.mergePair) {
    merge(parseInt(target.dataset.mergePair, 10), [parseInt(target.dataset.member, 10)]);
  } else if (target.hasAttribute("data-merge-selected")) { mergeSelected(); }
  else if (target.hasAttribute("data-close-duplicates")) {
    target.closest(".duplicates").replaceChildren();
  }
}

// A new brainstorm or converge step takes the scenario on the screens unless one is chosen.
function onKindChange(select) {
  const scenario = select.form && select.form.elements.scenario;
  const needsOne = select.value === "brainstorm" || select.value === "converge";
  if (scenario && needsOne && !scenario.value) { scenario.value = select.dataset.currentScenario; }
}

function listen() {
  document.addEventListener("click", onClick);
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.hasAttribute("data-config")) { return; }
    event.preventDefault();
    send("PUT", "/steps/" + form.closest("[data-step]").dataset.step + "/config", { config: configOf(form) });
  });
  document.addEventListener("change", function (event) {
    const select = event.target;
    if (select.dataset && select.dataset.move && select.value) {
      const parts = select.value.split(":");
      send("PATCH", "/items/" + select.dataset.move, { category: parts[0], theme: parts[1] || null });
    } else if (select.dataset && select.dataset.currentScenario !== undefined) { onKindChange(select); }
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList.contains("minutes")) {
      const form = event.target.closest("form");
      form.querySelector("input[name=seconds]").value = Math.max(1, parseInt(event.target.value, 10) || 1) * 60;
    }
  });
}

watchConnection();
showHtmxRefusals();
showSavedTexts();
listen();
boardKeys({
  edit: editItem, star: starItem, select: selectItem, merge: mergeSelected, remove: deleteItem,
  undo: undoNewest,
  spotlight: function (id) { send("PUT", "/spotlight", { item_id: parseInt(id, 10) }); }
});
ready(startTimer);
