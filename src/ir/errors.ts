/**
 * An error the user can cause and fix (a malformed model, a bad flag, an unknown backend...).
 * The CLI prints its message on one line, without a stack trace, and exits with code 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A model breaks a rule of the IR. The message names the node (or value) and the rule. */
export class ModelValidationError extends UserError {
  constructor(
    readonly where: string,
    readonly rule: string,
  ) {
    super(`${where}: ${rule}`);
  }
}
