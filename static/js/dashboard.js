// Programme dashboard: one socket for every session of the programme. The server sends a
// snapshot (rows as HTML), then each session's events (their seqs are kept here, so a
// reconnect resumes after them), rows again when they change, alerts, and the report's
// sections every few seconds. Reconnects with full jitter, capped at 10 s.

import { ready } from "./call.js";
import { keepOpen, programmeSocket } from "./stream.js";

function replaceRow(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const row = template.content.firstElementChild;
  const old = document.getElementById(row.id);
  if (old) { old.replaceWith(row); } else { document.getElementById("dashboard-rows").append(row); }
}

function replaceById(id, html) {
  const old = document.getElementById(id);
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  if (old && template.content.firstElementChild) { old.replaceWith(template.content.firstElementChild); }
}

function setConnection(online) {
  const el = document.getElementById("connection");
  el.textContent = online ? el.dataset.online : el.dataset.offline;
  el.classList.toggle("offline", !online);
}

ready(function () {
  const root = document.getElementById("dashboard");
  if (!root) { return; }
  const seqs = {};  // session id → last event seq received: where a reconnect resumes

  function url() {
    const after = Object.entries(seqs).map(([id, seq]) => id + ":" + seq).join(",");
    return programmeSocket(root.dataset.programme,
      "lang=" + root.dataset.language + (after ? "&after=" + after : ""));
  }

  const handlers = {
    snapshot(message) {
      document.getElementById("dashboard-rows").innerHTML = message.html;
      replaceById("dashboard-totals", message.totals_html);
      replaceById("dashboard-alerts", message.alerts_html);
      for (const row of message.sessions) {
        if (!(row.session_id in seqs)) { seqs[row.session_id] = row.seq; }
      }
      document.body.dataset.synced = "1";
    },
    event(message) { seqs[message.session_id] = message.seq; },
    row(message) {
      replaceRow(message.html);
      replaceById("dashboard-totals", message.totals_html);
    },
    alerts(message) { replaceById("dashboard-alerts", message.html); },
    report(message) {
      const report = document.getElementById("dashboard-report");
      report.innerHTML = message.html;
      report.removeAttribute("aria-busy");
    },
  };

  keepOpen(url, function (message) {
    const handle = handlers[message.kind];
    if (handle) { handle(message); }
  }, function (online) {
    setConnection(online);
    if (!online) { delete document.body.dataset.synced; }
  });
});
