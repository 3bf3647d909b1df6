export { JAEGER_DEFAULTS, type JaegerArgs, validateJaegerArgs } from "./args.js";
export { Jaeger } from "./component.js";
export { JAEGER_UID, jaegerFlows, jaegerObjects } from "./objects.js";
