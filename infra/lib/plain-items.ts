import * as pulumi from "@pulumi/pulumi";

/**
 * Arrays of objects that a component needs as plain values (to name the objects it creates, or to check
 * them before creating anything) are still typed `pulumi.Input<T>[]`: the schema the analyzer infers from
 * a plain `T[]` gives Go a package that does not compile. codegen/go (pulumi pkg/v3 v3.276.0,
 * codegen/go/gen.go, populateDetailsForPropertyTypes and populateDetailsForTypes) generates an object
 * type's `…Args` struct only when it meets the type in an input position or as a plain property of its
 * own; a plain array's items are neither, yet the resource's Args struct refers to `[]<T>Args`
 * (`undefined: BindMountArgs`). Items typed as Inputs are input positions. test/deploy/languages.test.ts
 * compiles the generated Go SDK and runs a Go program on it.
 *
 * What callers pass stays plain: another language's literal values reach the plugin as plain values (no
 * dependencies, not secret). An Output or a Promise among the items is refused by the validator, naming
 * the item.
 */
export function isPlain<T>(value: pulumi.Input<T>): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** One issue per item that is an Output or a Promise: `<path>[i] must be a plain value …`. */
export function notPlainIssues<T>(items: readonly pulumi.Input<T>[], path: string, why: string): string[] {
  return items.flatMap((item, i) =>
    isPlain(item) ? [] : [`${path}[${i}] must be a plain value, not an Output or a Promise: ${why}`],
  );
}

/** The items as plain values, after the validator has refused any that is not. */
export function plainItems<T>(items: readonly pulumi.Input<T>[] | undefined): T[] {
  return (items ?? []).map((item, i) => {
    if (!isPlain(item)) throw new Error(`item ${i} is not a plain value (the validator should have said so)`);
    return item;
  });
}
