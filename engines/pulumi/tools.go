//go:build tools

// The Pulumi CLI's main package, built from the module proxy. `go install pkg@version` refuses
// github.com/pulumi/pulumi/pkg/v3 because its go.mod carries replace directives; requiring it from
// this module and building the main package by path is the way round (replace lines only apply to
// the main module, so the upstream ones are ignored here).
package engines

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
