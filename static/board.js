// Participant board: nothing typed is lost. Submissions go to a localStorage outbox with a
// client-made id and are retried until the server acknowledges them (after commit); a retry
// with the same id is stored once. Drafts survive the stage being redrawn on reconnect.
(function () {
  "use strict";

  // Full jitter, capped at 10 s: a room of phones does not reconnect in one stampede.
  if (window.htmx) {
    htmx.config.wsReconnectDelay = function (retry) {
      return Math.random() * Math.min(10000, 500 * Math.pow(2, retry));
    };
  }

  function live() { return document.querySelector(".live"); }
  function sessionId() { var el = live(); return el && el.dataset.session; }
  function outboxKey() { return "vk-outbox-" + sessionId(); }
  function draftKey(step) { return "vk-draft-" + sessionId() + "-" + step; }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"]; }
    catch (e) { return ""; }
  }

  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey()) || "[]"); } catch (e) { return []; }
  }
  function writeOutbox(items) { localStorage.setItem(outboxKey(), JSON.stringify(items)); }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function say(message) {
    var status = document.getElementById("outbox-status");
    if (status) { status.textContent = message; }
  }

  var flushing = false;
  var retryDelay = 500;

  async function flush() {
    if (flushing || !sessionId()) { return; }
    flushing = true;
    try {
      var pending = readOutbox();
      while (pending.length) {
        var entry = pending[0];
        var response;
        try {
          response = await fetch("/s/" + sessionId() + "/items", {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
            body: JSON.stringify(entry),
            credentials: "same-origin"
          });
        } catch (networkError) {
          say(live().dataset.msgQueued);
          scheduleRetry();
          return;
        }
        if (response.status === 429) {
          // Rate limited: the entry stays in the outbox; wait as long as the server asks.
          say(await detailOf(response));
          scheduleRetry(1000 * (parseInt(response.headers.get("Retry-After"), 10) || 1));
          return;
        }
        if (response.status >= 500) {
          say(live().dataset.msgQueued);
          scheduleRetry();
          return;
        }
        pending = readOutbox().filter(function (p) { return p.client_id !== entry.client_id; });
        writeOutbox(pending);
        retryDelay = 500;
        if (response.ok) {
          say(live().dataset.msgSent);
        } else {
          refused(entry, response);
        }
      }
    } finally {
      flushing = false;
    }
  }

  async function detailOf(response) {
    var detail = "";
    try { detail = (await response.json()).detail; } catch (e) { detail = response.statusText; }
    return typeof detail === "string" ? detail : JSON.stringify(detail);
  }

  async function refused(entry, response) {
    // The server said no (e.g. the step moved on): give the words back, with the reason.
    var detail = await detailOf(response);
    var text = document.getElementById("item-text");
    if (text && !text.value) { text.value = entry.text; }
    say(detail);
  }

  function scheduleRetry(atLeast) {
    setTimeout(flush, Math.max(atLeast || 0, retryDelay + Math.random() * retryDelay));
    retryDelay = Math.min(retryDelay * 2, 10000);
  }

  function submit(form) {
    var text = form.querySelector("#item-text");
    var category = form.querySelector("input[name=category]:checked");
    var themed = category && category.dataset.themed === "1";
    if (!text.value.trim()) { say(live().dataset.msgEmpty); text.focus(); return; }
    var pending = readOutbox();
    pending.push({
      client_id: newClientId(),
      step_id: parseInt(form.dataset.step, 10),
      category: category ? category.value : "",
      theme: themed ? form.querySelector("#item-theme").value : null,
      text: text.value
    });
    writeOutbox(pending);
    text.value = "";
    localStorage.removeItem(draftKey(form.dataset.step));
    text.focus();
    flush();
  }

  function saveDraft(form) {
    var category = form.querySelector("input[name=category]:checked");
    localStorage.setItem(draftKey(form.dataset.step), JSON.stringify({
      text: form.querySelector("#item-text").value,
      category: category ? category.value : "",
      theme: form.querySelector("#item-theme").value
    }));
  }

  function syncTheme(form) {
    var category = form.querySelector("input[name=category]:checked");
    var field = form.querySelector(".theme-field");
    if (field) { field.hidden = !(category && category.dataset.themed === "1"); }
  }

  function restoreDraft(hadFocus) {
    var form = document.getElementById("item-form");
    if (!form) { return; }
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(draftKey(form.dataset.step)) || "null"); } catch (e) { draft = null; }
    if (draft) {
      form.querySelector("#item-text").value = draft.text || "";
      var radio = form.querySelector("input[name=category][value='" + draft.category + "']");
      if (radio) { radio.checked = true; }
      if (draft.theme) { form.querySelector("#item-theme").value = draft.theme; }
    }
    syncTheme(form);
    if (hadFocus) { form.querySelector("#item-text").focus(); }
  }

  document.addEventListener("submit", function (event) {
    if (event.target.id === "item-form") { event.preventDefault(); submit(event.target); }
  });
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("#item-form");
    if (form) { saveDraft(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("#item-form");
    if (form) { syncTheme(form); saveDraft(form); }
  });
  document.addEventListener("keydown", function (event) {
    // Ctrl/Cmd+Enter sends from the text area, as in chat tools.
    if (event.target.id === "item-text" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit(event.target.form);
    }
  });

  var focusWasInForm = false;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") {
      var active = document.activeElement;
      focusWasInForm = !!(active && active.id === "item-text");
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") { restoreDraft(focusWasInForm); }
  });

  function setConnection(online) {
    var el = document.getElementById("connection");
    if (!el) { return; }
    el.textContent = online ? el.dataset.online : el.dataset.offline;
    el.classList.toggle("offline", !online);
    document.body.classList.toggle("is-offline", !online);
  }
  document.addEventListener("htmx:wsOpen", function () { setConnection(true); flush(); });
  document.addEventListener("htmx:wsClose", function () { setConnection(false); });
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () { restoreDraft(false); flush(); });
})();
