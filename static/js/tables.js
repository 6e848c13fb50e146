// Table choice: a participant picks their table; the page reloads to show that table's board.
import { call } from "./call.js";

export function startTables() {
  document.addEventListener("change", async function (event) {
    const form = event.target.closest && event.target.closest("[data-choose-table]");
    if (!form) { return; }
    const answer = await call("PUT", "/table", { table_id: parseInt(event.target.value, 10) });
    if (answer.ok) { window.location.reload(); }
  });
}
