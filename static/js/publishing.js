// Publishing a closed session's report on the organiser page: data-publish="<session id>"
// publishes it at a read-only link, data-unpublish revokes the link (after data-confirm); the
// page then reloads to show the link, or its absence. A refusal is said in an alert.

import { callApi, ready } from "./call.js";

ready(function () {
  document.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-publish], button[data-unpublish]");
    if (!button) { return; }
    const publish = !!button.dataset.publish;
    if (!publish && !window.confirm(button.dataset.confirm)) { return; }
    button.disabled = true;
    const session = publish ? button.dataset.publish : button.dataset.unpublish;
    const result = await callApi(publish ? "POST" : "DELETE", "/api/sessions/" + session + "/publish");
    if (result.ok) { window.location.reload(); return; }
    button.disabled = false;
    window.alert(result.detail || "");
  });
});
