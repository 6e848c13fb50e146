// "Mijn bijdragen": reads the whole published report (never a request naming an item), then
// finds, here on the device, the items whose ids this device kept (receipts.js) or a saving
// code holds, and says where each ended up: its words, the entry it was merged into, the
// scenario and column, and whether it is among the most important.
import { ready } from "./call.js";
import { decodeReceipts, keepReceipt, receiptLists } from "./receipts.js";

const CODE_SESSION = "code";  // receipts typed in, of whichever session

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? String(values[name]) : whole; });
}

// Every place an item can be in the report: {entry, words, where}, by item id.
export function placesOf(report, msg) {
  const places = new Map();
  function add(entry, where) {
    (entry.item_ids || []).forEach(function (id, n) {
      const words = (n > 0 && (entry.members || [])[n - 1]) || entry.text;
      places.set(id, { entry: entry, words: words, merged: n > 0, where: where });
    });
  }
  (report.scenarios || []).forEach(function (scenario) {
    (scenario.columns || []).forEach(function (column) {
      const section = scenario.title + " › " + column.label;
      if (column.themed) {
        (column.themes || []).forEach(function (group) {
          (group.items || []).forEach(function (entry) { add(entry, [section, fill(msg.theme, { theme: group.label })]); });
        });
      } else {
        (column.important || []).forEach(function (entry) { add(entry, [section, msg.important]); });
        (column.other || []).forEach(function (entry) { add(entry, [section, msg.other]); });
      }
    });
  });
  return places;
}

function labels(section) {
  const d = section.dataset;
  return { theme: d.msgTheme, important: d.msgImportant, other: d.msgOther };
}

// `lists`: the ids kept per session; those of a session with none in this report are
// another session's, not missing from this one.
function show(section, report, lists) {
  const msg = section.dataset;
  const places = placesOf(report, labels(section));
  const list = document.getElementById("mine-list");
  list.textContent = "";
  const shown = new Set();
  let missing = 0;
  lists.forEach(function (ids) {
    const here = ids.filter(function (id) { return places.has(id); });
    if (here.length) { missing += ids.length - here.length; }
    here.forEach(function (id) {
      if (shown.has(id)) { return; }
      shown.add(id);
      list.appendChild(entry(places.get(id), msg));
    });
  });
  const parts = [shown.size ? fill(msg.msgFound, { n: shown.size }) : msg.msgNone];
  if (missing) { parts.push(fill(msg.msgMissing, { n: missing })); }
  document.getElementById("mine-summary").textContent = parts.join(" ");
}

function entry(place, msg) {
  const li = document.createElement("li");
  li.className = "mine-item";
  const words = document.createElement("q");
  words.className = "text";
  words.textContent = place.words;
  const where = document.createElement("span");
  where.className = "where";
  const merged = place.merged ? fill(msg.msgMerged, { entry: place.entry.text }) : msg.msgOwnEntry;
  where.textContent = [place.where[0], place.where[1], merged].join(" · ");
  li.append(words, " ", where);
  return li;
}

async function load(section) {
  try {
    const response = await fetch(section.dataset.report, { credentials: "omit", cache: "no-store" });
    if (!response.ok) { throw new Error(String(response.status)); }
    return await response.json();
  } catch (e) {
    document.getElementById("mine-summary").textContent = section.dataset.msgOffline;
    return null;
  }
}

ready(async function () {
  const section = document.getElementById("mine");
  if (!section) { return; }
  let report = await load(section);
  if (report) { show(section, report, receiptLists()); }
  document.getElementById("mine-code-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const error = document.getElementById("mine-code-error");
    const typed = decodeReceipts(document.getElementById("mine-code").value);
    error.hidden = !!typed;
    if (!typed) { error.textContent = section.dataset.msgBadCode; return; }
    // Kept on this device, as if written here: the next visit needs no code.
    const known = new Set(receiptLists().flat());
    typed.forEach(function (id) { if (!known.has(id)) { keepReceipt(CODE_SESSION, id); } });
    report = report || await load(section);
    if (report) { show(section, report, receiptLists()); }
  });
});
