// The participant page's Bewaarcode: the receipts this device kept for this session, as a
// short code to write down (receipts.js), redrawn whenever one is kept or dropped.
import { sessionId } from "./call.js";
import { encodeReceipts, receiptsOf } from "./receipts.js";

function show() {
  const code = document.getElementById("receipt-code");
  const section = document.getElementById("receipt");
  if (!code || !section) { return; }
  const text = encodeReceipts(receiptsOf(sessionId()));
  code.textContent = text;
  section.hidden = !text;
}

export function startBewaarcode() {
  document.addEventListener("vk-receipts", show);
  show();
}
