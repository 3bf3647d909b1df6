export * from "./args.js";
export * from "./component.js";
export * from "./objects.js";
