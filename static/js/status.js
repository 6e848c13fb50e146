// The participant's status line under the form (#outbox-status): sent, queued, refused.

// The last outbox message, kept so a redrawn stage (e.g. on reconnect) still shows it.
let lastSaid = { step: null, text: "" };
export function say(text) {
  const status = document.getElementById("outbox-status");
  if (status) { status.textContent = text; }
  const form = document.getElementById("item-form");
  lastSaid = { step: form && form.dataset.step, text: text };
}
export function sayAgain() {
  const form = document.getElementById("item-form");
  if (form && form.dataset.step === lastSaid.step) { say(lastSaid.text); }
}
