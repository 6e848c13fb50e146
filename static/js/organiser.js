// Organiser page: the curation buttons of the programme report. Each button carries its API
// path (data-pool-action, under /api/programmes/<id>/) and its JSON body (data-body); on
// success the page reloads with the same filters and page, on refusal it says why.

import { callApi, ready } from "./call.js";

ready(function () {
  const section = document.getElementById("curation");
  if (!section) { return; }
  const error = document.getElementById("curation-error");
  section.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-pool-action]");
    if (!button) { return; }
    button.disabled = true;
    const url = "/api/programmes/" + section.dataset.programme + "/" + button.dataset.poolAction;
    const result = await callApi("POST", url, JSON.parse(button.dataset.body));
    if (result.ok) { window.location.reload(); return; }
    button.disabled = false;
    error.textContent = result.offline ? section.dataset.msgOffline : result.detail;
    error.hidden = false;
  });
});
