// Reactions: "me too" goes straight to the API; the screen updates from the socket (counts)
// and the pressed state is kept on this device. Comments have their own queue (comments.js).
import { call, message, sessionId } from "./call.js";
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

// Listens for me-too presses; run once the page is parsed.
export function startReactions() {
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-metoo]");
    if (button) { metoo(button); }
  });
  document.addEventListener("htmx:oobAfterSwap", syncPressed);
}
