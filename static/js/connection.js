// The live connection: show whether the socket is up, reconnect with jitter, and when the
// device knows it is offline drop the socket at once (a browser may keep a dead one open for
// minutes) and reconnect as soon as it is back: the server then sends the current stage, so
// the page catches up with what others did in the meantime.

function setConnection(online) {
  const el = document.getElementById("connection");
  if (!el) { return; }
  el.textContent = online ? el.dataset.online : el.dataset.offline;
  el.classList.toggle("offline", !online);
  document.body.classList.toggle("is-offline", !online);
}

// onBack runs when the socket opens and when the device comes back online.
export function watchConnection(onBack) {
  // Full jitter, capped at 10 s: a room of phones does not reconnect in one stampede.
  if (window.htmx) {
    htmx.config.wsReconnectDelay = function (retry) {
      return Math.random() * Math.min(10000, 500 * Math.pow(2, retry));
    };
  }
  const back = onBack || function () {};
  let socket = null, reconnect = null, droppedOffline = false;
  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.event.target;
    reconnect = event.detail.socketWrapper.reconnect;
    setConnection(true); back();
  });
  document.addEventListener("htmx:wsClose", function () {
    setConnection(false);
    delete document.body.dataset.synced;
  });
  // The first message after each (re)connect is the stage as it is now: from then on the page
  // shows the server's state (tests wait for this before they act on the page).
  document.addEventListener("htmx:wsAfterMessage", function () {
    document.body.dataset.synced = "1";
  });
  window.addEventListener("offline", function () {
    if (socket && socket.readyState === WebSocket.OPEN) { droppedOffline = true; socket.close(); }
    setConnection(false);
  });
  window.addEventListener("online", function () {
    back();
    if (droppedOffline && reconnect) {
      droppedOffline = false;
      setTimeout(reconnect, Math.random() * 1000);  // a room's phones do not all come back at once
    }
  });
}
