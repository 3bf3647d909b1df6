export * from "./args.js";
export * from "./component.js";
export * from "./istio.js";
export * from "./istio-crds.js";
export * from "./linkerd.js";
export * from "./linkerd-crds.js";
export * from "./network.js";
export * from "./objects.js";
