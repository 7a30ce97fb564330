/**
 * An error the user can fix (bad option, unknown board, a design that does not fit). The CLI prints its
 * one-line message and exits with code 2; anything else is a bug or a tool failure and exits with 1.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Picks `name` from `choices` or throws a UserError that lists the valid choices. */
export function choose<T>(what: string, name: string, choices: Record<string, T>): T {
  const found = Object.hasOwn(choices, name) ? choices[name] : undefined;
  if (found === undefined) {
    throw new UserError(`unknown ${what} '${name}'; choose one of: ${Object.keys(choices).join(', ')}`);
  }
  return found;
}
