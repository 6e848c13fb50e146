// The projector's page: the board, and a vote's results, always fit the screen. The type
// shrinks until every column fits, down to a size the back row can read (MIN_PX at 1080p, more
// on larger screens); beyond that each column pages through its entries (items, a vote's
// options, statements), a page every few seconds, the newest item marked "new". An entry taller
// than its column on its own gets a page to itself in smaller type. Voorwaarden stand grouped by
// theme; converge boards sort by support. Also: the countdown, the live connection, full screen
// and a dark theme for dim rooms.
import { ready } from "./call.js";
import { watchConnection } from "./connection.js";
import { startTimer } from "./timer.js";

const MIN_PX = 20;           // the smallest item text at 1080p (docs/running-a-session.md)
const MAX_PX = 36;           // the largest, for a board with few items
const ALONE_PX = 14;         // an entry too long for its column shrinks, but never under this
const PAGE_SECONDS = 10;     // each page is shown this long (?rotate=N sets it, for tests)
const NEW_SECONDS = 20;      // how long a new item stays marked
const THEME_KEY = "vk-projector-theme";

const params = new URLSearchParams(location.search);
const seconds = (name, fallback) => {
  const value = parseFloat(params.get(name));
  return value > 0 ? value : fallback;
};
const pageMs = seconds("rotate", PAGE_SECONDS) * 1000;
const newMs = seconds("new", NEW_SECONDS) * 1000;

const state = { page: 0, pages: 1, timer: null, plan: [], observer: null };

// The smallest and largest item text for this screen: never under MIN_PX, and on a larger
// screen as large relative to its height as MIN_PX is at 1080p.
function fontRange() {
  const min = Math.max(MIN_PX, (innerHeight * MIN_PX) / 1080);
  return [min, Math.max(min, (innerHeight * MAX_PX) / 1080)];
}

// What fits the screen: the board, or a vote's, the statements' or the glossary's results.
// Each has lists (the board's columns, a vote's columns, the statements, each term's
// definitions) of entries cut into pages.
const FITTED = "#stage[data-board] .board, #stage[data-results] .results";
const LISTS = ".items, .vote-result-items, .statement-results, .term-definitions";
const ENTRIES = ":scope > :is(.item, .count-bar, .statement-result)";

function lists(board) {
  return Array.from(board.querySelectorAll(LISTS));
}

function fits(board) {
  return lists(board).every((list) => list.scrollHeight <= list.clientHeight + 1);
}

// The largest font (whole pixels) at which every column fits, or null when even min does not.
function largestFit(board, min, max) {
  const set = (px) => board.style.setProperty("--fit-font", px + "px");
  set(min);
  if (!fits(board)) { return null; }
  let low = Math.ceil(min), high = Math.floor(max);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    set(mid);
    if (fits(board)) { low = mid; } else { high = mid - 1; }
  }
  const best = Math.max(low, min);
  set(best);
  return best;
}

// Each column's entries cut into pages that fill its height, entries kept whole and in order.
function paginate(list) {
  const height = list.clientHeight;
  const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
  const pages = [];
  let current = [], used = 0;
  for (const item of list.querySelectorAll(ENTRIES)) {
    const need = (current.length ? used + gap : 0) + item.offsetHeight;
    if (need > height && current.length) {
      pages.push(current);
      current = [item];
      used = item.offsetHeight;
    } else {
      current.push(item);
      used = need;
    }
  }
  if (current.length) { pages.push(current); }
  pages.filter((page) => page.length === 1).forEach(([entry]) => fitAlone(entry, height));
  return pages;
}

// An entry taller than its column even alone on a page (the longest contribution on a small
// screen): its type shrinks until it fits, down to ALONE_PX, so it is read whole.
function fitAlone(entry, height) {
  if (entry.offsetHeight <= height) { return; }
  const start = parseFloat(getComputedStyle(entry).fontSize);
  let px = Math.floor(start);
  while (px > ALONE_PX && entry.offsetHeight > height) {
    px -= 1;
    entry.style.fontSize = px + "px";
  }
  entry.dataset.alone = "";
}

// Page p of the board: each column shows its page p (a shorter column repeats its own), so
// every item is on screen at least once per rotation.
function showPage(page) {
  state.page = page;
  for (const pages of state.plan) {
    const shown = pages.length ? new Set(pages[page % pages.length]) : new Set();
    pages.flat().forEach((item) => item.classList.toggle("off-page", !shown.has(item)));
  }
  const indicator = document.getElementById("board-page");
  if (indicator) {
    indicator.hidden = state.pages < 2;
    indicator.textContent = `${page + 1}/${state.pages}`;
  }
}

function rotate() {
  clearInterval(state.timer);
  state.timer = null;
  if (state.pages > 1) {
    state.timer = setInterval(() => {
      showPage((state.page + 1) % state.pages);
      state.observer?.takeRecords();  // turning the page is no change to fit
    }, pageMs);
  }
}

function support(item) {
  const mentions = item.querySelector(".mentions");
  const metoo = item.querySelector(".metoo-badge [id^=metoo-]");
  const count = (el, fallback) => (el ? parseInt(el.textContent.replace(/\D/g, ""), 10) || 0 : fallback);
  return count(mentions, 1) + count(metoo, 0);
}

// The order of a column on the projector: voorwaarden grouped by theme in the themes' order
// (as the report lists them; a theme it does not know last), on a converge board the most
// supported first (mentions + "me too"); otherwise, and between equals, arrival order.
function arrange(board, converge) {
  for (const list of lists(board)) {
    const themes = (list.dataset.themes || "").split(" ").filter(Boolean);
    if (!themes.length && !converge) { continue; }
    const group = (item) => {
      const found = themes.indexOf(item.dataset.theme);
      return found < 0 ? themes.length : found;
    };
    const items = Array.from(list.querySelectorAll(":scope > .item"));
    const sorted = items
      .map((item) => [group(item), converge ? support(item) : 0, Number(item.dataset.item), item])
      .sort((a, b) => a[0] - b[0] || b[1] - a[1] || a[2] - b[2])
      .map((entry) => entry[3]);
    if (sorted.some((item, i) => item !== items[i])) { sorted.forEach((item) => list.append(item)); }
  }
}

// A new item: marked for a while, and the page that holds it comes up.
function markNew(item) {
  if (item.classList.contains("is-new")) { return; }
  item.classList.add("is-new");
  const badge = document.createElement("span");
  badge.className = "new-badge";
  badge.textContent = document.body.dataset.newLabel || "new";
  item.querySelector(".item-main")?.prepend(badge);
  setTimeout(() => { item.classList.remove("is-new"); badge.remove(); }, newMs);
}

// The board at the largest type that fits, or else cut into pages at the smallest.
function layOut(board) {
  board.querySelectorAll(".off-page").forEach((item) => item.classList.remove("off-page"));
  board.querySelectorAll("[data-alone]").forEach((entry) => {
    entry.style.fontSize = "";
    delete entry.dataset.alone;
  });
  const [min, max] = fontRange();
  const fitted = largestFit(board, min, max);
  state.plan = fitted === null ? lists(board).map(paginate) : [];
  state.pages = Math.max(1, ...state.plan.map((pages) => pages.length));
  board.dataset.fitted = fitted === null ? "paged" : "fits";
}

// The page that shows `item` (its column's page), else `fallback` if there still is one.
function pageOf(item, fallback) {
  for (const pages of state.plan) {
    const found = pages.findIndex((page) => page.includes(item));
    if (found >= 0) { return found; }
  }
  return Math.min(fallback, state.pages - 1);
}

function fit(arrived) {
  const board = document.querySelector(FITTED);
  if (!board) {
    clearInterval(state.timer);
    Object.assign(state, { timer: null, plan: [], page: 0, pages: 1 });
    return;
  }
  arrange(board, Boolean(document.querySelector("#stage[data-board=converge]")));
  arrived.forEach(markNew);
  const before = state.pages;
  layOut(board);
  const newest = arrived[arrived.length - 1];
  showPage(newest ? pageOf(newest, state.page) : Math.min(state.page, state.pages - 1));
  if (newest || before !== state.pages) { rotate(); }  // a new page gets its full time
}

// Refit after every change to the board (new items, edits, deletes, a redrawn stage) and
// after a resize; one fit per frame however many fragments arrive.
function watchBoard() {
  const root = document.querySelector(".projector-layout");
  let scheduled = false;
  let arrived = [];
  const ticking = (record) => {
    const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    return Boolean(target && target.closest("#timer"));
  };
  const observer = new MutationObserver((records) => {
    if (records.every(ticking)) { return; }  // the countdown's second changes no size
    for (const record of records) {
      record.addedNodes.forEach((node) => {
        if (node.nodeType === 1 && node.matches("li.item.fresh")) { arrived.push(node); }
      });
    }
    schedule();
  });
  function schedule() {
    if (scheduled) { return; }
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const fresh = arrived.filter((item) => item.isConnected);
      arrived = [];
      fit(fresh);
      observer.takeRecords();  // our own changes (sorting, badges) need no second fit
    });
  }
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  state.observer = observer;
  addEventListener("resize", schedule);
  schedule();
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const toggle = document.getElementById("theme-toggle");
  if (toggle) { toggle.setAttribute("aria-pressed", String(theme === "dark")); }
}

function setUpTheme() {
  const asked = params.get("theme");
  if (asked === "dark" || asked === "light") { localStorage.setItem(THEME_KEY, asked); }
  applyTheme(localStorage.getItem(THEME_KEY) === "dark" ? "dark" : "light");
  document.getElementById("theme-toggle")?.addEventListener("click", () => {
    const theme = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    localStorage.setItem(THEME_KEY, theme);
    applyTheme(theme);
  });
}

function setUpFullScreen() {
  const button = document.getElementById("fullscreen");
  if (!button || !document.fullscreenEnabled) { return; }
  const update = () => { button.hidden = Boolean(document.fullscreenElement); };
  button.addEventListener("click", () => document.documentElement.requestFullscreen());
  document.addEventListener("fullscreenchange", update);
  update();
}

setUpTheme();
watchConnection();
ready(startTimer);
ready(setUpFullScreen);
ready(watchBoard);
