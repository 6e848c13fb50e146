// Programme dashboard: one socket for every session of the programme. The server sends a
// snapshot (rows as HTML), then each session's events (their seqs are kept here, so a
// reconnect resumes after them), rows again when they change, alerts, and the report's
// sections every few seconds. Reconnects with full jitter, capped at 10 s.

import { ready } from "./call.js";

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
  let retry = 0;

  function url() {
    const after = Object.entries(seqs).map(([id, seq]) => id + ":" + seq).join(",");
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + "/api/programmes/" + root.dataset.programme +
      "/ws?lang=" + root.dataset.language + (after ? "&after=" + after : "");
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

  let socket = null, timer = null;
  function connect() {
    timer = null;
    socket = new WebSocket(url());
    socket.addEventListener("open", function () { retry = 0; setConnection(true); });
    socket.addEventListener("message", function (event) {
      const message = JSON.parse(event.data);
      const handle = handlers[message.kind];
      if (handle) { handle(message); }
    });
    socket.addEventListener("close", function () {
      setConnection(false);
      delete document.body.dataset.synced;
      retry += 1;
      if (timer === null) {
        timer = setTimeout(connect, Math.random() * Math.min(10000, 500 * Math.pow(2, retry)));
      }
    });
  }
  // A browser may keep a dead socket open for minutes: drop it when the device goes offline,
  // and reconnect (resuming after the seqs seen) as soon as it is back.
  window.addEventListener("offline", function () {
    setConnection(false);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.close(); }
  });
  window.addEventListener("online", function () {
    if (socket && socket.readyState !== WebSocket.CLOSED) { return; }
    clearTimeout(timer); retry = 0;
    timer = setTimeout(connect, Math.random() * 1000);
  });
  connect();
});
