export * from "../data-operators/component.js";
export * from "./component.js";
export * from "./crds.js";
export * from "./pods.js";
