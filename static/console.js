// Console helpers for actions that need more than one htmx attribute: reorder, edit, move,
// merge the selected items, minutes → seconds. Every call goes to the JSON API with the
// page's CSRF and view headers.
(function () {
  "use strict";

  function headers() {
    var base = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    base["Content-Type"] = "application/json";
    return base;
  }
  function sessionPath() { return "/api/sessions/" + document.querySelector(".live").dataset.session; }

  async function call(method, path, body) {
    var response = await fetch(sessionPath() + path, {
      method: method, headers: headers(), credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    if (!response.ok) {
      var detail = response.statusText;
      try { detail = (await response.json()).detail; } catch (e) { /* keep statusText */ }
      showError(typeof detail === "string" ? detail : JSON.stringify(detail));
    }
    return response;
  }

  function showError(message) {
    var box = document.getElementById("console-error");
    if (box) { box.textContent = message; box.hidden = false; }
  }
  document.addEventListener("htmx:responseError", function (event) {
    var detail = event.detail.xhr.statusText;
    try { detail = JSON.parse(event.detail.xhr.responseText).detail; } catch (e) { /* keep */ }
    showError(typeof detail === "string" ? detail : JSON.stringify(detail));
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("console-error");
    if (box) { box.hidden = true; }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.dataset.moveStep) { moveStep(target); }
    else if (target.dataset.edit) { editItem(target.dataset.edit); }
    else if (target.hasAttribute("data-merge-selected")) { mergeSelected(); }
  });

  function moveStep(button) {
    var ids = Array.from(document.querySelectorAll(".agenda-step")).map(function (li) {
      return parseInt(li.id.replace("agenda-step-", ""), 10);
    });
    var id = parseInt(button.dataset.moveStep, 10);
    var from = ids.indexOf(id);
    var to = from + parseInt(button.dataset.direction, 10);
    if (to < 0 || to >= ids.length) { return; }
    ids.splice(to, 0, ids.splice(from, 1)[0]);
    call("PUT", "/agenda", { step_ids: ids });
  }

  function editItem(id) {
    var current = document.querySelector("#item-" + id + " .text");
    var text = window.prompt(document.body.dataset.editPrompt, current ? current.textContent : "");
    if (text !== null && text.trim()) { call("PATCH", "/items/" + id, { text: text }); }
  }

  function mergeSelected() {
    var ids = Array.from(document.querySelectorAll(".merge-pick:checked")).map(function (box) {
      return parseInt(box.value, 10);
    });
    if (ids.length < 2) { showError(document.body.dataset.mergeHint); return; }
    call("POST", "/items/" + ids[0] + "/merge", { member_ids: ids.slice(1) });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-config")) { return; }
    event.preventDefault();
    var config = {};
    form.querySelectorAll("[name]").forEach(function (field) {
      var value = field.value;
      if (field.hasAttribute("data-int")) { value = value === "" ? null : parseInt(value, 10); }
      else if (field.hasAttribute("data-lines")) {
        value = value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
      } else if (value === "") { value = null; }
      config[field.name] = value;
    });
    var step = form.closest("[data-step]").dataset.step;
    call("PUT", "/steps/" + step + "/config", { config: config });
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.dataset && select.dataset.move && select.value) {
      var parts = select.value.split(":");
      call("PATCH", "/items/" + select.dataset.move, { category: parts[0], theme: parts[1] || null });
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList.contains("minutes")) {
      var form = event.target.closest("form");
      form.querySelector("input[name=seconds]").value = Math.max(1, parseInt(event.target.value, 10) || 1) * 60;
    }
  });
})();
