// Organiser page: the curation buttons of the programme report. Each button carries its API
// path (data-pool-action, under /api/programmes/<id>/), its JSON body (data-body) and method
// (data-method, POST unless it says otherwise: "Undo" of a rejection is a DELETE); "join
// the ticked entries" merges each ticked entry into the first, one request each. On success
// the page reloads with the same filters and page; on a refusal it says why.

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

ready(function () {
  const section = document.getElementById("curation");
  if (!section) { return; }
  const error = document.getElementById("curation-error");
  const say = function (text) { error.textContent = text; error.hidden = false; };
  section.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-pool-action], button[data-merge-selected]");
    if (!button) { return; }
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
    window.location.reload();
  });
});
