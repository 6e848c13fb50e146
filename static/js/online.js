// An online round's page: each participant's step is kept on their device, so leaving and
// coming back (same device) continues where they were.
const nav = document.getElementById("online-nav");
if (nav) {
  const key = "vk-online-step-" + nav.dataset.session;
  const asked = new URLSearchParams(window.location.search).get("step");
  const saved = window.localStorage.getItem(key);
  if (!asked && saved && saved !== nav.dataset.step) {
    window.location.replace("?step=" + encodeURIComponent(saved));
  } else if (nav.dataset.step) {
    window.localStorage.setItem(key, nav.dataset.step);
  }
}
