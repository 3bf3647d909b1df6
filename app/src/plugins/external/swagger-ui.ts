/**
 * `/docs`: Swagger UI over the generated document. @fastify/swagger-ui serves swagger-ui-dist from
 * the package itself, so the page works offline (no CDN), and the online validator badge is off.
 */
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { DOCS_PATH } from "./swagger.js";

export async function registerSwaggerUi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PATH,
    validatorUrl: false,
    uiConfig: { deepLinking: true, displayOperationId: false, tryItOutEnabled: true },
    theme: { title: "mcp-backend API" },
  });
}
