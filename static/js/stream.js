// A JSON socket kept open: reconnect with full jitter (capped at 10 s, so a programme's
// screens do not come back in one stampede), and when the device knows it is offline drop the
// socket at once (a browser may keep a dead one open for minutes) and reconnect as soon as it
// is back. url() is asked again on every connect, so the caller can say where to resume.

export function keepOpen(url, onMessage, onState) {
  const state = onState || function () {};
  let socket = null, timer = null, retry = 0;
  function connect() {
    timer = null;
    socket = new WebSocket(url());
    socket.addEventListener("open", function () { retry = 0; state(true); });
    socket.addEventListener("message", function (event) { onMessage(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      state(false);
      retry += 1;
      if (timer === null) {
        timer = setTimeout(connect, Math.random() * Math.min(10000, 500 * Math.pow(2, retry)));
      }
    });
  }
  window.addEventListener("offline", function () {
    state(false);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.close(); }
  });
  window.addEventListener("online", function () {
    if (socket && socket.readyState !== WebSocket.CLOSED) { return; }
    clearTimeout(timer); retry = 0;
    timer = setTimeout(connect, Math.random() * 1000);
  });
  connect();
}

// The address of a programme's socket (the dashboard's): `query` without the "?".
export function programmeSocket(programme, query) {
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  return scheme + window.location.host + "/api/programmes/" + programme + "/ws" + (query ? "?" + query : "");
}
