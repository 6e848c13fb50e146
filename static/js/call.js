// The one way the pages talk JSON to the API: the page's CSRF, view and language headers
// (the same hx-headers htmx sends), a JSON body, and a refusal turned into its message.

export function sessionId() {
  const live = document.querySelector(".live");
  return live && live.dataset.session;
}

// A message the page carries for the participant (data-msg-* on .live), e.g. "msgQueued".
export function message(name) {
  const live = document.querySelector(".live");
  return (live && live.dataset[name]) || "";
}

function headers() {
  let base = {};
  try { base = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { base = {}; }
  base["Content-Type"] = "application/json";
  return base;
}

function detailText(data, fallback) {
  const detail = data && data.detail !== undefined ? data.detail : fallback;
  return typeof detail === "string" ? detail : JSON.stringify(detail);
}

// Sends METHOD to /api/sessions/<this session><path>. Resolves, never rejects, to
// { ok, offline, status, body, detail, retryAfter }: offline when the request never got an
// answer; detail is the server's reason when it refused.
export async function call(method, path, body) {
  return callApi(method, "/api/sessions/" + sessionId() + path, body);
}

// The same for any address of the API (the organiser page's /api/programmes/…).
export async function callApi(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: method, headers: headers(), credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  } catch (networkError) {
    return { ok: false, offline: true, status: 0, body: null, detail: "", retryAfter: 0 };
  }
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  return {
    ok: response.ok, offline: false, status: response.status,
    body: response.ok ? data : null,
    detail: response.ok ? "" : detailText(data, response.statusText),
    retryAfter: parseInt(response.headers.get("Retry-After"), 10) || 0
  };
}

export function newClientId() {
  if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
}

// Runs fn once the document is parsed (module scripts may run just before that).
export function ready(fn) {
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); }
  else { fn(); }
}

// Runs fn after the server redrew #stage (an out-of-band swap over the socket).
export function afterStageSwap(fn) {
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") { fn(); }
  });
}
