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
    const form = document.getElementById("item-form");
    if (expired && timer.dataset.autolock && form) { form.setAttribute("inert", ""); }
  });
}

export function startTimer() {
  setInterval(tick, 1000);
  afterStageSwap(tick);
  tick();
}
