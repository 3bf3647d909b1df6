import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "./deps.js";
import { conversationRoutes } from "./v1/conversations.js";
import { searchRoutes } from "./v1/search.js";

export type { RouteDeps } from "./deps.js";

export function registerV1Routes(app: FastifyInstance, deps: RouteDeps): void {
  conversationRoutes(app, deps);
  searchRoutes(app, deps);
}
