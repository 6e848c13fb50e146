// Reactions: "me too" and comments go straight to the API; the screen updates from the
// socket (counts, comments) and the pressed state is kept on this device.
import { call, message, newClientId, sessionId } from "./call.js";
import { say } from "./status.js";

function pressedKey() { return "vk-metoo-" + sessionId(); }
function pressed() {
  try { return JSON.parse(localStorage.getItem(pressedKey()) || "[]"); } catch (e) { return []; }
}
function syncPressed() {
  const ids = pressed();
  document.querySelectorAll("[data-metoo]").forEach(function (button) {
    button.setAttribute("aria-pressed", ids.indexOf(parseInt(button.dataset.metoo, 10)) >= 0 ? "true" : "false");
  });
}
export function rememberPressed() {
  // The server's first render knows what this participant pressed: trust it on load.
  const ids = Array.from(document.querySelectorAll("[data-metoo][aria-pressed=true]")).map(function (b) {
    return parseInt(b.dataset.metoo, 10);
  });
  if (document.querySelector("[data-metoo]")) { localStorage.setItem(pressedKey(), JSON.stringify(ids)); }
}

async function metoo(button) {
  const id = parseInt(button.dataset.metoo, 10);
  const on = button.getAttribute("aria-pressed") !== "true";
  const answer = await call("PUT", "/items/" + id + "/metoo", { on: on });
  if (!answer.ok) { say(message("msgQueued")); return; }
  const ids = pressed().filter(function (x) { return x !== id; });
  if (on) { ids.push(id); }
  localStorage.setItem(pressedKey(), JSON.stringify(ids));
  syncPressed();
}

async function comment(form) {
  const input = form.querySelector("input[name=text]");
  if (!input.value.trim()) { return; }
  const body = { client_id: newClientId(), text: input.value };
  for (let attempt = 0; attempt < 6; attempt++) {
    const answer = await call("POST", "/items/" + form.dataset.comment + "/comments", body);
    if (answer.ok) { input.value = ""; return; }
    if (!answer.offline && answer.status < 500 && answer.status !== 429) { return; }
    await new Promise(function (resolve) { setTimeout(resolve, 500 * Math.pow(2, attempt)); });
  }
}

// Listens for me-too presses and comment forms; run once the page is parsed.
export function startReactions() {
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-metoo]");
    if (button) { metoo(button); }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.dataset.comment) { event.preventDefault(); comment(event.target); }
  });
  document.addEventListener("htmx:oobAfterSwap", syncPressed);
}
