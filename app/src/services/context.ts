/** Who a service call is for. Issue 6's auth derives the tenant from the API key; until then everyone is `default`. */
export interface RequestContext {
  tenantId: string;
}

export const DEFAULT_TENANT = "default";

export const defaultContext: RequestContext = { tenantId: DEFAULT_TENANT };
