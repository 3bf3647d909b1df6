export * from "./args.js";
export * from "./component.js";
export * from "./crds.js";
export * from "./objects.js";
