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
 * Every stack configuration problem of one run, gathered so that the first `pulumi preview` is one
 * checklist (each key with its `pulumi config set` line) rather than one error per run.
 */
export class ConfigChecklist {
  private readonly problems: string[] = [];
  private readonly envName: string;
  constructor(envName: string) {
    this.envName = envName;
  }

  /** Run a check; a StackConfigError it throws is noted (and undefined returned), anything else propagates. */
  check<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof StackConfigError)) throw error;
      this.problems.push(error.message);
      return undefined;
    }
  }

  /** Note a problem directly. */
  add(message: string): void {
    this.problems.push(message);
  }

  /** Throw one StackConfigError listing every problem noted; nothing when there is none. */
  done(): void {
    if (this.problems.length === 0) return;
    if (this.problems.length === 1) throw new StackConfigError(this.problems[0] as string);
    const items = this.problems.map((p) => `- ${p.replace(/\n/g, "\n  ")}`);
    throw new StackConfigError(
      `${this.envName}: ${this.problems.length} configuration problems; fix them all, then run again:\n${items.join("\n")}`,
    );
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
