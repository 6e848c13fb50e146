// Undo for the console's delete and merge: a message with an undo button for UNDO_SECONDS.
// The undo is the engine's own inverse (restore the item; split off the members that merge
// took in), so it reaches every screen like any other change.
import { call } from "./call.js";

export const UNDO_SECONDS = 10;
let newest = null;  // the most recent action that can still be undone

function strings() {
  return document.getElementById("toasts").dataset;
}

function dismiss(toast) {
  if (newest && newest.toast === toast) { newest = null; }
  toast.remove();
}

// Shows "what happened [Undo]"; undo() returns the answer of the call that takes it back.
export function offerUndo(what, undo, onError) {
  const box = document.getElementById("toasts");
  if (!box) { return; }
  const toast = document.createElement("div");
  toast.className = "toast";
  const text = document.createElement("span");
  text.textContent = what;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "small";
  button.textContent = strings().undo;
  toast.append(text, button);
  box.append(toast);
  const action = { toast: toast, undo: undo, onError: onError };
  newest = action;
  button.addEventListener("click", function () { runUndo(action); });
  window.setTimeout(function () { dismiss(toast); }, UNDO_SECONDS * 1000);
}

async function runUndo(action) {
  dismiss(action.toast);
  const answer = await action.undo();
  if (answer.ok) { flash(strings().undone); }
  else if (!answer.offline && action.onError) { action.onError(answer.detail); }
}

function flash(what) {
  const box = document.getElementById("toasts");
  const note = document.createElement("div");
  note.className = "toast done";
  note.textContent = what;
  box.append(note);
  window.setTimeout(function () { note.remove(); }, 3000);
}

// The U key: undo the newest action whose message is still shown.
export function undoNewest() {
  if (newest) { runUndo(newest); }
}

export function deleted(id, onError) {
  offerUndo(strings().deleted, function () { return call("POST", "/items/" + id + "/restore"); }, onError);
}

export function merged(targetId, memberIds, onError) {
  offerUndo(strings().merged, function () {
    return call("POST", "/items/" + targetId + "/split", { member_ids: memberIds });
  }, onError);
}
