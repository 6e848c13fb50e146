// The participant's page: outbox, drafts, reactions, comments, table choice, ballots, receipts,
// countdown and the live connection (which sends the outbox and the comments again whenever
// it comes back).
import { startBewaarcode } from "./bewaarcode.js";
import { afterStageSwap, ready } from "./call.js";
import { flushComments, startComments } from "./comments.js";
import { watchConnection } from "./connection.js";
import { keepDrafts, restoreDraft } from "./drafts.js";
import { flush, startOutbox } from "./outbox.js";
import { startOwn } from "./own.js";
import { rememberPressed, startReactions } from "./reactions.js";
import { sendPendingBallots, startBallots } from "./ballots.js";
import { startTables } from "./tables.js";
import { startTimer } from "./timer.js";

// A participant reading the folded description keeps it open across a redraw.
function keepDescriptionOpen() {
  let readingStep = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "stage") {
      const more = document.querySelector(".scenario-more[open]");
      readingStep = more ? event.detail.target.dataset.step : null;
    }
  });
  afterStageSwap(function () {
    const more = document.querySelector(".scenario-more");
    if (more && readingStep && readingStep === document.getElementById("stage").dataset.step) { more.open = true; }
  });
}

watchConnection(function () { flush(); flushComments(); sendPendingBallots(); });
keepDrafts();
startOutbox();
startReactions();
startTables();
keepDescriptionOpen();
ready(function () {
  startBallots();
  restoreDraft(false);
  rememberPressed();
  startOwn();
  startComments();
  startBewaarcode();
  startTimer();
  flush();
});
