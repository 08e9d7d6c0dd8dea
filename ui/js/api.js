// The one door to the Rust side: wraps Tauri's invoke and turns the
// `{code, message, field}` errors of our commands into TillError.

/** Error codes the core uses (see src-tauri/core/src/error.rs). */
export const ErrorCode = Object.freeze({
  validation: 'validation',
  notFound: 'not_found',
  conflict: 'conflict',
  unauthorized: 'unauthorized',
  approvalNeeded: 'approval_needed',
  noOneAtTill: 'no_one_at_till',
  locked: 'locked',
  storage: 'storage',
  integrity: 'integrity',
  internal: 'internal',
});

export class TillError extends Error {
  constructor({ code, message, field }) {
    super(message);
    this.code = code || ErrorCode.internal;
    this.field = field || null;
  }
}

let nobodyAtTill = null;

/** What to do when the core answers that nobody is at the till (the till
 * locked itself, or the person was deactivated): the shell shows the
 * person picker. */
export function onNobodyAtTill(handler) {
  nobodyAtTill = handler;
}

export async function call(command, args = {}) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    throw new TillError({ code: ErrorCode.internal, message: 'Popup Till must run inside its own window.' });
  }
  let error;
  const started = performance.now();
  try {
    return await tauri.core.invoke(command, args);
  } catch (err) {
    error = err && typeof err === 'object' && 'code' in err
      ? new TillError(err)
      : new TillError({ code: ErrorCode.internal, message: String(err) });
  } finally {
    // The window benchmark sets `__tillCallTimes` to an array to see each
    // call into Rust as the page waits for it (Tauri's own invoke cannot be
    // wrapped from outside: it is read-only).
    if (Array.isArray(window.__tillCallTimes)) window.__tillCallTimes.push([command, performance.now() - started]);
  }
  if (error.code === ErrorCode.noOneAtTill && nobodyAtTill) nobodyAtTill(error.message);
  throw error;
}

/**
 * Call a command that may need an organizer's approval. The core decides:
 * when it answers `approval_needed`, `askPin` collects an organizer's PIN
 * (showing the core's words) and the call is made again with it. Resolves
 * null only when no PIN was given; a command that answers nothing (a PIN
 * reset) resolves true once done.
 */
export async function callApproved(command, args, askPin) {
  const done = (result) => (result === null || result === undefined ? true : result);
  try {
    return done(await call(command, args));
  } catch (err) {
    if (err.code !== ErrorCode.approvalNeeded) throw err;
    const approval = await askPin(err.message);
    if (!approval) return null;
    return done(await call(command, { ...args, approval }));
  }
}
