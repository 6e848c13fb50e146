// Comments: not one lost word. A posted comment goes to a localStorage queue with a client-made
// id and is sent until the server acknowledges it (a retry with the same id is stored once),
// from this page, a reload or the next page load; until then it shows under its item as not
// sent yet. A refusal for good (a 4xx other than 408 and 429: the item was merged or removed,
// input is locked, the session closed) leaves the queue, gives the words back in the item's
// field when it is empty, and lists them with the reason above the stage until dismissed.
import { call, message, newClientId, sessionId } from "./call.js";
import { commentField, keepCommentDraft, keepCommentDrafts, restoreCommentDrafts } from "./commentdrafts.js";
import { backoff } from "./retry.js";
import { readStored, without, writeStored } from "./stored.js";

function queueKey() { return "vk-comments-" + sessionId(); }
function refusedKey() { return "vk-comments-refused-" + sessionId(); }

let flushing = false;
const retry = backoff(function () { flushComments(); });

// Sends the queue in order; stops (and tries again later) while the server cannot be reached.
export async function flushComments() {
  if (flushing || !sessionId()) { return; }
  flushing = true;
  try {
    let pending = readStored(queueKey(), []);
    while (pending.length) {
      if (await send(pending[0]) === "stop") { return; }
      pending = readStored(queueKey(), []);
    }
  } finally {
    flushing = false;
  }
}

async function send(entry) {
  const answer = await call("POST", "/items/" + entry.item_id + "/comments", {
    client_id: entry.client_id, text: entry.text
  });
  if (answer.offline || answer.status === 429 || answer.status === 408) {
    retry.later(1000 * answer.retryAfter);
    return "stop";
  }
  if (answer.status >= 500) {
    // Sent again, behind the others: a fault with this one never holds up the next.
    writeStored(queueKey(), without(readStored(queueKey(), []), entry).concat([entry]));
    retry.later();
    return "stop";
  }
  writeStored(queueKey(), without(readStored(queueKey(), []), entry));
  retry.reset();
  if (!answer.ok) { refuse(entry, answer.detail); }
  showPending();
  return "next";
}

// The queued comments, under their items (each redraw drew the lists without them).
function showPending() {
  const pending = readStored(queueKey(), []);
  document.querySelectorAll("li[data-pending]").forEach(function (li) {
    if (!pending.some(function (entry) { return entry.client_id === li.dataset.pending; })) { li.remove(); }
  });
  pending.forEach(function (entry) {
    const list = document.getElementById("comments-" + entry.item_id);
    if (!list || list.querySelector("[data-pending='" + entry.client_id + "']")) { return; }
    const li = document.createElement("li");
    li.className = "comment-pending";
    li.dataset.pending = entry.client_id;
    const note = document.createElement("span");
    note.className = "pending-note";
    note.textContent = message("msgCommentPending");
    li.append(entry.text, " ", note);
    list.appendChild(li);
  });
}

function refuse(entry, detail) {
  const field = commentField(entry.item_id);
  if (field && !field.value.trim()) {
    field.value = entry.text;
    keepCommentDraft(entry.item_id, entry.text);
    field.closest("details").open = true;
  }
  const refused = readStored(refusedKey(), []);
  refused.push({ client_id: entry.client_id, item_id: entry.item_id, text: entry.text, detail: detail });
  writeStored(refusedKey(), refused);
  showRefused();
}

// The refused comments, each with its reason, its words (to copy) and a button to dismiss it;
// only new ones are added to the list, so a screen reader announces those alone.
function showRefused() {
  const box = document.getElementById("comment-refusals");
  if (!box) { return; }
  const refused = readStored(refusedKey(), []);
  const ids = refused.map(function (entry) { return entry.client_id; });
  const list = box.querySelector("ul");
  list.querySelectorAll("li").forEach(function (li) {
    if (ids.indexOf(li.dataset.refused) < 0) { li.remove(); }
  });
  refused.forEach(function (entry) {
    if (!list.querySelector("[data-refused='" + entry.client_id + "']")) { list.appendChild(refusedItem(entry, box.dataset.dismiss)); }
  });
  box.hidden = !refused.length;
}

function refusedItem(entry, dismissLabel) {
  const li = document.createElement("li");
  li.dataset.refused = entry.client_id;
  const reason = document.createElement("p");
  reason.className = "refusal-reason";
  reason.textContent = entry.detail;
  const words = document.createElement("p");
  words.className = "refused-words";
  words.textContent = entry.text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "small";
  dismiss.dataset.dismissComment = entry.client_id;
  dismiss.textContent = dismissLabel;
  li.append(reason, words, dismiss);
  return li;
}

function dismiss(clientId) {
  writeStored(refusedKey(), without(readStored(refusedKey(), []), { client_id: clientId }));
  showRefused();
}

function post(form) {
  const field = form.querySelector("input[name=text]");
  const itemId = parseInt(form.dataset.comment, 10);
  if (!field.value.trim()) { return; }
  const entry = { client_id: newClientId(), item_id: itemId, text: field.value };
  // Queued before the draft goes: a page closed in between keeps the words twice, not never.
  writeStored(queueKey(), readStored(queueKey(), []).concat([entry]));
  field.value = "";
  keepCommentDraft(itemId, "");
  writeStored(refusedKey(), readStored(refusedKey(), []).filter(function (refused) {
    return refused.item_id !== itemId || refused.text !== entry.text;  // sent again: no longer refused
  }));
  showRefused();
  showPending();
  flushComments();
}

// Listens for comment forms and dismissals; run once the page is parsed.
export function startComments() {
  keepCommentDrafts();
  document.addEventListener("submit", function (event) {
    if (event.target.dataset.comment) { event.preventDefault(); post(event.target); }
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-dismiss-comment]");
    if (button) { dismiss(button.dataset.dismissComment); }
  });
  document.addEventListener("htmx:oobAfterSwap", showPending);
  restoreCommentDrafts([], null);
  showPending();
  showRefused();
  flushComments();
}
