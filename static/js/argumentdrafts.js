// Argument drafts: an argument (a statement's, or the reason for a preference) is kept on this
// device per session, step and subject as it is typed, so a reload, a tab the phone dropped or
// a redrawn stage before it was sent loses no word. A draft leaves only once the server has
// acknowledged a ballot carrying exactly its words; until then it is put back in its box.
import { sessionId } from "./call.js";
import { readStored, writeStored } from "./stored.js";

function draftsKey(step) { return "vk-argument-drafts-" + sessionId() + "-" + step; }

// A blank box is no argument (a ballot carries none for it).
function words(text) { return text && text.trim() ? text : ""; }

export function keepArgumentDraft(step, subject, text) {
  const drafts = readStored(draftsKey(step), {});
  drafts[subject] = text;
  writeStored(draftsKey(step), drafts);
}

// Whether a box of this form holds words the server has not acknowledged yet.
export function holdsArgumentDrafts(form, step) {
  const drafts = readStored(draftsKey(step), {});
  return Object.keys(typedArguments(form)).some(function (subject) { return subject in drafts; });
}

export function dropArgumentDrafts(step) { localStorage.removeItem(draftsKey(step)); }

// The words in a form's argument boxes, by subject, as a ballot sent now carries them.
export function typedArguments(form) {
  const typed = {};
  form.querySelectorAll("[data-subject][data-field=argument]").forEach(function (el) {
    typed[el.dataset.subject] = el.value;
  });
  return typed;
}

// A page on its way out (a reload) may have asked for the next one already, and the server may
// have drawn that before it stored the ballot acknowledged here: the drafts stay for the next
// page to put back and send again (a ballot replaces per subject: the words are stored once).
let leaving = false;
export function watchLeaving() { window.addEventListener("beforeunload", function () { leaving = true; }); }

// The server acknowledged a ballot with `typed` (typedArguments): those drafts are sent. One
// typed on since stays, for the next ballot.
export function dropSentArguments(step, typed) {
  if (leaving) { return; }
  const drafts = readStored(draftsKey(step), {});
  Object.keys(typed).forEach(function (subject) {
    if (subject in drafts && words(drafts[subject]) === words(typed[subject])) { delete drafts[subject]; }
  });
  if (Object.keys(drafts).length) { writeStored(draftsKey(step), drafts); }
  else { localStorage.removeItem(draftsKey(step)); }
}

// Puts the drafts of the vote step on screen back in their boxes; the forms that changed.
export function restoreArgumentDrafts(vote) {
  const drafts = readStored(draftsKey(vote.dataset.voteStep), {});
  const changed = [];
  vote.querySelectorAll("form[data-ballot] [data-subject][data-field=argument]").forEach(function (el) {
    const draft = drafts[el.dataset.subject];
    if (draft === undefined || draft === el.value) { return; }
    el.value = draft;
    if (changed.indexOf(el.form) < 0) { changed.push(el.form); }
  });
  return changed;
}

// Which argument box has the focus, and where its caret is: a redraw of the stage takes it.
export function focusedArgument() {
  const active = document.activeElement;
  const vote = active && active.dataset && active.dataset.field === "argument" && active.closest("[data-vote-step]");
  if (!vote || !active.closest("form[data-ballot]")) { return null; }
  return { step: vote.dataset.voteStep, subject: active.dataset.subject, at: active.selectionStart || 0 };
}

// Back in the same step's box after the redraw, the caret where it was.
export function refocusArgument(focus) {
  const vote = document.querySelector("[data-vote-step]");
  if (!focus || !vote || vote.dataset.voteStep !== focus.step) { return; }
  const box = Array.from(vote.querySelectorAll("[data-field=argument]")).find(function (el) {
    return el.dataset.subject === focus.subject;
  });
  if (!box || document.activeElement === box) { return; }
  box.focus({ preventScroll: true });
  box.setSelectionRange(focus.at, focus.at);
}
