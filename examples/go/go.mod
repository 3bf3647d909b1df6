module mcp-stack-example-go

go 1.26.6

require github.com/pulumi/pulumi/sdk/v3 v3.276.0

// The SDK `pulumi package add` generates imports the Kubernetes Go SDK: the version of the provider the
// package pins (@pulumi/kubernetes 4.25.0).
require github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.25.0 // indirect
