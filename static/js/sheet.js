// The facilitator links sheet: its print button (no inline script under the CSP).
document.querySelector("[data-print]")?.addEventListener("click", () => window.print());
