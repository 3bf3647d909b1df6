import * as pulumi from "@pulumi/pulumi";

/**
 * One problem of a component's Args. `propertyPath` is the path into the Args (`pooler.instances`,
 * `secrets[1].name`, `store.keys["url"]`); "" when the problem is the Args as a whole.
 */
export interface ArgsIssue {
  readonly propertyPath: string;
  readonly reason: string;
}

/**
 * Validators return their issues as sentences that begin with the property path they are about
 * ("replicas must be an integer ≥ 1 (got 0)"), so the same text reads well in a list and in a test.
 * The leading path is split off here: an identifier, then `.name` or `[…]` steps.
 */
const LEADING_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])*/;

/** The issue sentence as property path and reason. */
export function toArgsIssue(sentence: string): ArgsIssue {
  const path = LEADING_PATH.exec(sentence)?.[0] ?? "";
  return { propertyPath: path, reason: sentence.slice(path.length).replace(/^[\s:]+/, "") || sentence };
}

/**
 * Thrown by a component's constructor, before it creates anything, when its Args break an invariant;
 * lists every issue at once. It is the SDK's own InputPropertiesError, so when the component runs in
 * the plugin host (another Pulumi language) the engine shows each property path and reason natively;
 * in a TypeScript program the message lists them.
 */
export class InvalidArgsError extends pulumi.InputPropertiesError {
  readonly component: string;
  /** The issues as the validator worded them, one sentence each (what the message lists). */
  readonly issues: readonly string[];
  constructor(component: string, issues: readonly string[]) {
    super({
      message: `Invalid ${component} args:\n${issues.map((i) => `  - ${i}`).join("\n")}`,
      errors: issues.map(toArgsIssue),
    });
    this.name = "InvalidArgsError";
    this.component = component;
    this.issues = issues;
  }
}

/** Throw InvalidArgsError when `issues` is not empty. */
export function assertValid(component: string, issues: readonly string[]): void {
  if (issues.length > 0) throw new InvalidArgsError(component, issues);
}

/** Positive integer check with a message naming the field. */
export function positiveInt(field: string, value: number, min = 1): string[] {
  return Number.isInteger(value) && value >= min
    ? []
    : [`${field} must be an integer ≥ ${min} (got ${value})`];
}

/** A port number, 1-65535, with a message naming the field; an undefined port is left to its default. */
export function portIssues(field: string, port: number | undefined): string[] {
  return port === undefined || (Number.isInteger(port) && port >= 1 && port <= 65535)
    ? []
    : [`${field} ${port} is not a port (1-65535)`];
}
