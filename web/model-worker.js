// The page's "What could go wrong from here?" check (crates/web/src/worker.rs), off the main
// thread so the map keeps animating: the JS package (pkg/, built by wasm-pack from
// crates/core) searches every future of the run's moment, a slice at a time, posting its
// progress after each slice. The page ends a check by terminating this worker, so there is
// no cancel message: between slices the worker yields (setTimeout), which also lets a
// terminate land promptly. It also shrinks a broken run for the page's Shrink button
// (crates/web/src/components/shrink.rs): `{ kind: "shrink", run, tick }` runs the core's
// shrink in one call, posting its progress after each run it tries (at most 10 a second);
// terminate() cancels it at any point.
import init, { ModelCheck, shrinkRun } from "./pkg/nextnumber_core.js";

// A slice of about 20–50 ms at the speeds measured: progress several times a second.
const SLICE_STATES = 2000;
const ready = init();

function shrink({ run, tick }) {
  const started = performance.now();
  let posted = 0;
  const result = shrinkRun(run, tick, (runs, actions) => {
    const now = performance.now();
    if (now - posted >= 100) {
      posted = now;
      postMessage({ kind: "shrink-progress", runs, actions });
    }
  });
  postMessage({ kind: "shrunk", result, ms: Math.round(performance.now() - started) });
}

onmessage = async (event) => {
  try {
    await ready;
    if (event.data.kind === "shrink") return shrink(event.data);
    const check = new ModelCheck(event.data);
    const started = performance.now();
    const slice = () => {
      const p = check.step(SLICE_STATES);
      const seconds = (performance.now() - started) / 1000;
      const perSecond = Math.round(p.states / Math.max(seconds, 0.001));
      postMessage({ kind: "progress", depth: p.depth, states: p.states, perSecond });
      if (p.done) {
        postMessage({ kind: "done", result: check.result(), ms: Math.round(seconds * 1000) });
        check.free();
      } else {
        setTimeout(slice, 0);
      }
    };
    slice();
  } catch (e) {
    postMessage({ kind: "failed", message: String(e && e.message ? e.message : e) });
  }
};
