/**
 * A long loop over rows in memory (or parsed from a buffer) never lets the event loop run: a signal handler, a
 * timer or a stdout error waits until the loop ends. `pacer` gives the loop a turn every `every` calls and then
 * runs `check`, which throws to stop it. The call returns nothing the other times, so the loop awaits only then.
 */
export function pacer(check: () => void, every = 1024): () => void | Promise<void> {
  let calls = 0;
  return () => {
    if (++calls % every !== 0) return;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(check);
  };
}
