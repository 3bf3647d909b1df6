export * from "../external-secrets-operator/component.js";
export * from "./args.js";
export * from "./component.js";
export * from "./crds.js";
export * from "./objects.js";
