import * as pulumi from "@pulumi/pulumi";
import { EnvironmentValidationError, UnknownEnvironmentError } from "../environments/index.js";
import { InvalidArgsError } from "../infra/index.js";

/**
 * A stack configuration problem the user fixes with a `pulumi config set` line; the message names the
 * key and gives that line.
 */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/**
 * Configuration problems as the Pulumi CLI should show them: the message alone. The Node.js runtime
 * prints a RunError's message without the program's stack trace, which for a missing key is noise.
 */
export function asRunError(error: unknown): unknown {
  const known =
    error instanceof StackConfigError ||
    error instanceof EnvironmentValidationError ||
    error instanceof UnknownEnvironmentError ||
    error instanceof InvalidArgsError;
  return known ? new pulumi.RunError((error as Error).message) : error;
}
