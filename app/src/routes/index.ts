import type { FastifyInstance, FastifyRequest } from "fastify";
import type { RequestContext, Services } from "../services/index.js";
import { conversationRoutes } from "./v1/conversations.js";
import { searchRoutes } from "./v1/search.js";

export interface RouteDeps {
  services: Services;
  /** Derives the caller's tenant from the request (issue 6: from the API key). */
  context: (request: FastifyRequest) => RequestContext;
}

export function registerV1Routes(app: FastifyInstance, deps: RouteDeps): void {
  conversationRoutes(app, deps);
  searchRoutes(app, deps);
}
