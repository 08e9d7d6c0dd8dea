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

export async function call(command, args = {}) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    throw new TillError({ code: ErrorCode.internal, message: 'Popup Till must run inside its own window.' });
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err) throw new TillError(err);
    throw new TillError({ code: ErrorCode.internal, message: String(err) });
  }
}
