export * from "./args.js";
export * from "./component.js";
export * from "./crds.js";
export * from "./istio.js";
export * from "./linkerd.js";
export * from "./network.js";
export * from "./objects.js";
