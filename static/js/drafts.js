// Drafts: what a participant is typing is kept on this device per step, so it survives the
// stage being redrawn (e.g. on reconnect) and a reload.
import { afterStageSwap, sessionId } from "./call.js";

export function draftKey(step) { return "vk-draft-" + sessionId() + "-" + step; }

function readDraft(step) {
  try { return JSON.parse(localStorage.getItem(draftKey(step)) || "null"); } catch (e) { return null; }
}

export function saveDraft(form) {
  const category = form.querySelector("input[name=category]:checked");
  localStorage.setItem(draftKey(form.dataset.step), JSON.stringify({
    text: form.querySelector("#item-text").value,
    category: category ? category.value : "",
    theme: form.querySelector("#item-theme").value
  }));
}

export function dropDraft(step) { localStorage.removeItem(draftKey(step)); }

// Words given back, put before what was typed since (once).
export function withWords(words, typed) {
  if (!typed.trim()) { return words; }
  return typed.indexOf(words) >= 0 ? typed : words + "\n\n" + typed;
}

// An outbox entry the server refused while no form for its step is shown: keep its words
// as that step's draft.
export function keepAsDraft(entry) {
  const draft = readDraft(entry.step_id) || { category: entry.category, theme: entry.theme };
  draft.text = withWords(entry.text, draft.text || "");
  localStorage.setItem(draftKey(entry.step_id), JSON.stringify(draft));
}

function syncTheme(form) {
  const category = form.querySelector("input[name=category]:checked");
  const field = form.querySelector(".theme-field");
  if (field) { field.hidden = !(category && category.dataset.themed === "1"); }
}

export function restoreDraft(hadFocus) {
  const form = document.getElementById("item-form");
  if (!form) { return; }
  const draft = readDraft(form.dataset.step);
  if (draft) {
    form.querySelector("#item-text").value = draft.text || "";
    const radio = form.querySelector("input[name=category][value='" + draft.category + "']");
    if (radio) { radio.checked = true; }
    if (draft.theme) { form.querySelector("#item-theme").value = draft.theme; }
  }
  syncTheme(form);
  if (hadFocus) { form.querySelector("#item-text").focus(); }
}

export function keepDrafts() {
  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("#item-form");
    if (form) { saveDraft(form); }
  });
  document.addEventListener("change", function (event) {
    const form = event.target.closest && event.target.closest("#item-form");
    if (form) { syncTheme(form); saveDraft(form); }
  });
  let focusWasInForm = false, before = { step: "", drafted: false };
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") {
      const active = document.activeElement;
      focusWasInForm = !!(active && active.id === "item-text");
      const text = document.getElementById("item-text");
      before = { step: event.detail.target.dataset.step || "", drafted: !!(text && text.value.trim()) };
    }
  });
  afterStageSwap(function () {
    restoreDraft(focusWasInForm);
    const step = document.getElementById("stage").dataset.step || "";
    if (step !== before.step) { stepChanged(before.drafted); }
  });
}

// A new step starts at the top of the page. A draft of the step just left stays on this
// device and comes back with that step; the participant is told, so it does not seem lost.
// Where the focus went with the old step, it moves to the new step's heading, so a keyboard
// or screen-reader user starts there (and Tab goes on to its first field).
function stepChanged(leftADraft) {
  window.scrollTo(0, 0);
  const active = document.activeElement;
  const heading = document.querySelector("#stage h2");
  if (heading && (!active || active === document.body)) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  const notice = document.getElementById("draft-notice");
  if (!notice) { return; }
  const form = document.getElementById("item-form");
  const returned = form && readDraft(form.dataset.step);
  if (leftADraft) { notice.hidden = false; }
  else if (returned && returned.text) { notice.hidden = true; }
}
