// Organiser page: the curation buttons of the programme report. Each button carries its API
// path (data-pool-action, under /api/programmes/<id>/), its JSON body (data-body) and method
// (data-method, POST unless it says otherwise: "Undo" of a rejection is a DELETE); "join
// the ticked entries" merges each ticked entry into the first, one request each. On success
// the curation section is fetched again (same filters and page) and put in place of the old
// one, and the focus goes to the button now where the pressed one was (or the section's
// heading), so a keyboard user carries on down the list; on a refusal it says why. Without
// the fetch (offline meanwhile) the page reloads.

import { callApi, ready } from "./call.js";
import "./closing.js";
import "./publishing.js";
import "./review.js";

function requests(button) {
  if (button.dataset.poolAction) {
    const body = button.dataset.body === undefined ? undefined : JSON.parse(button.dataset.body);
    return [[button.dataset.poolAction, body, button.dataset.method || "POST"]];
  }
  const ticked = Array.from(document.querySelectorAll(".pick-entry:checked"), (box) => Number(box.value));
  return ticked.slice(1).map((other) => ["entries/merge", { item_id: ticked[0], other_id: other }, "POST"]);
}

const ACTIONS = "button[data-pool-action], button[data-merge-selected]";

// The section as the server draws it now, in place of `section`; the focus on the action
// button at the pressed one's place (the list moved up under it), else on the heading.
async function redraw(section, pressed) {
  const place = Array.prototype.indexOf.call(section.querySelectorAll(ACTIONS), pressed);
  let response;
  try {
    response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
  } catch (networkError) { response = null; }
  const fresh = response && response.ok
    ? new DOMParser().parseFromString(await response.text(), "text/html").getElementById("curation")
    : null;
  if (!fresh) { window.location.reload(); return; }
  section.replaceWith(fresh);
  const actions = fresh.querySelectorAll(ACTIONS);
  const target = actions[Math.min(place, actions.length - 1)] || fresh.querySelector("h2");
  if (target === fresh.querySelector("h2")) { target.tabIndex = -1; }
  target.focus();
  const saved = document.getElementById("curation-saved");  // outside: it stays, so it is read
  if (saved) { saved.textContent = fresh.dataset.msgSaved; }
}

ready(function () {
  if (!document.getElementById("curation")) { return; }
  document.addEventListener("click", async function (event) {
    const button = event.target.closest && event.target.closest(ACTIONS);
    const section = button && button.closest("#curation");
    if (!section) { return; }
    const error = section.querySelector("#curation-error");
    const say = function (text) { error.textContent = text; error.hidden = false; };
    const todo = requests(button);
    if (!todo.length) { say(section.dataset.msgPick); return; }
    button.disabled = true;
    for (const [path, body, method] of todo) {
      const result = await callApi(method, "/api/programmes/" + section.dataset.programme + "/" + path, body);
      if (!result.ok) {
        button.disabled = false;
        say(result.offline ? section.dataset.msgOffline : result.detail);
        return;
      }
    }
    await redraw(section, button);
  });
});
