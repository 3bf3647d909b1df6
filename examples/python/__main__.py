"""McpBackend and its Redis cache, with the typed Args of the generated SDK (pulumi_mcp_stack)."""

import pulumi

try:
    import pulumi_mcp_stack as mcp
except ModuleNotFoundError as missing:
    if missing.name != "pulumi_mcp_stack":
        raise
    # Without this, the program dies in a traceback that never names the step that was skipped.
    raise SystemExit(
        "mcp-stack's Python SDK (pulumi_mcp_stack) is not installed in this program's environment.\n"
        "Generate it from the component package and link it into the project with:\n"
        "  pulumi package add <mcp-stack package directory>\n"
        "where the directory is a checkout of mcp-stack after `npm ci && npm run build`, or\n"
        "node_modules/mcp-stack of an npm install (examples/README.md, 'The component package')."
    ) from missing

config = pulumi.Config()
namespace = config.get("namespace") or "default"


def resources(cpu: str, memory: str, limit_cpu: str, limit_memory: str) -> mcp.ContainerResourcesArgs:
    return mcp.ContainerResourcesArgs(
        requests=mcp.ResourceQuantitiesArgs(cpu=cpu, memory=memory, ephemeral_storage="64Mi"),
        limits=mcp.ResourceQuantitiesArgs(cpu=limit_cpu, memory=limit_memory, ephemeral_storage="256Mi"),
    )


cache = mcp.Redis(
    "example-cache",
    namespace=namespace,
    name="example-redis",
    image="redis:7.4.2-alpine",
    exporter_image="oliver006/redis_exporter:v1.67.0",
    maxmemory="128mb",
    resources=resources("50m", "160Mi", "250m", "192Mi"),
    storage="1Gi",
)

app = mcp.McpBackend(
    "example-app",
    namespace=namespace,
    name="example-mcp",
    image="ghcr.io/example/mcp-backend:1.0.0",
    version="1.0.0",
    replicas=1,
    resources=resources("100m", "256Mi", "500m", "512Mi"),
    liveness_probe=mcp.HttpProbeArgs(
        path="/health/live",
        initial_delay_seconds=30,
        period_seconds=10,
        timeout_seconds=5,
        failure_threshold=3,
    ),
    readiness_probe=mcp.HttpProbeArgs(
        path="/health/ready",
        initial_delay_seconds=5,
        period_seconds=5,
        timeout_seconds=3,
        failure_threshold=2,
    ),
    config={"LOG_LEVEL": "INFO", "CACHE_BACKEND": "redis"},
    opts=pulumi.ResourceOptions(depends_on=[cache]),
)

pulumi.export("appUrl", app.url)
pulumi.export("redisUrl", cache.url)
