// Retrying a send with jittered exponential backoff (0.5 s doubling to 10 s), so a room of
// phones coming back online does not send everything in one stampede.

// A retrier for `run`: later(atLeast ms) schedules it, reset() after a success.
export function backoff(run) {
  let delay = 500;
  return {
    later: function (atLeast) {
      setTimeout(run, Math.max(atLeast || 0, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 10000);
    },
    reset: function () { delay = 500; }
  };
}
