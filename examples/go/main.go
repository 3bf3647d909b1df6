// McpBackend and its Redis cache, with the typed Args of the generated SDK (package mcpstack).
package main

import (
	"example.com/pulumi-mcp-stack/sdk/go/mcpstack"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func resources(cpu, memory, limitCPU, limitMemory string) mcpstack.ContainerResourcesArgs {
	return mcpstack.ContainerResourcesArgs{
		Requests: mcpstack.ResourceQuantitiesArgs{Cpu: cpu, Memory: memory, EphemeralStorage: "64Mi"},
		Limits:   mcpstack.ResourceQuantitiesArgs{Cpu: limitCPU, Memory: limitMemory, EphemeralStorage: "256Mi"},
	}
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		namespace := config.Get(ctx, "namespace")
		if namespace == "" {
			namespace = "default"
		}

		cache, err := mcpstack.NewRedis(ctx, "example-cache", &mcpstack.RedisArgs{
			Namespace:     pulumi.String(namespace),
			Name:          pulumi.StringRef("example-redis"),
			Image:         "redis:7.4.2-alpine",
			ExporterImage: "oliver006/redis_exporter:v1.67.0",
			Maxmemory:     "128mb",
			Resources:     resources("50m", "160Mi", "250m", "192Mi"),
			Storage:       "1Gi",
		})
		if err != nil {
			return err
		}

		app, err := mcpstack.NewMcpBackend(ctx, "example-app", &mcpstack.McpBackendArgs{
			Namespace: pulumi.String(namespace),
			Name:      pulumi.StringRef("example-mcp"),
			Image:     pulumi.String("ghcr.io/example/mcp-backend:1.0.0"),
			Version:   "1.0.0",
			Replicas:  pulumi.Float64Ref(1),
			Resources: resources("100m", "256Mi", "500m", "512Mi"),
			LivenessProbe: mcpstack.HttpProbeArgs{
				Path: "/health/live", InitialDelaySeconds: 30, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3,
			},
			ReadinessProbe: mcpstack.HttpProbeArgs{
				Path: "/health/ready", InitialDelaySeconds: 5, PeriodSeconds: 5, TimeoutSeconds: 3, FailureThreshold: 2,
			},
			Config: map[string]string{"LOG_LEVEL": "INFO", "CACHE_BACKEND": "redis"},
		}, pulumi.DependsOn([]pulumi.Resource{cache}))
		if err != nil {
			return err
		}

		ctx.Export("appUrl", app.Url)
		ctx.Export("redisUrl", cache.Url)
		return nil
	})
}
