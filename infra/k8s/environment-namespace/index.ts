export * from "./args.js";
export * from "./component.js";
