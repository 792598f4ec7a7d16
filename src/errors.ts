/**
 * A problem with what the user gave us (a file, a flag, a value). The CLI prints its message
 * without a stack trace and exits with code 2; anything else is an internal error (exit 1).
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}
