/** Who a service call is for, and until when. */
export interface RequestContext {
  /** From the API key (API_KEYS); `default` when auth is off. */
  tenantId: string;
  /**
   * Aborted when the request runs past REQUEST_TIMEOUT (reason: an AppError TIMEOUT). Services stop
   * waiting at once and pass it down to the embedder, the answerer and between database statements.
   */
  signal?: AbortSignal;
}

export const DEFAULT_TENANT = "default";

export const defaultContext: RequestContext = { tenantId: DEFAULT_TENANT };
