// "Sessie afsluiten" on the console and the organiser page: a button with
// data-close-session="<session id>" asks for confirmation (data-confirm, since closing cannot be
// undone), closes the session over the JSON API, and reloads the page to show it closed; a
// refusal is said in an alert.

import { callApi, ready } from "./call.js";

ready(function () {
  document.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-close-session]");
    if (!button || !window.confirm(button.dataset.confirm)) { return; }
    button.disabled = true;
    const result = await callApi("POST", "/api/sessions/" + button.dataset.closeSession + "/close");
    if (result.ok) { window.location.reload(); return; }
    button.disabled = false;
    window.alert(result.detail || "");
  });
});
