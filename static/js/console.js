// The facilitator's console: the countdown and live connection, plus helpers for actions
// that need more than one htmx attribute: reorder, edit, move, merge the selected items,
// minutes → seconds. Every call goes through call() with the page's CSRF and view headers.
import { call, ready } from "./call.js";
import { watchConnection } from "./connection.js";
import { startTimer } from "./timer.js";

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

function mergeSelected() {
  const ids = Array.from(document.querySelectorAll(".merge-pick:checked")).map(function (box) {
    return parseInt(box.value, 10);
  });
  if (ids.length < 2) { showError(document.body.dataset.mergeHint); return; }
  send("POST", "/items/" + ids[0] + "/merge", { member_ids: ids.slice(1) });
}

function configOf(form) {
  const config = {};
  form.querySelectorAll("[name]").forEach(function (field) {
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

function listen() {
  document.addEventListener("click", function (event) {
    const target = event.target.closest("button");
    if (!target) { return; }
    if (target.dataset.moveStep) { moveStep(target); }
    else if (target.dataset.edit) { editItem(target.dataset.edit); }
    else if (target.hasAttribute("data-merge-selected")) { mergeSelected(); }
  });
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
    }
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
listen();
ready(startTimer);
