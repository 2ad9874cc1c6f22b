/**
 * The main side's way of answering a request with the envelope's `failed` code (`IpcResult` in
 * shared/ipc/contract.ts): the request router turns this error into `{ code: 'failed', message }`, and any
 * other thrown error into `internal` without its details.
 */

/** An error whose message is meant for the user ("The SIP address must look like sip:name@domain"). */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}
