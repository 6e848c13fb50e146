// The console's compact board by keyboard, and its place kept across redraws: a merge, move
// or delete redraws the whole stage (a star, the item), which would scroll every column back
// to the top and drop the focus. Before the swap the columns' scroll offsets and the focused
// item are noted; after it they are put back (a vanished item hands the focus on).

function lists() {
  return Array.from(document.querySelectorAll(".board-fit ul.items, .console-side"));
}

let kept = null;

// Scrolled down to the newest item of a column that overflows: new items stay in view.
function atEnd(el) {
  return el.scrollHeight > el.clientHeight && el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
}

function note() {
  const scroll = {};
  lists().forEach(function (el) {
    const key = el.id || el.className;
    scroll[key] = { top: el.scrollTop, atEnd: atEnd(el) };
  });
  const item = document.activeElement && document.activeElement.closest(".item");
  const list = item && item.closest("ul.items");
  kept = {
    scroll: scroll,
    item: item ? item.id : null,
    list: list ? list.id : null,
    index: list ? Array.from(list.children).indexOf(item) : -1
  };
}

function restore() {
  if (!kept) { return; }
  lists().forEach(function (el) {
    const was = kept.scroll[el.id || el.className];
    if (was) { el.scrollTop = was.atEnd ? el.scrollHeight : was.top; }
  });
  if (kept.item && !document.getElementById(kept.item)) {
    const list = document.getElementById(kept.list);
    const next = list && (list.children[kept.index] || list.children[kept.index - 1]);
    if (next) { next.focus({ preventScroll: true }); }
  } else if (kept.item && document.activeElement === document.body) {
    document.getElementById(kept.item).focus({ preventScroll: true });
  }
  kept = null;
}

// Items of the column of `item`, and the neighbouring columns of the same board.
function step(item, key) {
  const list = item.closest("ul.items");
  const siblings = Array.from(list.children);
  const index = siblings.indexOf(item);
  if (key === "ArrowUp") { return siblings[index - 1]; }
  if (key === "ArrowDown") { return siblings[index + 1]; }
  const columns = Array.from(item.closest(".board").querySelectorAll("ul.items"));
  let at = columns.indexOf(list);
  const delta = key === "ArrowLeft" ? -1 : 1;
  for (at += delta; at >= 0 && at < columns.length; at += delta) {
    const items = columns[at].children;
    if (items.length) { return items[Math.min(index, items.length - 1)]; }
  }
  return null;
}

const MOVES = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"];

// actions: { edit, star, spotlight, select, merge, remove, undo } called with the item id.
export function boardKeys(actions) {
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target) { return; }
    if (target.id === "stage" || target.contains(document.activeElement)) { note(); }
    else if (target.matches("ul.items")) { target.dataset.atEnd = atEnd(target) ? "1" : ""; }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    const target = event.detail.target;
    if (target && target.matches && target.matches("ul.items") && target.dataset.atEnd) {
      target.scrollTop = target.scrollHeight;
    }
    restore();  // a redrawn stage, or a redrawn item that had the focus
  });
  document.addEventListener("keydown", function (event) {
    const item = event.target;
    if (!item.classList || !item.classList.contains("item") || event.ctrlKey || event.metaKey || event.altKey) { return; }
    const id = item.dataset.item;
    const keys = {
      e: actions.edit, s: actions.star, p: actions.spotlight, x: actions.select,
      m: actions.merge, u: actions.undo, Delete: actions.remove, Backspace: actions.remove
    };
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (MOVES.includes(key)) {
      const next = step(item, key);
      if (next) { next.focus(); }
    } else if (keys[key]) {
      keys[key](id);
    } else { return; }
    event.preventDefault();
  });
}
