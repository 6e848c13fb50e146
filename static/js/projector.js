// The projector's page: only the countdown and the live connection.
import { ready } from "./call.js";
import { watchConnection } from "./connection.js";
import { startTimer } from "./timer.js";

watchConnection();
ready(startTimer);
