/**
 * Lets routes declare zod schemas in fastify's `schema` option: requests are parsed (defaults
 * applied, unknown fields rejected) by zod, and a failure becomes a 400 naming the field.
 */
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { validationError } from "../../lib/errors.js";

export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = schema as unknown as z.ZodType;
    return (data: unknown) => {
      const result = zod.safeParse(data ?? undefined);
      return result.success
        ? { value: result.data }
        : { error: validationError(result.error, httpPart ?? "") };
    };
  });
  // Response schemas document the contract (and feed the MCP output schemas); plain JSON on the wire.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
