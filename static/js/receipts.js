// Receipts: the ids of the items this device wrote, kept on the device alone
// (localStorage "vk-receipts": {session id: [item ids]}) so that "Mijn bijdragen" can find
// them in a published report, and as a Bewaarcode to write down, since some browsers clear
// storage after days. The code holds the ids and nothing else (no session key, no token):
// sorted, each the difference from the one before, written as base-32 digits of 4 bits with
// a "more follows" bit, then one check character; "VK" in front, dashes every 4 characters.

const KEY = "vk-receipts";
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford's: no I, L, O or U
const PREFIX = "VK";

function readAll() {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) || "{}");
    return all && typeof all === "object" && !Array.isArray(all) ? all : {};
  } catch (e) { return {}; }
}

function writeAll(all) {
  try { localStorage.setItem(KEY, JSON.stringify(all)); } catch (e) { /* storage full or off: the code still shows */ }
  document.dispatchEvent(new CustomEvent("vk-receipts"));
}

function validIds(list) {
  return Array.isArray(list) ? list.filter(function (id) { return Number.isSafeInteger(id) && id > 0; }) : [];
}

// The ids kept for one session.
export function receiptsOf(session) { return validIds(readAll()[session]); }

// Every list of ids this device kept, one per session (ids are unique on a server).
export function receiptLists() {
  const all = readAll();
  return Object.keys(all).map(function (session) { return validIds(all[session]); });
}

export function keepReceipt(session, id) {
  if (!session || !Number.isSafeInteger(id)) { return; }
  const all = readAll();
  const ids = validIds(all[session]);
  if (ids.indexOf(id) >= 0) { return; }
  ids.push(id);
  all[session] = ids;
  writeAll(all);
}

export function dropReceipt(session, id) {
  const all = readAll();
  const ids = validIds(all[session]);
  if (ids.indexOf(id) < 0) { return; }
  all[session] = ids.filter(function (x) { return x !== id; });
  writeAll(all);
}

function checkCharacter(values) {
  // Odd weights: any one wrong character changes the sum, so a typo is refused.
  let sum = 0;
  values.forEach(function (value, n) { sum = (sum + (2 * (n % 4) + 1) * value) % 32; });
  return sum;
}

// The Bewaarcode of these ids ("" for none).
export function encodeReceipts(ids) {
  const sorted = Array.from(new Set(validIds(ids))).sort(function (a, b) { return a - b; });
  if (!sorted.length) { return ""; }
  const values = [];
  let previous = 0;
  sorted.forEach(function (id) {
    let delta = id - previous;
    previous = id;
    const digits = [];
    do { digits.unshift(delta % 16); delta = Math.floor(delta / 16); } while (delta > 0);
    digits.forEach(function (digit, n) { values.push(n < digits.length - 1 ? digit + 16 : digit); });
  });
  values.push(checkCharacter(values));
  const body = values.map(function (v) { return ALPHABET[v]; }).join("");
  return PREFIX + "-" + body.match(/.{1,4}/g).join("-");
}

// The ids a Bewaarcode holds, or null when it is not one (a typo breaks the check).
export function decodeReceipts(code) {
  const plain = String(code || "").toUpperCase().replace(/[\s-]/g, "")
    .replace(/O/g, "0").replace(/[IL]/g, "1");
  if (plain.slice(0, PREFIX.length) !== PREFIX) { return null; }
  const values = [];
  for (const ch of plain.slice(PREFIX.length)) {
    const value = ALPHABET.indexOf(ch);
    if (value < 0) { return null; }
    values.push(value);
  }
  if (values.length < 2 || checkCharacter(values.slice(0, -1)) !== values[values.length - 1]) { return null; }
  const ids = [];
  let previous = 0;
  let delta = 0;
  let open = false;
  for (const value of values.slice(0, -1)) {
    delta = delta * 16 + (value % 16);
    open = value >= 16;
    if (!open) {
      previous += delta;
      if (!Number.isSafeInteger(previous)) { return null; }
      ids.push(previous);
      delta = 0;
    }
  }
  return open || !ids.length ? null : ids;
}
