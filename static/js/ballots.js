// Votes: a form's [data-subject] fields make the ballot; the answers are kept on this
// device too, so a redrawn stage shows the participant their own vote again, and so are
// arguments as they are typed (argumentdrafts.js). Glossary definitions are sent from the
// same vote stage.
import { dropArgumentDrafts, dropSentArguments, focusedArgument, holdsArgumentDrafts, keepArgumentDraft, refocusArgument, restoreArgumentDrafts, typedArguments, watchLeaving } from "./argumentdrafts.js";
import { afterStageSwap, call, message, sessionId } from "./call.js";

function answersOf(form) {
  const answers = {};
  form.querySelectorAll("[data-subject]").forEach(function (el) {
    const subject = el.dataset.subject, field = el.dataset.field;
    if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
    if (field === "argument" && !el.value.trim()) { return; }
    if (el.type === "number" && !(parseInt(el.value, 10) > 0)) { return; }
    const answer = answers[subject] = answers[subject] || { subject: subject };
    if (field === "argument") { answer.argument = el.value; }
    else if (field === "choice") { answer.choice = el.value; }
    else if (field === "value") { answer.value = el.value === "" ? null : parseInt(el.value, 10); }
  });
  return Object.values(answers);
}

function ballotKey(step) { return "vk-ballot-" + sessionId() + "-" + step; }
function stepOf(form) { return form.closest("[data-vote-step]").dataset.voteStep; }
function readKept(step) {
  try { return JSON.parse(localStorage.getItem(ballotKey(step)) || "null"); } catch (e) { return null; }
}

function rememberBallot(form) {
  let kept = (form.dataset.replace && readKept(stepOf(form))) || {};
  form.querySelectorAll("[data-subject]").forEach(function (el) { delete kept[el.dataset.subject]; });
  answersOf(form).forEach(function (answer) { kept[answer.subject] = answer; });
  localStorage.setItem(ballotKey(stepOf(form)), JSON.stringify(kept));
}

function restoreField(el, answer) {
  const field = el.dataset.field;
  if (el.type === "radio") {
    const wanted = field === "choice" ? answer && answer.choice : answer && (answer.value === null ? "" : String(answer.value));
    el.checked = !!answer && el.value === wanted;
  } else if (el.type === "checkbox") { el.checked = !!answer; }
  else if (field === "argument") { el.value = (answer && answer.argument) || ""; }
  else if (el.type === "number") { el.value = (answer && answer.value) || 0; }
}

function restoreBallots() {
  const vote = document.querySelector("[data-vote-step]");
  if (!vote) { return; }
  const kept = readKept(vote.dataset.voteStep);
  if (!kept) { return; }
  vote.querySelectorAll("[data-subject]").forEach(function (el) { restoreField(el, kept[el.dataset.subject]); });
}

function say(form, text, refused) {
  const saved = form.querySelector(".saved");
  if (!saved) { return; }
  saved.textContent = text;
  saved.classList.toggle("refused", !!refused);
}

// The steps with a ballot on its way: a redraw replaces the form, not the request.
const onItsWay = new Set();

async function send(form) {
  const answers = answersOf(form), typed = typedArguments(form);
  const overfull = overfullColumn(form);
  if (overfull) {
    say(form, overfull.dataset.column + ": " + message("msgTooMany").replace("{k}", form.dataset.k), true);
    return;
  }
  const step = stepOf(form);
  onItsWay.add(step);
  // Marked as on its way before it leaves: a reload while it travels puts the answers back
  // (kept as they changed) and sends them again; a ballot replaces the last, so it is stored
  // once either way.
  rememberBallot(form);
  localStorage.setItem(pendingKey(step), "1");
  const answer = await call("PUT", "/steps/" + step + "/ballot", { answers: answers });
  onItsWay.delete(step);
  if (answer.ok || answer.offline) { markGiven(step, true); }
  if (!answer.offline) { localStorage.removeItem(pendingKey(step)); }
  if (answer.ok) { dropSentArguments(step, typed); say(form, message("msgSaved"), false); }
  else { say(form, answer.offline ? message("msgQueued") : answer.detail, !answer.offline); }
}

// Answers given offline are kept on this device (above) and sent once it is back online.
function pendingKey(step) { return "vk-ballot-pending-" + sessionId() + "-" + step; }

// Whether this participant has a ballot in the step (saved, or queued to be): only then is
// "withdraw my vote" offered. The page as loaded says it (their own answers); a live redraw
// is drawn for everyone alike, so this device's mark says it then.
function givenKey(step) { return "vk-ballot-given-" + sessionId() + "-" + step; }

function markGiven(step, given) {
  if (given) { localStorage.setItem(givenKey(step), "1"); }
  else { localStorage.removeItem(givenKey(step)); }
  offerWithdraw();
}

function offerWithdraw() {
  const vote = document.querySelector("[data-vote-step]");
  const button = vote && vote.querySelector("[data-withdraw-ballot]");
  if (button) { button.hidden = !localStorage.getItem(givenKey(vote.dataset.voteStep)); }
}

// At page load the server's page is the truth: it drew the button for a ballot it holds.
function givenFromPage() {
  const vote = document.querySelector("[data-vote-step]");
  const button = vote && vote.querySelector("[data-withdraw-ballot]");
  if (button && !localStorage.getItem(pendingKey(vote.dataset.voteStep))) {
    markGiven(vote.dataset.voteStep, !button.hidden);
  }
}

// Also sends an autosaving form whose arguments were typed but not acknowledged (the page was
// reloaded or redrawn, or the device was offline, before the box was left): as leaving it
// would have; once, not again while a ballot of the step is on its way. Not while the vote
// shows it is closed: the words stay in their boxes.
export function sendPendingBallots() {
  const vote = document.querySelector("[data-vote-step]");
  if (!vote) { return; }
  const step = vote.dataset.voteStep;
  // Marked pending while a ballot travels too: only what no request of this page carries
  // (sent before a reload, or offline) goes again.
  if (onItsWay.has(step)) { return; }
  if (localStorage.getItem(pendingKey(step))) { vote.querySelectorAll("form[data-ballot]").forEach(ballot); return; }
  if (vote.querySelector(".badge-locked:not([hidden])")) { return; }
  vote.querySelectorAll("form[data-ballot][data-autosave]").forEach(function (form) {
    if (form.dataset.sending || !holdsArgumentDrafts(form, step)) { return; }
    say(form, message("msgSaving"), false);
    ballot(form);
  });
}

// Arguments typed but not acknowledged come back in their boxes: an autosaving form sends them
// (above), another says they are not saved yet.
function restoreTyped() {
  const vote = document.querySelector("[data-vote-step]");
  if (!vote) { return; }
  restoreArgumentDrafts(vote).forEach(function (form) {
    rememberBallot(form);
    if (!form.hasAttribute("data-autosave")) { say(form, message("msgUnsaved"), false); }
  });
}

function keepTyped(el) {
  const form = el.dataset && el.dataset.field === "argument" && el.closest("form[data-ballot]");
  if (form) { keepArgumentDraft(stepOf(form), el.dataset.subject, el.value); }
}

// One request at a time per form: a change while one is on its way sends the whole form
// again once it is back, so the last answers given are the ones stored.
async function ballot(form) {
  if (form.dataset.sending) { form.dataset.again = "1"; return; }
  form.dataset.sending = "1";
  try {
    do { delete form.dataset.again; await send(form); } while (form.dataset.again);
  } finally { delete form.dataset.sending; }
}

// A vote's columns each take up to k picks (or the points budget): each shows its count.
function given(column) {
  let n = 0;
  column.querySelectorAll("[data-subject]").forEach(function (el) {
    if (el.type === "checkbox") { n += el.checked ? 1 : 0; }
    else if (el.type === "number") { n += Math.max(0, parseInt(el.value, 10) || 0); }
  });
  return n;
}

function countColumns(root) {
  root.querySelectorAll(".vote-column .column-count").forEach(function (counter) {
    const n = given(counter.closest(".vote-column"));
    counter.textContent = counter.dataset.template.replace("{n}", n).replace("{limit}", counter.dataset.limit);
    counter.classList.toggle("over", n > parseInt(counter.dataset.limit, 10));
  });
}

// The first column with more picks than k, if any: named in the refusal, before sending.
function overfullColumn(form) {
  const k = parseInt(form.dataset.k || "0", 10);
  if (form.dataset.method !== "topk") { return null; }
  return Array.from(form.querySelectorAll(".vote-column")).find(function (column) {
    return given(column) > k;
  }) || null;
}

// Top k: once k are ticked in a column, its other boxes cannot be.
function limitPicks(form) {
  const k = parseInt(form.dataset.k || "0", 10);
  form.querySelectorAll(".vote-column").forEach(function (column) {
    const boxes = Array.from(column.querySelectorAll("input[type=checkbox][data-field=pick]"));
    const picked = boxes.filter(function (box) { return box.checked; }).length;
    boxes.forEach(function (box) { box.disabled = !box.checked && picked >= k; });
  });
}

function limitAllPicks() {
  document.querySelectorAll("form[data-method=topk]").forEach(limitPicks);
  countColumns(document);
}

// A changed answer that is not saved yet says so; an autosaving form (statements) saves it.
function changed(event) {
  const form = event.target.closest("form[data-ballot]");
  if (!form) { return; }
  if (form.dataset.method === "topk") { limitPicks(form); }
  countColumns(form);
  // Kept as it changes, so a stage redrawn before saving (the step's next event) keeps it too.
  rememberBallot(form);
  if (form.hasAttribute("data-autosave")) { say(form, message("msgSaving"), false); ballot(form); }
  else { say(form, message("msgUnsaved"), false); }
}

// Withdraw the whole ballot of the step on screen: the answers leave the server and this
// device, and the form is empty again.
async function withdraw(button) {
  const vote = button.closest("[data-vote-step]");
  const step = vote.dataset.voteStep;
  const answer = await call("DELETE", "/steps/" + step + "/ballot");
  const line = button.parentElement;
  if (!answer.ok) { say(line, answer.offline ? message("msgUnsaved") : answer.detail, true); return; }
  localStorage.removeItem(ballotKey(step));
  localStorage.removeItem(pendingKey(step));
  dropArgumentDrafts(step);
  markGiven(step, false);
  vote.querySelectorAll("[data-subject]").forEach(function (el) { restoreField(el, undefined); });
  limitAllPicks();
  say(line, message("msgWithdrawn"), false);
}

async function define(form) {
  const text = form.querySelector("textarea");
  if (!text.value.trim()) { return; }
  const answer = await call("POST", "/steps/" + stepOf(form) + "/definitions", { term: form.dataset.define, text: text.value });
  if (answer.ok) { text.value = ""; }
}

// Listens for ballots and definitions; at load the server's page shows this participant's
// own vote, so that is kept as the truth, unless answers given offline still wait to be sent;
// arguments typed and not acknowledged go back in their boxes over it.
export function startBallots() {
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-ballot")) { event.preventDefault(); ballot(event.target); }
    else if (event.target.dataset.define) { event.preventDefault(); define(event.target); }
  });
  document.addEventListener("change", changed);
  document.addEventListener("input", function (event) {
    if (event.target.closest(".vote-column")) { countColumns(document); }
    keepTyped(event.target);
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-withdraw-ballot]");
    if (button) { withdraw(button); }
  });
  watchLeaving();
  let focus = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") { focus = focusedArgument(); }
  });
  afterStageSwap(function () {
    restoreBallots(); restoreTyped(); refocusArgument(focus); focus = null;
    limitAllPicks(); offerWithdraw(); sendPendingBallots();
  });
  const vote = document.querySelector("[data-vote-step]");
  if (vote && localStorage.getItem(pendingKey(vote.dataset.voteStep))) { restoreBallots(); }
  else { document.querySelectorAll("form[data-ballot]").forEach(rememberBallot); }
  restoreTyped();
  limitAllPicks();
  givenFromPage();
  offerWithdraw();
  sendPendingBallots();
}
