// pulumi-resource-kubernetes, served from the provider module on the Go module proxy.
//
// Upstream's own main embeds schema-embed.json and terraform-mapping-embed.json, which its build
// generates and which are therefore not in the published module. scripts/engines.ts writes both
// beside this file before `go build` (from the module's schema.json with the release version set,
// and its terraform-mapping.json), so the binary carries the same schema the release does.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
