import type { CloudNativePgDatabaseArgs } from "../../../../infra/index.js";

/** Prod-like args: the tuning the stack passes, S3-compatible backups with keys. */
export const PROD: CloudNativePgDatabaseArgs = {
  name: "postgres",
  namespace: "mcp-prod",
  storage: { size: "50Gi", storageClass: "fast-ssd" },
  resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } },
  parameters: {
    shared_buffers: "2GB",
    effective_cache_size: "6GB",
    max_connections: "200",
    work_mem: "16MB",
    maintenance_work_mem: "512MB",
    random_page_cost: "1.1",
    effective_io_concurrency: "200",
    wal_buffers: "16MB",
    checkpoint_completion_target: "0.9",
  },
  database: "mcp_production",
  owner: "mcp",
  password: "s3cr3t-Pa55word!",
  pooler: { maxClientConn: 1000, defaultPoolSize: 40, reservePoolSize: 10 },
  backup: {
    destinationPath: "s3://mcp-backups/postgres",
    endpointURL: "https://minio.storage:9000",
    accessKeyId: "AKIA-TEST-ID",
    secretAccessKey: "aws-secret-key-value",
  },
};
