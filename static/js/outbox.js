// The outbox: nothing typed is lost. Submissions go to a localStorage outbox with a
// client-made id and are retried until the server acknowledges them (after commit); a retry
// with the same id is stored once. An item that arrives after input closed is kept by the
// server as late (202, `late: true`) and shown in the participant's own late list until the
// facilitator decides. A permanent refusal leaves the outbox and gives the words back, in
// their category, with the reason.
import { afterStageSwap, call, message, newClientId, sessionId } from "./call.js";
import { dropDraft, keepAsDraft, saveDraft, withWords } from "./drafts.js";
import { addOwn } from "./own.js";
import { keepReceipt } from "./receipts.js";
import { backoff } from "./retry.js";
import { say, sayAgain } from "./status.js";
import { readStored, without, writeStored } from "./stored.js";

function outboxKey() { return "vk-outbox-" + sessionId(); }
function readOutbox() { return readStored(outboxKey(), []); }
function writeOutbox(items) { writeStored(outboxKey(), items); }

let flushing = false;
const retry = backoff(function () { flush(); });

// Sends the outbox in order. Returns what the loop should do next: "stop" or "next".
async function send(entry, state) {
  const answer = await call("POST", "/items", entry);
  if (answer.offline) {
    say(message("msgQueued"));
    retry.later();
    return "stop";
  }
  if (answer.status === 429 || answer.status === 408) {
    // Rate limited (or too slow): the entry stays in the outbox; wait as asked.
    say(answer.detail);
    retry.later(1000 * (answer.retryAfter || 1));
    return "stop";
  }
  if (answer.status >= 500) {
    // Kept and sent again, but behind the others: should the fault lie with this one
    // entry, it never holds up what the participant types after it.
    writeOutbox(without(readOutbox(), entry).concat([entry]));
    say(message("msgQueued"));
    retry.later();
    return "stop";
  }
  writeOutbox(without(readOutbox(), entry));
  retry.reset();
  if (answer.ok && answer.body && answer.body.item) { keepReceipt(sessionId(), answer.body.item.id); }
  if (answer.ok && answer.body && answer.body.late) {
    state.late = true;
    say(state.refusal || message("msgLate"));
    showLate(answer.body.item);
  } else if (answer.ok) {
    say(state.refusal || (state.late ? message("msgLate") : message("msgSent")));
    showOwn(answer.body);
    if (answer.body && answer.body.item) { addOwn(answer.body.item.id); }
  } else {
    state.refusal = refused(entry, answer.detail);
  }
  return "next";
}

export async function flush() {
  if (flushing || !sessionId()) { return; }
  flushing = true;
  try {
    const state = { refusal: "", late: false };
    let pending = readOutbox();
    while (pending.length) {
      if (await send(pending[0], state) === "stop") { return; }
      pending = readOutbox();
    }
  } finally {
    flushing = false;
  }
}

function showOwn(body) {
  // In a blind round the socket does not echo items: show the participant their own.
  const stage = document.getElementById("stage");
  if (!body || !stage || !stage.dataset.blind || document.getElementById("item-" + body.item.id)) { return; }
  const suffix = body.item.table_id ? "-t" + body.item.table_id : "";
  const list = document.getElementById("items-" + body.item.step_id + "-" + body.item.category + suffix);
  if (!list) { return; }
  const li = document.createElement("li");
  li.className = "item mine";
  li.id = "item-" + body.item.id;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = body.item.text;
  li.appendChild(text);
  list.appendChild(li);
}

function showLate(item) {
  // The server kept it as late: its words stay in view, marked, before the socket's own
  // redraw of the list arrives (it replaces this).
  const section = document.getElementById("late-mine");
  if (!section || document.getElementById("late-item-" + item.id)) { return; }
  let list = section.querySelector("ul");
  if (!list) { list = document.createElement("ul"); section.appendChild(list); }
  const li = document.createElement("li");
  li.className = "late-item";
  li.id = "late-item-" + item.id;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = item.text;
  const note = document.createElement("span");
  note.className = "late-note";
  note.textContent = message("msgLateNote");
  li.append(text, " ", note);
  list.appendChild(li);
  section.hidden = false;
}

function refused(entry, detail) {
  // The server said no for good (e.g. the step moved on, a character it cannot store): the
  // entry has left the outbox so later ones go on; give the words back, with the reason,
  // next to anything typed since, or keep them as that step's draft when no form is shown.
  const form = document.getElementById("item-form");
  const text = document.getElementById("item-text");
  if (form && text) {
    if (!text.value.trim()) { chooseCategory(form, entry); }
    text.value = withWords(entry.text, text.value);
    saveDraft(form);
  } else {
    keepAsDraft(entry);
  }
  say(detail);
  return detail;
}

function chooseCategory(form, entry) {
  const radio = form.querySelector("input[name=category][value='" + entry.category + "']");
  if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
  if (entry.theme) { form.querySelector("#item-theme").value = entry.theme; }
}

function submit(form) {
  const text = form.querySelector("#item-text");
  const category = form.querySelector("input[name=category]:checked");
  const themed = category && category.dataset.themed === "1";
  if (!text.value.trim()) { say(message("msgEmpty")); text.focus(); return; }
  // No theme is chosen for the participant: a voorwaarde under the first theme by default
  // would put it in the report where they never placed it.
  const theme = form.querySelector("#item-theme");
  if (themed && !theme.value) { say(message("msgTheme")); theme.focus(); return; }
  const pending = readOutbox();
  pending.push({
    client_id: newClientId(),
    step_id: parseInt(form.dataset.step, 10),
    category: category ? category.value : "",
    theme: themed ? theme.value : null,
    text: text.value
  });
  writeOutbox(pending);
  text.value = "";
  dropDraft(form.dataset.step);
  text.focus();
  flush();
}

export function startOutbox() {
  document.addEventListener("submit", function (event) {
    if (event.target.id === "item-form") { event.preventDefault(); submit(event.target); }
  });
  document.addEventListener("keydown", function (event) {
    // Ctrl/Cmd+Enter sends from the text area, as in chat tools.
    if (event.target.id === "item-text" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit(event.target.form);
    }
  });
  afterStageSwap(sayAgain);
}
