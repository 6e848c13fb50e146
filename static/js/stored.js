// What a page keeps on this device: JSON values in localStorage, read back as the given
// fallback when absent or unreadable (a browser that blocks storage, a value from an older page).

export function readStored(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key) || "null");
    return value === null ? fallback : value;
  } catch (e) { return fallback; }
}

export function writeStored(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

// A queue (a list of entries with a client_id) without this entry.
export function without(items, entry) {
  return items.filter(function (other) { return other.client_id !== entry.client_id; });
}
