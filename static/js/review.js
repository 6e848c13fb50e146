// Organiser page: each online round's review list kept live, and reviewed in place.
// The programme's socket (the dashboard's, JSON only: never an item's words) tells of every
// event of its sessions; when one changes what a round has off its board, the round's part of
// the page is fetched again (the partial the page drew at load) and merged by item id, so the
// organiser's focus and place stay. Every (re)connect starts with a snapshot, and then every
// round is fetched again: what happened during a drop is in. Approve / Decline call the JSON
// API (the page's CSRF header); without JavaScript the same forms post and the page reloads.

import { callApi, ready } from "./call.js";
import { keepOpen, programmeSocket } from "./stream.js";

const CHANGES = new Set([
  "item_late", "late_items_admitted", "late_items_declined", "online_round_changed",
  "item_deleted", "session_closed",
]);
// Between two fetches of one round: at least GAP ms, and SHARE times as long as the last one
// took, so a round of hundreds of items (a larger answer, slower to draw) is fetched less
// often in a burst of submissions rather than keep the server busy drawing it.
const GAP = 250;
const SHARE = 4;

function element(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Runs change() on a round's list; if the focus was in an item that went, it goes to the
// item now in its place (the same button where it has one), else to the round's heading.
function keepingFocus(article, change) {
  const list = article.querySelector(".review-items");
  const active = document.activeElement;
  const item = active && list.contains(active) ? active.closest("li") : null;
  const index = item ? Array.prototype.indexOf.call(list.children, item) : -1;
  const decision = active && active.value;
  change();
  if (index < 0 || document.contains(active)) { return; }
  const next = list.children[Math.min(index, list.children.length - 1)];
  const target = next && (next.querySelector('button[value="' + decision + '"]') || next.querySelector("button"));
  (target || article.querySelector("h3")).focus();
}

// The list as the server drew it, keeping every item node that did not change.
function mergeItems(list, fresh) {
  const wanted = new Set(Array.from(fresh.children, (li) => li.id));
  for (const li of Array.from(list.children)) {
    if (!wanted.has(li.id)) { li.remove(); }
  }
  let previous = null;
  for (const li of Array.from(fresh.children)) {
    let node = list.querySelector(":scope > #" + CSS.escape(li.id));
    if (node && node.dataset.state !== li.dataset.state) { node.replaceWith(li); node = li; }
    node = node || li;
    const at = previous ? previous.nextElementSibling : list.firstElementChild;
    if (at !== node) { list.insertBefore(node, at); }
    previous = node;
  }
  list.hidden = fresh.hidden;
}

function applyRound(article, fresh) {
  const parts = (root) => Array.from(root.children).filter((el) => !el.hasAttribute("data-keep"));
  const old = parts(article), now = parts(fresh);
  if (old.length !== now.length) { article.replaceWith(fresh); return; }
  keepingFocus(article, function () {
    old.forEach(function (part, n) {
      if (part.matches(".review-items")) { mergeItems(part, now[n]); }
      else if (part.outerHTML !== now[n].outerHTML) { part.replaceWith(now[n]); }
    });
  });
}

ready(function () {
  const section = document.getElementById("online-rounds");
  if (!section) { return; }
  const language = document.documentElement.lang;
  const rounds = new Map();  // round id → { busy, again, next }: one fetch at a time per round

  async function load(id) {
    let response;
    try {
      response = await fetch("/organiser/online-rounds/" + id + "/review?lang=" + language,
        { credentials: "same-origin", cache: "no-store" });
    } catch (networkError) { return; }  // the socket's next snapshot fetches it again
    if (!response.ok) { return; }
    const fresh = element(await response.text());
    const article = document.getElementById(fresh.id);
    if (article) { applyRound(article, fresh); } else { section.append(fresh); }
  }

  function refresh(id) {
    const round = rounds.get(id) || { busy: false, again: false, next: 0 };
    rounds.set(id, round);
    if (round.busy) { round.again = true; return; }
    round.busy = true;
    setTimeout(async function () {
      const started = Date.now();
      round.again = false;
      await load(id);
      round.next = Date.now() + Math.max(GAP, SHARE * (Date.now() - started));
      round.busy = false;
      if (round.again) { refresh(id); }
    }, Math.max(0, round.next - Date.now()));
  }

  function isRound(id) { return document.getElementById("online-round-" + id) !== null; }

  keepOpen(function () { return programmeSocket(section.dataset.programme, ""); }, function (message) {
    if (message.kind === "snapshot") {
      for (const row of message.sessions) {
        if (row.kind === "online") { refresh(row.session_id); }
      }
      section.dataset.synced = "1";
    } else if (message.kind === "event" && CHANGES.has(message.type)) {
      if (isRound(message.session_id) || message.type === "online_round_changed") { refresh(message.session_id); }
    }
  }, function (online) { if (!online) { delete section.dataset.synced; } });

  function say(article, text) {
    const error = article.querySelector(".error[data-keep]");
    error.textContent = text;
    error.hidden = !text;
  }

  // Hold for review on / off in place: the round's part is drawn again, the focus on its switch.
  section.addEventListener("submit", async function (event) {
    const form = event.target.closest("form.hold-form");
    if (!form || !event.submitter) { return; }
    event.preventDefault();
    if (form.dataset.busy) { return; }
    const article = form.closest("[data-round]");
    const id = article.dataset.round;
    form.dataset.busy = "1";
    const result = await callApi("PUT", "/api/sessions/" + id + "/hold-for-review",
      { hold: form.elements.hold.value === "1" });
    delete form.dataset.busy;
    if (!result.ok) {
      say(article, result.offline ? section.dataset.msgOffline : result.detail);
      return;
    }
    say(article, "");
    await load(id);
    const now = document.getElementById("online-round-" + id);
    const button = now && now.querySelector("form.hold-form button");
    if (button) { button.focus(); }
  });

  section.addEventListener("submit", async function (event) {
    const form = event.target.closest("form.late-actions");
    const button = event.submitter;
    if (!form || !button) { return; }
    event.preventDefault();
    if (form.dataset.busy) { return; }  // not disabled: a disabled button would lose the focus
    const article = form.closest("[data-round]");
    form.dataset.busy = "1";
    // One item's form carries its id; "Approve all" the ids of every item it showed waiting.
    const ids = Array.from(form.querySelectorAll('input[name="item_id"]'), (input) => Number(input.value));
    const result = await callApi("POST", "/api/sessions/" + article.dataset.round + "/review/" + button.value,
      { item_ids: ids, still_waiting: Boolean(form.elements.still_waiting) });
    delete form.dataset.busy;
    if (!result.ok) {
      say(article, result.offline ? section.dataset.msgOffline : result.detail);
      return;
    }
    say(article, "");
    const item = form.closest("li");
    if (item && button.value === "approve") {
      keepingFocus(article, function () { item.remove(); });
    }
    refresh(article.dataset.round);
  });
});
