// Comment drafts: what a participant is typing under an item is kept on this device per
// session and item, so it survives the stage or the item being redrawn (a reconnect, a step
// change, an edit of the item) and a reload; its comments stay open, and the focus comes back
// to the field it was in.
import { sessionId } from "./call.js";
import { readStored, writeStored } from "./stored.js";

function draftsKey() { return "vk-comment-drafts-" + sessionId(); }

export function commentField(itemId) { return document.getElementById("comment-" + itemId); }

// Keeps `text` as the draft under item `itemId` (an empty text drops it).
export function keepCommentDraft(itemId, text) {
  const drafts = readStored(draftsKey(), {});
  if (text.trim()) { drafts[itemId] = text; } else { delete drafts[itemId]; }
  writeStored(draftsKey(), drafts);
}

// Puts drafts back in their (empty) fields and opens those items' comments, as well as
// those of `openIds`; `focus` ({ id, at }) puts the caret back where it was.
export function restoreCommentDrafts(openIds, focus) {
  const drafts = readStored(draftsKey(), {});
  document.querySelectorAll("form[data-comment]").forEach(function (form) {
    const id = form.dataset.comment;
    const field = form.querySelector("input[name=text]");
    if (drafts[id] && !field.value) { field.value = drafts[id]; }
    if (drafts[id] || openIds.indexOf(id) >= 0) { form.closest("details").open = true; }
  });
  const field = focus && commentField(focus.id);
  if (field && document.activeElement !== field) {
    field.focus({ preventScroll: true });
    field.setSelectionRange(focus.at, focus.at);
  }
}

// What a redraw of `target` is about to take away: which comments are open, which field has
// the focus and where its caret is.
function beforeRedraw(target) {
  const openIds = Array.from(target.querySelectorAll("details.comments[open] form[data-comment]"))
    .map(function (form) { return form.dataset.comment; });
  const active = document.activeElement;
  const form = active && target.contains(active) && active.closest("form[data-comment]");
  const focus = form ? { id: form.dataset.comment, at: active.selectionStart || active.value.length } : null;
  return { openIds: openIds, focus: focus };
}

export function keepCommentDrafts() {
  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("form[data-comment]");
    if (form) { keepCommentDraft(form.dataset.comment, event.target.value); }
  });
  let before = { openIds: [], focus: null };
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target) { before = beforeRedraw(event.detail.target); }
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    restoreCommentDrafts(before.openIds, before.focus);
    before = { openIds: [], focus: null };
  });
}
