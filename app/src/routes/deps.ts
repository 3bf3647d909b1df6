import type { FastifyRequest } from "fastify";
import type { RequestContext, Services } from "../services/index.js";

/** What every route needs, handed down from buildApp (its own module, so routes never import their index). */
export interface RouteDeps {
  services: Services;
  /** Derives the caller's tenant from the request (issue 6: from the API key). */
  context: (request: FastifyRequest) => RequestContext;
}
