//go:build tools

// The Python and Go language hosts. Since May 2023 each lives in a module of its own
// (sdk/python/cmd/pulumi-language-python/v3, sdk/go/pulumi-language-go/v3) that is never tagged: only
// pseudo-versions exist, and the module proxy serves none of them (engines/README.md lists what was
// tried). v3.66.0 is the newest tagged sdk/v3 release that still carries both as packages. The
// Node.js host is our own (engines/language-nodejs).
package engines

import (
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"
	_ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
)
