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

  // The last outbox message, kept so a redrawn stage (e.g. on reconnect) still shows it.
  var lastSaid = { step: null, text: "" };
  function say(message) {
    var status = document.getElementById("outbox-status");
    if (status) { status.textContent = message; }
    var form = document.getElementById("item-form");
    lastSaid = { step: form && form.dataset.step, text: message };
  }
  function sayAgain() {
    var form = document.getElementById("item-form");
    if (form && form.dataset.step === lastSaid.step) { say(lastSaid.text); }
  }

  var flushing = false;
  var retryDelay = 500;

  async function flush() {
    if (flushing || !sessionId()) { return; }
    flushing = true;
    try {
      var pending = readOutbox();
      var refusal = "";
      while (pending.length) {
        var entry = pending[0];
        var response;
        try {
          response = await fetch("/api/sessions/" + sessionId() + "/items", {
            method: "POST",
            headers: apiHeaders(),
            body: JSON.stringify(entry),
            credentials: "same-origin"
          });
        } catch (networkError) {
          say(live().dataset.msgQueued);
          scheduleRetry();
          return;
        }
        if (response.status === 429 || response.status === 408) {
          // Rate limited (or too slow): the entry stays in the outbox; wait as asked.
          say(await detailOf(response));
          scheduleRetry(1000 * (parseInt(response.headers.get("Retry-After"), 10) || 1));
          return;
        }
        if (response.status >= 500) {
          // Kept and sent again, but behind the others: should the fault lie with this one
          // entry, it never holds up what the participant types after it.
          writeOutbox(readOutbox().filter(function (p) { return p.client_id !== entry.client_id; }).concat([entry]));
          say(live().dataset.msgQueued);
          scheduleRetry();
          return;
        }
        pending = readOutbox().filter(function (p) { return p.client_id !== entry.client_id; });
        writeOutbox(pending);
        retryDelay = 500;
        if (response.ok) {
          say(refusal || live().dataset.msgSent);  // a refusal's reason stays in view
          showOwn(await response.json());
        } else {
          refusal = await refused(entry, response);
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

  function showOwn(body) {
    // In a blind round the socket does not echo items: show the participant their own.
    var stage = document.getElementById("stage");
    if (!stage || !stage.dataset.blind || document.getElementById("item-" + body.item.id)) { return; }
    var suffix = body.item.table_id ? "-t" + body.item.table_id : "";
    var list = document.getElementById("items-" + body.item.step_id + "-" + body.item.category + suffix);
    if (!list) { return; }
    var li = document.createElement("li");
    li.className = "item mine";
    li.id = "item-" + body.item.id;
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = body.item.text;
    li.appendChild(text);
    list.appendChild(li);
  }

  async function refused(entry, response) {
    // The server said no for good (e.g. the step moved on, a character it cannot store): the
    // entry has left the outbox so later ones go on; give the words back, with the reason,
    // next to anything typed since, or keep them as that step's draft when no form is shown.
    var detail = await detailOf(response);
    var form = document.getElementById("item-form");
    var text = document.getElementById("item-text");
    if (form && text) {
      text.value = withWords(entry.text, text.value);
      saveDraft(form);
    } else {
      keepAsDraft(entry);
    }
    say(detail);
    return detail;
  }
  function withWords(words, typed) {
    if (!typed.trim()) { return words; }
    return typed.indexOf(words) >= 0 ? typed : words + "\n\n" + typed;
  }
  function keepAsDraft(entry) {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(draftKey(entry.step_id)) || "null"); } catch (e) { draft = null; }
    draft = draft || { category: entry.category, theme: entry.theme };
    draft.text = withWords(entry.text, draft.text || "");
    localStorage.setItem(draftKey(entry.step_id), JSON.stringify(draft));
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
    else if (event.target.dataset.comment) { event.preventDefault(); comment(event.target); }
    else if (event.target.hasAttribute("data-ballot")) { event.preventDefault(); ballot(event.target); }
    else if (event.target.dataset.define) { event.preventDefault(); define(event.target); }
  });

  // Reactions: "me too" and comments go straight to the API; the screen updates from the
  // socket (counts, comments) and the pressed state is kept on this device.
  function apiHeaders() {
    return {
      "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), "X-VK-View": "participant",
      "X-VK-Lang": document.documentElement.lang
    };
  }
  function pressedKey() { return "vk-metoo-" + sessionId(); }
  function pressed() {
    try { return JSON.parse(localStorage.getItem(pressedKey()) || "[]"); } catch (e) { return []; }
  }
  function syncPressed() {
    var ids = pressed();
    document.querySelectorAll("[data-metoo]").forEach(function (button) {
      button.setAttribute("aria-pressed", ids.indexOf(parseInt(button.dataset.metoo, 10)) >= 0 ? "true" : "false");
    });
  }
  function rememberPressed() {
    // The server's first render knows what this participant pressed: trust it on load.
    var ids = Array.from(document.querySelectorAll("[data-metoo][aria-pressed=true]")).map(function (b) {
      return parseInt(b.dataset.metoo, 10);
    });
    if (document.querySelector("[data-metoo]")) { localStorage.setItem(pressedKey(), JSON.stringify(ids)); }
  }
  async function metoo(button) {
    var id = parseInt(button.dataset.metoo, 10);
    var on = button.getAttribute("aria-pressed") !== "true";
    var response = await fetch("/api/sessions/" + sessionId() + "/items/" + id + "/metoo", {
      method: "PUT", headers: apiHeaders(), credentials: "same-origin", body: JSON.stringify({ on: on })
    }).catch(function () { return null; });
    if (!response || !response.ok) { say(live().dataset.msgQueued); return; }
    var ids = pressed().filter(function (x) { return x !== id; });
    if (on) { ids.push(id); }
    localStorage.setItem(pressedKey(), JSON.stringify(ids));
    syncPressed();
  }
  async function comment(form) {
    var input = form.querySelector("input[name=text]");
    if (!input.value.trim()) { return; }
    var body = JSON.stringify({ client_id: newClientId(), text: input.value });
    for (var attempt = 0; attempt < 6; attempt++) {
      var response = await fetch("/api/sessions/" + sessionId() + "/items/" + form.dataset.comment + "/comments", {
        method: "POST", headers: apiHeaders(), credentials: "same-origin", body: body
      }).catch(function () { return null; });
      if (response && response.ok) { input.value = ""; return; }
      if (response && response.status < 500 && response.status !== 429) { return; }
      await new Promise(function (resolve) { setTimeout(resolve, 500 * Math.pow(2, attempt)); });
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-metoo]");
    if (button) { metoo(button); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-choose-table]");
    if (!form) { return; }
    fetch("/api/sessions/" + sessionId() + "/table", {
      method: "PUT", headers: apiHeaders(), credentials: "same-origin",
      body: JSON.stringify({ table_id: parseInt(event.target.value, 10) })
    }).then(function (response) { if (response.ok) { window.location.reload(); } });
  });

  // Votes: a form's [data-subject] fields make the ballot; the answers are kept on this
  // device too, so a redrawn stage shows the participant their own vote again.
  function answersOf(form) {
    var answers = {};
    form.querySelectorAll("[data-subject]").forEach(function (el) {
      var subject = el.dataset.subject, field = el.dataset.field;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (field === "argument" && !el.value.trim()) { return; }
      if (el.type === "number" && !(parseInt(el.value, 10) > 0)) { return; }
      var answer = answers[subject] = answers[subject] || { subject: subject };
      if (field === "argument") { answer.argument = el.value; }
      else if (field === "choice") { answer.choice = el.value; }
      else if (field === "value") { answer.value = el.value === "" ? null : parseInt(el.value, 10); }
    });
    return Object.values(answers);
  }
  function ballotKey(step) { return "vk-ballot-" + sessionId() + "-" + step; }
  function stepOf(form) { return form.closest("[data-vote-step]").dataset.voteStep; }
  function rememberBallot(form) {
    var key = ballotKey(stepOf(form));
    var kept = {};
    try { kept = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { kept = {}; }
    if (!form.dataset.replace) { kept = {}; }
    form.querySelectorAll("[data-subject]").forEach(function (el) { delete kept[el.dataset.subject]; });
    answersOf(form).forEach(function (answer) { kept[answer.subject] = answer; });
    localStorage.setItem(key, JSON.stringify(kept));
  }
  function restoreBallots() {
    var vote = document.querySelector("[data-vote-step]");
    if (!vote) { return; }
    var kept;
    try { kept = JSON.parse(localStorage.getItem(ballotKey(vote.dataset.voteStep)) || "null"); } catch (e) { kept = null; }
    if (!kept) { return; }
    vote.querySelectorAll("[data-subject]").forEach(function (el) {
      var answer = kept[el.dataset.subject];
      var field = el.dataset.field;
      if (el.type === "radio") {
        var wanted = field === "choice" ? answer && answer.choice : answer && (answer.value === null ? "" : String(answer.value));
        el.checked = !!answer && el.value === wanted;
      } else if (el.type === "checkbox") { el.checked = !!answer; }
      else if (field === "argument") { el.value = (answer && answer.argument) || ""; }
      else if (el.type === "number") { el.value = (answer && answer.value) || 0; }
    });
  }
  async function ballot(form) {
    var saved = form.querySelector(".saved");
    var k = parseInt(form.dataset.k || "0", 10);
    var answers = answersOf(form);
    if (form.dataset.method === "topk" && answers.length > k) {
      if (saved) { saved.textContent = live().dataset.msgTooMany.replace("{k}", k); }
      return;
    }
    var response = await fetch("/api/sessions/" + sessionId() + "/steps/" + stepOf(form) + "/ballot", {
      method: "PUT", headers: apiHeaders(), credentials: "same-origin",
      body: JSON.stringify({ answers: answers })
    }).catch(function () { return null; });
    if (response && response.ok) {
      rememberBallot(form);
      if (saved) { saved.textContent = live().dataset.msgSaved; }
    } else if (saved) {
      var detail = live().dataset.msgQueued;
      try { detail = (await response.json()).detail; } catch (e) { /* offline */ }
      saved.textContent = typeof detail === "string" ? detail : JSON.stringify(detail);
    }
  }
  async function define(form) {
    var text = form.querySelector("textarea");
    if (!text.value.trim()) { return; }
    var response = await fetch("/api/sessions/" + sessionId() + "/steps/" + stepOf(form) + "/definitions", {
      method: "POST", headers: apiHeaders(), credentials: "same-origin",
      body: JSON.stringify({ term: form.dataset.define, text: text.value })
    }).catch(function () { return null; });
    if (response && response.ok) { text.value = ""; }
  }

  // The countdown: the server's end time is the truth, corrected for this device's clock.
  function tick() {
    document.querySelectorAll("#timer").forEach(function (timer) {
      var left;
      if (timer.dataset.endsAt) {
        // serverNow was the server's clock when this element arrived (loadedAt, ours).
        if (!timer.dataset.loadedAt) { timer.dataset.loadedAt = Date.now(); }
        var skew = Date.parse(timer.dataset.serverNow) - parseInt(timer.dataset.loadedAt, 10);
        left = Math.max(0, Math.ceil((Date.parse(timer.dataset.endsAt) - (Date.now() + skew)) / 1000));
      } else {
        left = parseInt(timer.dataset.remaining || "0", 10);
      }
      var value = timer.querySelector(".timer-value");
      if (value) { value.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"); }
      var expired = timer.dataset.endsAt && left === 0;
      timer.classList.toggle("expired", !!expired);
      var form = document.getElementById("item-form");
      if (expired && timer.dataset.autolock && form) { form.setAttribute("inert", ""); }
    });
  }
  setInterval(tick, 1000);
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

  var focusWasInForm = false, readingStep = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") {
      var active = document.activeElement;
      focusWasInForm = !!(active && active.id === "item-text");
      var more = document.querySelector(".scenario-more[open]");
      readingStep = more ? event.detail.target.dataset.step : null;
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") {
      restoreDraft(focusWasInForm); restoreBallots(); sayAgain(); tick();
      // A participant reading the folded description keeps it open across a redraw.
      var more = document.querySelector(".scenario-more");
      if (more && readingStep && readingStep === document.getElementById("stage").dataset.step) { more.open = true; }
    }
    syncPressed();
  });

  function setConnection(online) {
    var el = document.getElementById("connection");
    if (!el) { return; }
    el.textContent = online ? el.dataset.online : el.dataset.offline;
    el.classList.toggle("offline", !online);
    document.body.classList.toggle("is-offline", !online);
  }
  // When the device knows it is offline, drop the socket at once (a browser may keep a dead
  // one open for minutes) and reconnect as soon as it is back: the server then sends the
  // current stage, so the board catches up with what others added in the meantime.
  var socket = null, reconnect = null, droppedOffline = false;
  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.event.target;
    reconnect = event.detail.socketWrapper.reconnect;
    setConnection(true); flush();
  });
  document.addEventListener("htmx:wsClose", function () { setConnection(false); });
  window.addEventListener("offline", function () {
    if (socket && socket.readyState === WebSocket.OPEN) { droppedOffline = true; socket.close(); }
    setConnection(false);
  });
  window.addEventListener("online", function () {
    flush();
    if (droppedOffline && reconnect) {
      droppedOffline = false;
      setTimeout(reconnect, Math.random() * 1000);  // a room's phones do not all come back at once
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    // At load the server's page shows this participant's own vote: keep that as the truth.
    document.querySelectorAll("form[data-ballot]").forEach(rememberBallot);
    restoreDraft(false); rememberPressed(); tick(); flush();
  });
})();
