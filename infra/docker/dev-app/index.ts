export { type BindMount, type DevAppArgs, validateDevAppArgs } from "./args.js";
export { DevApp } from "./component.js";
