// The countdown: the server's end time is the truth, corrected for this device's clock.
import { afterStageSwap } from "./call.js";

function secondsLeft(timer) {
  if (!timer.dataset.endsAt) { return parseInt(timer.dataset.remaining || "0", 10); }
  // serverNow was the server's clock when this element arrived (loadedAt, ours).
  if (!timer.dataset.loadedAt) { timer.dataset.loadedAt = Date.now(); }
  const skew = Date.parse(timer.dataset.serverNow) - parseInt(timer.dataset.loadedAt, 10);
  return Math.max(0, Math.ceil((Date.parse(timer.dataset.endsAt) - (Date.now() + skew)) / 1000));
}

function tick() {
  document.querySelectorAll("#timer").forEach(function (timer) {
    const left = secondsLeft(timer);
    const value = timer.querySelector(".timer-value");
    if (value) { value.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"); }
    const expired = timer.dataset.endsAt && left === 0;
    timer.classList.toggle("expired", !!expired);
    showTimeUp(!!expired, !!(expired && timer.dataset.autolock));
  });
}

// At 0:00 the server counts the step as closed (with autolock) without sending anything, so
// the screens switch over themselves: the form goes inert, the closed banner shows, and the
// console offers "Unlock input" instead of "Lock input" and "Pause".
function showTimeUp(expired, closed) {
  const form = document.getElementById("item-form");
  if (closed && form) { form.setAttribute("inert", ""); form.setAttribute("aria-disabled", "true"); }
  document.querySelectorAll("[data-timer-running]").forEach(function (el) { el.hidden = expired; });
  document.querySelectorAll("[data-timer-open]").forEach(function (el) { el.hidden = closed; });
  document.querySelectorAll("[data-timer-closed]").forEach(function (el) { el.hidden = !closed; });
}

export function startTimer() {
  setInterval(tick, 1000);
  afterStageSwap(tick);
  tick();
}
