export * from "./crds.js";
export * from "./database.js";
export * from "./operators.js";
export * from "./pods.js";
