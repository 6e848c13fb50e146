// Taking back: the participant's own items carry "Reword" and "Withdraw" while their step is
// open. Which items are theirs is known to this device alone: the server's first render
// marks them, and each acknowledged submission adds one; live redraws (the same for every
// participant) are marked again from that list.
import { call, message, sessionId } from "./call.js";
import { dropReceipt, keepReceipt } from "./receipts.js";
import { say } from "./status.js";

function ownKey() { return "vk-own-" + sessionId(); }
function ownIds() {
  try { return JSON.parse(localStorage.getItem(ownKey()) || "[]"); } catch (e) { return []; }
}
function keep(ids) { localStorage.setItem(ownKey(), JSON.stringify(ids)); }

export function addOwn(id) {
  const ids = ownIds();
  if (ids.indexOf(id) < 0) { ids.push(id); keep(ids); }
  syncOwn();
}

function syncOwn() {
  const ids = ownIds();
  const stage = document.getElementById("stage");
  const open = !!(stage && stage.dataset.open && stage.dataset.stepType === "brainstorm");
  document.querySelectorAll("[data-own]").forEach(function (tools) {
    tools.hidden = !(open && ids.indexOf(parseInt(tools.dataset.own, 10)) >= 0);
  });
  // "Me too" is for other people's items: the server refuses it on one's own, also on an
  // entry one's own item was merged into.
  document.querySelectorAll("[data-metoo]").forEach(function (button) {
    const words = [button.dataset.metoo].concat((button.dataset.members || "").split(" "));
    button.hidden = words.some(function (id) { return ids.indexOf(parseInt(id, 10)) >= 0; });
  });
}

function rememberOwn() {
  const ids = ownIds();
  document.querySelectorAll("[data-own]:not([hidden])").forEach(function (tools) {
    const id = parseInt(tools.dataset.own, 10);
    if (ids.indexOf(id) < 0) { ids.push(id); }
    keepReceipt(sessionId(), id);
  });
  keep(ids);
  syncOwn();
}

async function withdraw(id) {
  if (!window.confirm(message("msgWithdrawConfirm"))) { return; }
  const answer = await call("DELETE", "/own-items/" + id);
  if (!answer.ok) { say(answer.offline ? message("msgUnsaved") : answer.detail); return; }
  keep(ownIds().filter(function (x) { return x !== id; }));
  dropReceipt(sessionId(), id);
  const li = document.getElementById("item-" + id);
  if (li) { li.remove(); }
  say(message("msgWithdrawn"));
}

async function reword(id) {
  const li = document.getElementById("item-" + id);
  const shown = li && li.querySelector(".text");
  const text = window.prompt(message("msgReword"), shown ? shown.textContent : "");
  if (text === null || !text.trim()) { return; }
  const answer = await call("PATCH", "/own-items/" + id, { text: text });
  if (!answer.ok) { say(answer.detail); return; }
  if (shown) { shown.textContent = answer.body.text; }
  say(message("msgSaved"));
}

// Listens for the buttons; run once the page is parsed.
export function startOwn() {
  document.addEventListener("click", function (event) {
    const target = event.target.closest && event.target.closest("[data-own-withdraw], [data-own-edit]");
    if (!target) { return; }
    if (target.dataset.ownWithdraw) { withdraw(parseInt(target.dataset.ownWithdraw, 10)); }
    else { reword(parseInt(target.dataset.ownEdit, 10)); }
  });
  document.addEventListener("htmx:oobAfterSwap", syncOwn);
  rememberOwn();
}
